package org.tdxemu.kernel.init;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;

/**
 * The TDMR list in physical memory (kernel-init.md §2.1, §3.2): max_tdmrs TDMR_INFO entries of
 * tdmr_size_single() bytes each, back to back in one zeroed buffer from alloc_pages_exact(), so
 * every entry is TDMR_INFO_ALIGNMENT-aligned and unused reserved-area slots read as null.
 */
final class TdmrList {

    private final Host host;
    private final ModuleLimits limits;
    private final long base;

    private TdmrList(Host host, ModuleLimits limits, long base) {
        this.host = host;
        this.limits = limits;
        this.base = base;
    }

    /** alloc_tdmr_list(); empty when the allocation fails. */
    static Optional<TdmrList> allocate(Host host, ModuleLimits limits) {
        OptionalLong pa = host.allocZeroedPagesExact(limits.tdmrListBytes(), AllocationPurpose.TDMR_LIST);
        return pa.isPresent() ? Optional.of(new TdmrList(host, limits, pa.getAsLong())) : Optional.empty();
    }

    /** tdmr_entry(): where TDMR_INFO {@code index} lives. */
    long entry(int index) {
        return base + index * limits.tdmrInfoBytes();
    }

    /** Fills the entries of {@code plan}'s TDMRs, in order; the rest stay zero. */
    void write(TdmrPlan plan) {
        List<Tdmr> tdmrs = plan.tdmrs();
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            TdmrInfo info = TdmrInfo.at(host.memory(), entry(i)).base(tdmr.base()).size(tdmr.size());
            for (PageSize pageSize : PageSize.values()) {
                info.pamtBase(pageSize, tdmr.pamt(pageSize).start()).pamtSize(pageSize, tdmr.pamt(pageSize).size());
            }
            List<ReservedArea> areas = tdmr.reservedAreas();
            for (int j = 0; j < areas.size(); j++) {
                info.reservedArea(j, areas.get(j).offset(), areas.get(j).size());
            }
        }
    }

    /**
     * A kzalloc'd array of {@code bytes} holding the addresses of the first {@code tdmrCount}
     * entries, as TDH.SYS.CONFIG takes it; empty when the allocation fails.
     */
    OptionalLong pointerArray(long bytes, int tdmrCount) {
        OptionalLong pa = host.kzalloc(bytes, AllocationPurpose.TDMR_PA_ARRAY);
        if (pa.isPresent()) {
            TdmrPointerArray array = TdmrPointerArray.at(host.memory(), pa.getAsLong());
            for (int i = 0; i < tdmrCount; i++) {
                array.set(i, entry(i));
            }
        }
        return pa;
    }

    /** free_tdmr_list(). */
    void free() {
        host.freePagesExact(base, limits.tdmrListBytes());
    }
}
