package org.tdxemu.kernel.planner;

import org.tdxemu.kernel.host.ContigRangeAllocator;
import org.tdxemu.kernel.log.KernelLog;

/** The planners there are: the kernel's own, and tdxemu's optimal one. */
public enum PlannerKind implements Planner {

    /** {@link TdmrPlanner}: the kernel's construct_tdmrs(), exactly. */
    KERNEL {
        @Override
        public PlanResult construct(TdxMemlist memlist, AddressRanges holeSource, ModuleLimits limits,
                                    PlannerRules rules, ContigRangeAllocator allocator, KernelLog log) {
            return TdmrPlanner.construct(memlist, holeSource, limits, rules, allocator, log);
        }
    },

    /** {@link OptimalPlanner}: the same memory in TDMRs that fit where the kernel's do not, for no more PAMT. */
    OPTIMAL {
        @Override
        public PlanResult construct(TdxMemlist memlist, AddressRanges holeSource, ModuleLimits limits,
                                    PlannerRules rules, ContigRangeAllocator allocator, KernelLog log) {
            return OptimalPlanner.construct(memlist, holeSource, limits, rules, allocator, log);
        }
    }
}
