package org.tdxemu.kernel.planner;

import java.util.List;

/** The TDMRs the kernel hands the module, in order, with their PAMTs and reserved areas. */
public record TdmrPlan(List<Tdmr> tdmrs) {

    public TdmrPlan {
        tdmrs = List.copyOf(tdmrs);
    }

    public long pamtBytes() {
        long bytes = 0;
        for (Tdmr tdmr : tdmrs) {
            bytes += tdmr.pamtChunk().size();
        }
        return bytes;
    }

    /** tdmrs_count_pamt_kb(): what {@code %lu KB allocated for PAMT} prints. */
    public long pamtKb() {
        return pamtBytes() / 1024;
    }
}
