package org.tdxemu.benchmarks.planner;

import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.PlannerSetup;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;

/**
 * A layout planned again and again by the optimal planner from the kernel's state just before
 * construct_tdmrs(): each round plans with a log of its own (the planner prints a line each time)
 * and gives the PAMTs back, so that every round starts from the same allocator state.
 */
final class Replanned {

    private final PlannerSetup.Ready setup;

    private Replanned(PlannerSetup.Ready setup) {
        this.setup = setup;
    }

    /** @throws IllegalStateException if {@code name} does not plan, or a round leaves memory behind */
    static Replanned of(PlannerSetup setup, String name) {
        if (!(setup instanceof PlannerSetup.Ready ready)) {
            throw new IllegalStateException(name + " does not reach construct_tdmrs(): " + setup);
        }
        long free = ready.allocator().freeBytes();
        Replanned replanned = new Replanned(ready);
        PlanResult first = replanned.planAndFree();
        if (!(first instanceof PlanResult.Planned) || ready.allocator().freeBytes() != free) {
            throw new IllegalStateException(name + " does not plan cleanly: " + first.log());
        }
        return replanned;
    }

    PlanResult planAndFree() {
        return PlannedLayout.freePamts(PlannerKind.OPTIMAL.construct(setup.memlist(), setup.holeSource(),
                setup.limits(), setup.rules(), setup.allocator(), new KernelLog(Profile.MAINLINE)), setup.allocator());
    }
}
