package org.tdxemu.kernel.init;

import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.planner.PlannerKind;

/** Which kernel to behave as, where it takes memory holes from, and which planner builds its TDMRs. */
public record KernelOptions(Profile profile, HoleSource holes, PlannerKind planner) {

    /** Linux 6.18, holes from memblock, the kernel's planner. */
    public static final KernelOptions DEFAULT = new KernelOptions(Profile.MAINLINE, HoleSource.MEMBLOCK);

    public KernelOptions {
        if (profile == Profile.V7 && holes == HoleSource.CMRS) {
            throw new IllegalArgumentException("the CMR-hole fix was written for the merged kernel; v7 never had it");
        }
    }

    /** The kernel's own planner. */
    public KernelOptions(Profile profile, HoleSource holes) {
        this(profile, holes, PlannerKind.KERNEL);
    }

    public static KernelOptions of(Profile profile) {
        return new KernelOptions(profile, HoleSource.MEMBLOCK);
    }

    /** The same kernel with {@code other} building its TDMRs. */
    public KernelOptions withPlanner(PlannerKind other) {
        return new KernelOptions(profile, holes, other);
    }
}
