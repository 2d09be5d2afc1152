package org.tdxemu.kernel.planner;

import java.util.List;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/**
 * One TDMR as the kernel fills it in: its range, the PAMT for each page size (one contiguous
 * chunk, 4K at the bottom, then 2M, then 1G), and its reserved areas sorted by offset.
 */
public record Tdmr(long base, long size, Range pamt4k, Range pamt2m, Range pamt1g, List<ReservedArea> reservedAreas) {

    public Tdmr {
        reservedAreas = List.copyOf(reservedAreas);
    }

    public long end() {
        return base + size;
    }

    public Range range() {
        return new Range(base, end());
    }

    public Range pamt(PageSize pageSize) {
        return switch (pageSize) {
            case SIZE_4K -> pamt4k;
            case SIZE_2M -> pamt2m;
            case SIZE_1G -> pamt1g;
        };
    }

    /** The one allocation that holds all three PAMTs. */
    public Range pamtChunk() {
        return new Range(pamt4k.start(), pamt1g.end());
    }
}
