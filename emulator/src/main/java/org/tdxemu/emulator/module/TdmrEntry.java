package org.tdxemu.emulator.module;

import java.util.concurrent.atomic.AtomicBoolean;
import org.tdxemu.seamcall.layout.PageSize;

/**
 * One entry of the module's internal TDMR table, as TDH.SYS.CONFIG records it and TDH.SYS.TDMR.INIT
 * advances it (module-abi.md §4.4 step 8, §5.6). PAMT sizes are not kept; the module never needs
 * them again.
 */
final class TdmrEntry {

    final long base;
    final long size;
    /** PAMT bases indexed by {@link PageSize#code()}. */
    private final long[] pamtBases;
    final long[] reservedOffsets;
    final long[] reservedSizes;
    /** The number of leading non-null reserved areas. */
    final int reservedCount;
    /** {@code last_initialized}: really the next address to initialize. Guarded by {@link #lock}. */
    private volatile long next;
    /** The per-TDMR mutex TDMR.INIT tries. */
    final AtomicBoolean lock = new AtomicBoolean();

    TdmrEntry(long base, long size, long pamt4kBase, long pamt2mBase, long pamt1gBase, long[] reservedOffsets,
              long[] reservedSizes, int reservedCount) {
        this.base = base;
        this.size = size;
        this.pamtBases = new long[] {pamt4kBase, pamt2mBase, pamt1gBase};
        this.reservedOffsets = reservedOffsets.clone();
        this.reservedSizes = reservedSizes.clone();
        this.reservedCount = reservedCount;
        this.next = base;
    }

    long pamtBase(PageSize pageSize) {
        return pamtBases[pageSize.code()];
    }

    /** Read under {@link #lock}, or when no TDMR.INIT can be running. */
    long next() {
        return next;
    }

    void advanceTo(long next) {
        this.next = next;
    }

    long end() {
        return base + size;
    }
}
