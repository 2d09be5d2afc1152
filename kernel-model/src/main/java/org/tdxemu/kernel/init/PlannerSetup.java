package org.tdxemu.kernel.init;

import org.tdxemu.kernel.host.PageAllocator;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.AddressRanges;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.PlannerRules;
import org.tdxemu.kernel.planner.TdxMemlist;

/**
 * Where the kernel stands on a freshly booted host just before construct_tdmrs(): the memory list
 * built and the TDMR list allocated, or the reason it never gets there. Either way {@link #plan()}
 * says what planning comes to.
 */
public sealed interface PlannerSetup {

    /** construct_tdmrs() from here, or the failure that came before it. */
    PlanResult plan();

    /**
     * The planner's inputs, its allocator holding what the kernel allocated before it (the memory
     * list's entries, the TDMR list), and the log so far.
     */
    record Ready(TdxMemlist memlist, AddressRanges holeSource, ModuleLimits limits, PlannerRules rules,
                 PlannerKind planner, PageAllocator allocator, KernelLog log) implements PlannerSetup {

        /** construct_tdmrs() by the chosen planner; a built plan's PAMTs stay allocated in {@link #allocator()}. */
        @Override
        public PlanResult plan() {
            return planner.construct(memlist, holeSource, limits, rules, allocator, log);
        }
    }

    /** The kernel failed before construct_tdmrs(). */
    record Failed(PlanResult.NotPlanned result) implements PlannerSetup {

        @Override
        public PlanResult plan() {
            return result;
        }
    }
}
