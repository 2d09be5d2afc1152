package org.tdxemu.emulator.module.state;

import java.util.concurrent.atomic.AtomicBoolean;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;

/**
 * One entry of the module's internal TDMR table, as TDH.SYS.CONFIG records it and TDH.SYS.TDMR.INIT
 * advances it (module-abi.md §4.4 step 8, §5.6). PAMT sizes are not kept; the module never needs
 * them again.
 */
public final class TdmrEntry {

    public final long base;
    public final long size;
    /** PAMT bases indexed by {@link PageSize#code()}. */
    private final long[] pamtBases;
    public final long[] reservedOffsets;
    public final long[] reservedSizes;
    /** The number of leading non-null reserved areas. */
    public final int reservedCount;
    /** {@code last_initialized}: really the next address to initialize. Guarded by {@link #lock}. */
    private volatile long next;
    /** The per-TDMR mutex TDMR.INIT tries. */
    public final AtomicBoolean lock = new AtomicBoolean();

    public TdmrEntry(long base, long size, long pamt4kBase, long pamt2mBase, long pamt1gBase, long[] reservedOffsets,
                     long[] reservedSizes, int reservedCount) {
        this.base = base;
        this.size = size;
        this.pamtBases = new long[] {pamt4kBase, pamt2mBase, pamt1gBase};
        this.reservedOffsets = reservedOffsets.clone();
        this.reservedSizes = reservedSizes.clone();
        this.reservedCount = reservedCount;
        this.next = base;
    }

    /** The table entry CONFIG records for an accepted TDMR_INFO (module-abi.md §4.4 step 8). */
    public static TdmrEntry of(TdmrInfo tdmr) {
        long[] offsets = new long[TdmrInfo.MODULE_RESERVED_AREAS];
        long[] sizes = new long[TdmrInfo.MODULE_RESERVED_AREAS];
        int leading = -1;
        for (int j = 0; j < offsets.length; j++) {
            offsets[j] = tdmr.reservedOffset(j);
            sizes[j] = tdmr.reservedSize(j);
            if (sizes[j] == 0 && leading < 0) {
                leading = j;
            }
        }
        return new TdmrEntry(tdmr.base(), tdmr.size(), tdmr.pamtBase(PageSize.SIZE_4K), tdmr.pamtBase(PageSize.SIZE_2M),
                tdmr.pamtBase(PageSize.SIZE_1G), offsets, sizes, leading < 0 ? offsets.length : leading);
    }

    public long pamtBase(PageSize pageSize) {
        return pamtBases[pageSize.code()];
    }

    /** Read under {@link #lock}, or when no TDMR.INIT can be running. */
    public long next() {
        return next;
    }

    public void advanceTo(long next) {
        this.next = next;
    }

    public long end() {
        return base + size;
    }
}
