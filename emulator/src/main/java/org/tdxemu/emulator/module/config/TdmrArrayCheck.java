package org.tdxemu.emulator.module.config;

import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * The per-TDMR checks of TDH.SYS.CONFIG (module-abi.md §4.4 steps 2 to 7), in the module's order,
 * over the module's copies of the TDMR_INFO entries: no host memory, no lock, no module state. One instance checks
 * one CONFIG call's array: {@link #accept} takes TDMR 0, then 1, and so on, each checked against
 * the ones accepted before it, and answers the status of the first failing check.
 *
 * <p>The minimum PAMT size is (TDMR size / page size) × the PAMT entry size this module reports
 * for that level. The real module multiplies by {@code sizeof(pamt_entry_t)}, the same constant
 * it reports (16 in every release), so a module reporting another size is taken to be built
 * with it; TDH.SYS.TDMR.INIT lays the entries out with the same sizes. Under Dynamic PAMT the 4K
 * level is a bitmap of one bit per 4 KiB page, hard-coded in the module whatever it reports
 * (dynamic-pamt.md §2.3); every other check treats it as any PAMT.
 */
public final class TdmrArrayCheck {

    private static final long ALIGN_4K = PageSize.SIZE_4K.bytes();
    private static final long ALIGN_1G = PageSize.SIZE_1G.bytes();
    /** The order of step 6.1 and step 6.4. */
    private static final PageSize[] LARGEST_FIRST = {PageSize.SIZE_1G, PageSize.SIZE_2M, PageSize.SIZE_4K};
    /** The order of steps 6.2 and 6.3. */
    private static final PageSize[] SMALLEST_FIRST = {PageSize.SIZE_4K, PageSize.SIZE_2M, PageSize.SIZE_1G};

    private final CmrCoverage cmrs;
    private final long hkidMask;
    private final ModuleSettings settings;
    private final boolean checksEmptyTail;
    private final boolean dynamicPamt;
    private final TdmrInfo[] accepted;
    private final AvailableAreas[] availableAreas;
    private int count;

    /** @param dynamicPamt the CONFIG call enables Dynamic PAMT: the 4K PAMTs are bitmaps */
    public TdmrArrayCheck(CmrCoverage cmrs, long hkidMask, ModuleSettings settings, boolean dynamicPamt) {
        this.cmrs = cmrs;
        this.hkidMask = hkidMask;
        this.settings = settings;
        this.checksEmptyTail = settings.version().checksEmptyTail();
        this.dynamicPamt = dynamicPamt;
        this.accepted = new TdmrInfo[ModuleSettings.TABLE_TDMRS];
        this.availableAreas = new AvailableAreas[ModuleSettings.TABLE_TDMRS];
    }

    /** How many TDMRs were accepted so far; the next one checked has this index. */
    public int accepted() {
        return count;
    }

    /**
     * Checks TDMR number {@link #accepted()} against the ones before it; on TDX_SUCCESS it counts
     * as accepted.
     */
    public long accept(TdmrInfo tdmr) {
        if (count == accepted.length) {
            throw new IllegalStateException("more TDMRs than the module's table holds: " + accepted.length);
        }
        int i = count;
        long status = checkTdmr(tdmr, i);
        if (status == success()) {
            status = checkReservedAreas(tdmr, i);
        }
        if (status == success()) {
            availableAreas[i] = AvailableAreas.of(tdmr);
            accepted[i] = tdmr;
            status = checkPamts(i);
            if (status == success() && !availableAreas[i].liesIn(cmrs, checksEmptyTail)) {
                status = Statuses.tdmr(StatusCode.TDX_TDMR_OUTSIDE_CMRS, i);
            }
        }
        if (status == success()) {
            count++;
        }
        return status;
    }

    /** Steps 2 to 4: no overflow, above the previous TDMR, then alignment and address limits. */
    private long checkTdmr(TdmrInfo tdmr, int i) {
        long base = tdmr.base();
        long size = tdmr.size();
        long invalid = Statuses.tdmr(StatusCode.TDX_INVALID_TDMR, i);
        if (!isValidRange(base, size)) {
            return invalid;
        }
        if (i > 0) {
            TdmrInfo previous = accepted[i - 1];
            if (Long.compareUnsigned(base, previous.base()) < 0
                    || Long.compareUnsigned(base, previous.base() + previous.size()) < 0) {
                return Statuses.tdmr(StatusCode.TDX_NON_ORDERED_TDMR, i);
            }
        }
        if ((base & (ALIGN_1G - 1)) != 0 || (size & (ALIGN_1G - 1)) != 0 || size == 0) {
            return invalid;
        }
        if (!isPlainPhysical(base) || !isPlainPhysical(base + size - 1)) {
            return invalid;
        }
        return success();
    }

    /** Step 5: every slot, nulls only at the tail, sorted, disjoint, 4K-granular, inside the TDMR. */
    private long checkReservedAreas(TdmrInfo tdmr, int i) {
        long tdmrStart = tdmr.base();
        long tdmrEnd = tdmrStart + tdmr.size();
        for (int j = 0; j < TdmrInfo.MODULE_RESERVED_AREAS; j++) {
            long offset = tdmr.reservedOffset(j);
            long size = tdmr.reservedSize(j);
            long nonOrdered = Statuses.reservedArea(StatusCode.TDX_NON_ORDERED_RESERVED_IN_TDMR, i, j);
            long invalid = Statuses.reservedArea(StatusCode.TDX_INVALID_RESERVED_IN_TDMR, i, j);
            if (size == 0) {
                if (j < TdmrInfo.MODULE_RESERVED_AREAS - 1 && tdmr.reservedSize(j + 1) != 0) {
                    return nonOrdered;
                }
                continue;
            }
            if (!isValidRange(offset, size)) {
                return invalid;
            }
            if (j > 0) {
                long previousOffset = tdmr.reservedOffset(j - 1);
                if (Long.compareUnsigned(offset, previousOffset) < 0
                        || Long.compareUnsigned(offset, previousOffset + tdmr.reservedSize(j - 1)) < 0) {
                    return nonOrdered;
                }
            }
            if ((offset & (ALIGN_4K - 1)) != 0 || (size & (ALIGN_4K - 1)) != 0) {
                return invalid;
            }
            if (!isValidRange(tdmrStart, offset) || !isValidRange(tdmrStart + offset, size)) {
                return invalid;
            }
            long start = tdmrStart + offset;
            if (Long.compareUnsigned(start, tdmrStart) < 0 || Long.compareUnsigned(start + size, tdmrEnd) > 0) {
                return invalid;
            }
        }
        return success();
    }

    /** Step 6: each PAMT on its own, then PAMT against PAMT, against usable memory, against CMRs. */
    private long checkPamts(int i) {
        TdmrInfo tdmr = accepted[i];
        for (PageSize ps : LARGEST_FIRST) {
            if (!isValidPamt(tdmr.pamtBase(ps), tdmr.pamtSize(ps), ps, tdmr.size())) {
                return Statuses.pamt(StatusCode.TDX_INVALID_PAMT, i, ps);
            }
        }
        long status = checkPamtOverlaps(i);
        if (status == success()) {
            status = checkPamtsAvoidAvailableAreas(i);
        }
        if (status != success()) {
            return status;
        }
        for (PageSize ps : LARGEST_FIRST) {
            long base = tdmr.pamtBase(ps);
            if (!cmrs.contains(base, base + tdmr.pamtSize(ps))) {
                return Statuses.pamt(StatusCode.TDX_PAMT_OUTSIDE_CMRS, i, ps);
            }
        }
        return success();
    }

    /** Step 6.1 for one PAMT. */
    private boolean isValidPamt(long base, long size, PageSize ps, long tdmrSize) {
        if (!isValidRange(base, size)) {
            return false;
        }
        if ((base & (ALIGN_4K - 1)) != 0 || (size & (ALIGN_4K - 1)) != 0) {
            return false;
        }
        if (!isPlainPhysical(base) || !isPlainPhysical(base + size - 1)) {
            return false;
        }
        return Long.compareUnsigned(size, requiredPamtBytes(tdmrSize, ps)) >= 0;
    }

    private long requiredPamtBytes(long tdmrSize, PageSize ps) {
        if (dynamicPamt && ps == PageSize.SIZE_4K) {
            return (tdmrSize >>> ps.shift()) / Byte.SIZE;
        }
        return (tdmrSize >>> ps.shift()) * entrySize(ps);
    }

    private long entrySize(PageSize ps) {
        return switch (ps) {
            case SIZE_4K -> settings.pamt4kEntrySize();
            case SIZE_2M -> settings.pamt2mEntrySize();
            case SIZE_1G -> settings.pamt1gEntrySize();
        };
    }

    /** Step 6.2: against every earlier TDMR's three PAMTs, then TDMR i's own PAMTs pairwise. */
    private long checkPamtOverlaps(int i) {
        TdmrInfo tdmr = accepted[i];
        for (int j = 0; j < i; j++) {
            for (PageSize ps : SMALLEST_FIRST) {
                if (overlapsAnyPamtOf(accepted[j], tdmr.pamtBase(ps), tdmr.pamtSize(ps))) {
                    return Statuses.pamtOverlap(i, ps, j);
                }
            }
        }
        if (pamtsOverlap(tdmr, PageSize.SIZE_4K, PageSize.SIZE_2M)
                || pamtsOverlap(tdmr, PageSize.SIZE_4K, PageSize.SIZE_1G)) {
            return Statuses.pamtOverlap(i, PageSize.SIZE_4K, i);
        }
        if (pamtsOverlap(tdmr, PageSize.SIZE_2M, PageSize.SIZE_1G)) {
            return Statuses.pamtOverlap(i, PageSize.SIZE_2M, i);
        }
        return success();
    }

    private static boolean overlapsAnyPamtOf(TdmrInfo other, long base, long size) {
        for (PageSize ps : SMALLEST_FIRST) {
            if (AvailableAreas.isOverlap(base, size, other.pamtBase(ps), other.pamtSize(ps))) {
                return true;
            }
        }
        return false;
    }

    private static boolean pamtsOverlap(TdmrInfo tdmr, PageSize a, PageSize b) {
        return AvailableAreas.isOverlap(tdmr.pamtBase(a), tdmr.pamtSize(a), tdmr.pamtBase(b), tdmr.pamtSize(b));
    }

    /**
     * Step 6.3: for j = 0 … i, TDMR i's PAMTs against TDMR j's available areas, then (j < i)
     * TDMR j's PAMTs against TDMR i's.
     */
    private long checkPamtsAvoidAvailableAreas(int i) {
        TdmrInfo tdmr = accepted[i];
        for (int j = 0; j <= i; j++) {
            for (PageSize ps : SMALLEST_FIRST) {
                if (availableAreas[j].overlaps(tdmr.pamtBase(ps), tdmr.pamtSize(ps))) {
                    return Statuses.pamtOverlap(i, ps, j);
                }
            }
            if (j < i) {
                for (PageSize ps : SMALLEST_FIRST) {
                    if (availableAreas[i].overlaps(accepted[j].pamtBase(ps), accepted[j].pamtSize(ps))) {
                        return Statuses.pamtOverlap(j, ps, i);
                    }
                }
            }
        }
        return success();
    }

    /** The module's {@code is_valid_integer_range}: base + size does not pass 2^64. */
    private static boolean isValidRange(long base, long size) {
        return Long.compareUnsigned(base, ~size) <= 0;
    }

    /** Below the module's MAX_PA (2^52) with no HKID bits. */
    private boolean isPlainPhysical(long pa) {
        return pa >>> PhysicalAddress.MAX_BITS == 0 && (pa & hkidMask) == 0;
    }

    private static long success() {
        return StatusCode.TDX_SUCCESS.value();
    }
}
