package org.tdxemu.kernel.planner;

import java.util.List;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/**
 * One TDMR as the kernel fills it in: its range, its PAMT chunk (one allocation at
 * {@code pamtBase}: the 4K PAMT at the bottom, then the 2M, then the 1G PAMT), and its reserved
 * areas sorted by offset. In the TDMR list a failed construct_tdmrs() leaves
 * ({@link PlanResult.NotPlanned}), a TDMR may have no PAMT yet (all zero, as the kernel's zeroed list
 * holds it) and the failing TDMR's areas are in the order the kernel added them.
 */
public record Tdmr(long base, long size, long pamtBase, long pamt4kSize, long pamt2mSize, long pamt1gSize,
                   List<ReservedArea> reservedAreas) {

    public Tdmr {
        reservedAreas = List.copyOf(reservedAreas);
    }

    public long end() {
        return base + size;
    }

    public Range range() {
        return new Range(base, end());
    }

    public Range pamt4k() {
        return Range.ofSize(pamtBase, pamt4kSize);
    }

    public Range pamt2m() {
        return Range.ofSize(pamtBase + pamt4kSize, pamt2mSize);
    }

    public Range pamt1g() {
        return Range.ofSize(pamtBase + pamt4kSize + pamt2mSize, pamt1gSize);
    }

    public Range pamt(PageSize pageSize) {
        return switch (pageSize) {
            case SIZE_4K -> pamt4k();
            case SIZE_2M -> pamt2m();
            case SIZE_1G -> pamt1g();
        };
    }

    /** The one allocation that holds all three PAMTs. */
    public Range pamtChunk() {
        return Range.ofSize(pamtBase, pamt4kSize + pamt2mSize + pamt1gSize);
    }
}
