package org.tdxemu.benchmarks.planner;

import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.init.PlannerSetup;
import org.tdxemu.kernel.planner.Construction;
import org.tdxemu.kernel.planner.Tdmr;

/**
 * A layout ready to plan again and again from the same state: each round runs construct_tdmrs()
 * and gives the PAMTs back to the allocator it took them from. Built only for layouts that plan
 * without a message, so that rounds leave nothing behind.
 */
final class PlannedLayout {

    private final PlannerSetup.Ready setup;

    private PlannedLayout(PlannerSetup.Ready setup) {
        this.setup = setup;
    }

    /** @throws IllegalStateException if {@code name} does not plan, or the kernel prints anything planning it */
    static PlannedLayout of(PlannerSetup setup, String name) {
        if (!(setup instanceof PlannerSetup.Ready ready)) {
            throw new IllegalStateException(name + " does not reach construct_tdmrs(): " + setup);
        }
        PlannedLayout planned = new PlannedLayout(ready);
        long free = ready.allocator().freeBytes();
        Construction first = planned.constructAndFree();
        if (!(first instanceof Construction.Built) || !ready.log().lines().isEmpty()
                || ready.allocator().freeBytes() != free) {
            throw new IllegalStateException(name + " does not plan cleanly: " + first + ", " + ready.log().lines());
        }
        return planned;
    }

    Construction constructAndFree() {
        Construction construction = setup.construct();
        if (construction instanceof Construction.Built built) {
            for (Tdmr tdmr : built.plan().tdmrs()) {
                setup.allocator().freeContigRange(tdmr.pamtChunk().start(), tdmr.pamtChunk().size() >>> Page.SHIFT);
            }
        }
        return construction;
    }
}
