package org.tdxemu.kernel.planner;

import java.util.Comparator;
import java.util.List;
import org.tdxemu.seamcall.memory.Range;

/**
 * What the optimal planner weighs a plan by, in this order: its TDMRs that hold memory of two nodes
 * on either side of a GiB boundary (such a TDMR's PAMT lies on one node and describes the other's
 * memory too), the PAMT bytes, then the TDMRs. The kernel's planner never makes a TDMR cross such
 * a boundary, so neither does a plan that spends no more PAMT than the kernel's wherever the
 * kernel's plan fits.
 */
record PlanCost(int crossings, long pamtBytes, int tdmrs) implements Comparable<PlanCost> {

    static final PlanCost NOTHING = new PlanCost(0, 0, 0);

    static PlanCost of(List<Range> tdmrs, Coverage coverage, ModuleLimits limits) {
        PlanCost cost = NOTHING;
        for (Range tdmr : tdmrs) {
            cost = cost.plus(coverage.crossings(tdmr.start(), tdmr.end()), limits.pamtChunkBytes(tdmr.size()));
        }
        return cost;
    }

    /** With one more TDMR, which crosses {@code crossed} node boundaries and needs {@code pamt} bytes of PAMT. */
    PlanCost plus(int crossed, long pamt) {
        return new PlanCost(crossings + crossed, pamtBytes + pamt, tdmrs + 1);
    }

    /** PAMT bytes first, then node boundaries crossed, then TDMRs. */
    static final Comparator<PlanCost> PAMT_FIRST = Comparator.comparingLong(PlanCost::pamtBytes)
            .thenComparingInt(PlanCost::crossings).thenComparingInt(PlanCost::tdmrs);

    @Override
    public int compareTo(PlanCost other) {
        if (crossings != other.crossings) {
            return Integer.compare(crossings, other.crossings);
        }
        if (pamtBytes != other.pamtBytes) {
            return Long.compare(pamtBytes, other.pamtBytes);
        }
        return Integer.compare(tdmrs, other.tdmrs);
    }
}
