package org.tdxemu.kernel.init;

import org.tdxemu.kernel.Profile;

/** Which kernel to behave as, and where it takes memory holes from. */
public record KernelOptions(Profile profile, HoleSource holes) {

    /** Linux 6.18, holes from memblock. */
    public static final KernelOptions DEFAULT = new KernelOptions(Profile.MAINLINE, HoleSource.MEMBLOCK);

    public KernelOptions {
        if (profile == Profile.V7 && holes == HoleSource.CMRS) {
            throw new IllegalArgumentException("the CMR-hole fix was written for the merged kernel; v7 never had it");
        }
    }

    public static KernelOptions of(Profile profile) {
        return new KernelOptions(profile, HoleSource.MEMBLOCK);
    }
}
