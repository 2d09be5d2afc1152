package org.tdxemu.emulator.module.config;

import org.tdxemu.seamcall.layout.TdmrInfo;

/**
 * The non-reserved ("available") parts of one TDMR, as the module's walk over the reserved-area
 * slots finds them (module-abi.md §4.4, "How available areas are computed"). Steps 6.3 and 7 run
 * the same walk; only the tail that follows a sixteenth non-null slot is special: step 6.3 and
 * 1.5's step 7 skip it when it is empty, 1.0's step 7 checks it even then.
 *
 * <p>The walk assumes the reserved areas passed step 5 (sorted, disjoint, inside the TDMR), so
 * every interval but such a tail is non-empty. It is run once per TDMR and kept, where the module
 * walks again for every PAMT it compares.
 */
final class AvailableAreas {

    private static final int SLOTS = TdmrInfo.MODULE_RESERVED_AREAS;

    private final long tdmrBase;
    private final long tdmrEnd;
    private final long[] starts;
    private final long[] ends;
    private final int count;
    /** Whether the last interval is the tail after all 16 slots were consumed; it may be empty. */
    private final boolean endsWithTail;

    private AvailableAreas(long tdmrBase, long tdmrEnd, long[] starts, long[] ends, int count, boolean endsWithTail) {
        this.tdmrBase = tdmrBase;
        this.tdmrEnd = tdmrEnd;
        this.starts = starts;
        this.ends = ends;
        this.count = count;
        this.endsWithTail = endsWithTail;
    }

    static AvailableAreas of(TdmrInfo tdmr) {
        long base = tdmr.base();
        long end = base + tdmr.size();
        long[] starts = new long[SLOTS + 1];
        long[] ends = new long[SLOTS + 1];
        int count = 0;
        long cursor = base;
        // The module decides whether a tail follows from the last slot it looked at, even when
        // it stopped because nothing was left to look at.
        boolean lastSlotNonNull = false;
        for (int j = 0; j < SLOTS; j++) {
            long areaSize = tdmr.reservedSize(j);
            lastSlotNonNull = areaSize != 0;
            if (cursor == end) {
                break;
            }
            long areaStart = base + tdmr.reservedOffset(j);
            if (lastSlotNonNull && areaStart == cursor) {
                cursor = areaStart + areaSize;
                continue;
            }
            starts[count] = cursor;
            ends[count] = lastSlotNonNull ? areaStart : end;
            count++;
            if (!lastSlotNonNull) {
                break;
            }
            cursor = areaStart + areaSize;
        }
        if (lastSlotNonNull) {
            starts[count] = cursor;
            ends[count] = end;
            count++;
        }
        return new AvailableAreas(base, end, starts, ends, count, lastSlotNonNull);
    }

    private boolean isEmptyTail(int k) {
        return endsWithTail && k == count - 1 && starts[k] == ends[k];
    }

    /** Step 6.3's test: whether {@code [base, base + size)} overlaps any available area. */
    boolean overlaps(long base, long size) {
        if (!isOverlap(base, size, tdmrBase, tdmrEnd - tdmrBase)) {
            return false;
        }
        for (int k = 0; k < count; k++) {
            if (!isEmptyTail(k) && isOverlap(base, size, starts[k], ends[k] - starts[k])) {
                return true;
            }
        }
        return false;
    }

    /** Step 7's test: every available area, each on its own, lies in CMR memory. */
    boolean liesIn(CmrCoverage cmrs, boolean checksEmptyTail) {
        for (int k = 0; k < count; k++) {
            if ((checksEmptyTail || !isEmptyTail(k)) && !cmrs.contains(starts[k], ends[k])) {
                return false;
            }
        }
        return true;
    }

    /** The module's {@code is_overlap}: half-open ranges that share a byte; the callers rule out wrap-around. */
    static boolean isOverlap(long base, long size, long base2, long size2) {
        return Long.compareUnsigned(base, base2 + size2) < 0 && Long.compareUnsigned(base2, base + size) < 0;
    }
}
