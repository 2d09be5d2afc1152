package org.tdxemu.kernel.planner;

import org.tdxemu.kernel.host.ContigRangeAllocator;
import org.tdxemu.kernel.log.KernelLog;

/**
 * construct_tdmrs() (kernel-init.md §1.3 step G): TDMRs that cover {@code memlist}, their PAMTs
 * allocated from {@code allocator}, their reserved areas, or the error and why, with nothing left
 * allocated. The rest of initialization takes whatever plan comes back the same way.
 */
@FunctionalInterface
public interface Planner {

    /**
     * @param holeSource the ranges whose gaps inside a TDMR the module must not use: the memory list
     *                   itself (upstream), or the CMRs (the later fix)
     * @param limits     limits the kernel supports ({@link ModuleLimits#supportedByKernel()})
     * @param log        the kernel's log, which the planner's messages join
     */
    PlanResult construct(TdxMemlist memlist, AddressRanges holeSource, ModuleLimits limits, PlannerRules rules,
                         ContigRangeAllocator allocator, KernelLog log);
}
