package org.tdxemu.emulator.fuzz;

import java.util.ArrayList;
import java.util.List;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * What TDH.SYS.CONFIG must answer, worked out afresh from module-abi.md §4.4 (§2.5 for the
 * shared-HPA check, §5.3 and §5.4 for the layouts; dynamic-pamt.md §2.2 and §2.3 for R8 bit 16 and
 * the bitmap), to hold the emulator to. Deliberately plain:
 * the steps in the reference's order, each a few lines of plain loops that can be read against the
 * prose. The one thing kept from one step to the next is each TDMR's usable parts, worked out once
 * its reserved areas passed step 5: step 6.3 checks every later TDMR's PAMTs against them, and
 * working them out again each time made the oracle the slowest part of the fuzzing. It shares no
 * code with the emulator; from the seamcall contract it takes only the status builders and the
 * layout offsets.
 *
 * <p>Memory is read as the emulated bus answers (docs/emulator.md, "Missing memory"): the KeyID
 * bits of an address select a key, not memory, and a read with no memory behind it gives all ones.
 */
final class ConfigOracle {

    /** The module's MAX_PA. */
    private static final long MAX_PA = 1L << 52;
    private static final long PAGE = PageSize.SIZE_4K.bytes();
    private static final long GIB = PageSize.SIZE_1G.bytes();
    /** sizeof(pamt_entry_t) in every release (§5.5). */
    private static final long PAMT_ENTRY_BYTES = 16;
    /** R8 bits 15:0 are the HKID. */
    private static final int HKID_BITS = 16;
    /** R8 bit 16 enables Dynamic PAMT on a module that has it (dynamic-pamt.md §2.2). */
    private static final long R8_DYNAMIC_PAMT = 1L << 16;
    /** Dynamic PAMT is refused when the KeyID bits start above this bit. */
    private static final int DYNAMIC_PAMT_HIGHEST_KEYID_START = 48;
    private static final int SLOTS = TdmrInfo.MODULE_RESERVED_AREAS;
    private static final PageSize[] LARGEST_FIRST = {PageSize.SIZE_1G, PageSize.SIZE_2M, PageSize.SIZE_4K};
    private static final PageSize[] SMALLEST_FIRST = {PageSize.SIZE_4K, PageSize.SIZE_2M, PageSize.SIZE_1G};

    /**
     * What firmware gave the module and what it latched at SYS.INIT.
     *
     * @param cmrs            the CMR slots in MCHECK's order, null slots (size 0) included
     * @param keyIdBits       the HKID bits of a physical address: bits 51 … 52 − keyIdBits
     * @param checksEmptyTail module 1.0: step 7 checks an empty tail after 16 areas against the CMRs
     * @param dynamicPamt     the module supports Dynamic PAMT: R8 bit 16 is not reserved
     */
    record Platform(List<CmrSlot> cmrs, int keyIdBits, int privateHkidMin, int privateHkidMax, Range seamrr,
                    boolean checksEmptyTail, boolean dynamicPamt) {
    }

    record CmrSlot(long base, long size) {
    }

    /**
     * Host memory: the installed ranges, and the 8-byte words the host wrote there, by physical
     * address. Installed memory nobody wrote reads as zero.
     */
    record Memory(List<Range> installed, Words words) {
    }

    /**
     * The answer.
     *
     * @param step          the check of the reference that decided it, in words
     * @param keyIdReserved whether pre-check 7 was reached, so the KeyID is now the module's
     * @param tdmrs         on success, the TDMRs now in use, in table order
     * @param readMissing   whether the module read memory that is not there
     * @param dynamicPamt   on success, whether the call enabled Dynamic PAMT
     */
    record Verdict(long status, String step, boolean keyIdReserved, List<Range> tdmrs, boolean readMissing,
                   boolean dynamicPamt) {
    }

    /** A check that failed: its status, and the check in words. */
    private record Failure(long status, String step) {
    }

    /** One TDMR_INFO entry as the module copies it (§5.3); PAMT arrays are indexed by {@link PageSize#code()}. */
    private record Entry(long base, long size, long[] pamtBase, long[] pamtSize, long[] areaOffset, long[] areaSize) {
        long end() {
            return base + size;
        }
    }

    private final Platform platform;
    private final Memory memory;
    /** The usable parts of each TDMR that passed step 5, by TDMR index, without an empty tail. */
    private final List<List<Range>> available = new ArrayList<>();
    private boolean readMissing;
    /** R8 asks for Dynamic PAMT: the 4K PAMTs are bitmaps. */
    private boolean dynamicPamt;

    private ConfigOracle(Platform platform, Memory memory) {
        this.platform = platform;
        this.memory = memory;
    }

    /** TDH.SYS.CONFIG(RCX, RDX, R8) on a module in SYSINIT_DONE, or not, with every LP initialized, or not. */
    static Verdict config(Platform platform, Memory memory, boolean sysinitDone, boolean everyLpInitialized,
                          long rcx, long rdx, long r8) {
        return new ConfigOracle(platform, memory).run(sysinitDone, everyLpInitialized, rcx, rdx, r8);
    }

    private Verdict run(boolean sysinitDone, boolean everyLpInitialized, long rcx, long rdx, long r8) {
        // Pre-check 1, the global lock, is always free here: nothing else runs.
        if (!sysinitDone) {
            return refused(StatusCode.TDX_SYS_CONFIG_NOT_PENDING.value(), "pre-check 2: not in SYSINIT_DONE");
        }
        if (!everyLpInitialized) {
            return refused(StatusCode.TDX_SYS_CONFIG_NOT_PENDING.value(), "pre-check 3: an LP has not done LP.INIT");
        }
        if (!isSharedHpa(rcx, TdmrPointerArray.ALIGNMENT)) {
            return refused(Statuses.operandInvalid(Gpr.RCX), "pre-check 4: the pointer array is not a shared HPA");
        }
        if (Long.compareUnsigned(rdx, TdmrPointerArray.MAX_ENTRIES) > 0 || rdx == 0) {
            return refused(Statuses.operandInvalid(Gpr.RDX), "pre-check 5: RDX is not 1 to 64");
        }
        long hkid = r8 & ((1L << HKID_BITS) - 1);
        dynamicPamt = (r8 & R8_DYNAMIC_PAMT) != 0;
        long aboveHkid = platform.dynamicPamt() ? r8 & ~R8_DYNAMIC_PAMT : r8;
        if (aboveHkid >>> HKID_BITS != 0) {
            boolean onlyBit16 = aboveHkid >>> HKID_BITS == 1;
            return refused(Statuses.operandInvalid(Gpr.R8), onlyBit16
                    ? "pre-check 6: R8 bit 16 on a module without Dynamic PAMT" : "pre-check 6: R8 reserved bits set");
        }
        if (hkid < platform.privateHkidMin() || hkid > platform.privateHkidMax()) {
            return refused(Statuses.operandInvalid(Gpr.R8), "pre-check 6: R8 is not a private HKID");
        }
        if (dynamicPamt && hkidShift() > DYNAMIC_PAMT_HIGHEST_KEYID_START) {
            return refused(Statuses.operandInvalid(Gpr.R8), "pre-check 6: Dynamic PAMT with KeyID bits above bit 48");
        }
        // Pre-check 7: from here on the KeyID stays reserved, whatever the TDMRs turn out to be.
        List<Entry> tdmrs = new ArrayList<>();
        for (int i = 0; i < rdx; i++) {
            long pointer = read64(rcx + TdmrPointerArray.entryOffset(i));
            if (!isSharedHpa(pointer, TdmrInfo.ALIGNMENT)) {
                return failed(Statuses.operandInvalid(Gpr.RCX), "loop 1: a TDMR_INFO pointer is not a shared HPA");
            }
            tdmrs.add(readEntry(pointer));
            Failure failure = checkTdmr(tdmrs, i);
            if (failure != null) {
                return failed(failure.status(), failure.step());
            }
        }
        List<Range> inUse = new ArrayList<>();
        for (Entry tdmr : tdmrs) {
            inUse.add(new Range(tdmr.base(), tdmr.end()));
        }
        return new Verdict(StatusCode.TDX_SUCCESS.value(), dynamicPamt ? "accepted with Dynamic PAMT" : "accepted",
                true, inUse, readMissing, dynamicPamt);
    }

    /** Loop steps 2 to 7 for TDMR {@code i}; null when it passes them all. */
    private Failure checkTdmr(List<Entry> tdmrs, int i) {
        Entry tdmr = tdmrs.get(i);
        long invalidTdmr = Statuses.tdmr(StatusCode.TDX_INVALID_TDMR, i);
        if (overflows(tdmr.base(), tdmr.size())) {
            return new Failure(invalidTdmr, "loop 2: TDMR base + size overflows");
        }
        if (i > 0) {
            Entry previous = tdmrs.get(i - 1);
            long nonOrdered = Statuses.tdmr(StatusCode.TDX_NON_ORDERED_TDMR, i);
            if (below(tdmr.base(), previous.base())) {
                return new Failure(nonOrdered, "loop 3: TDMR below the previous one");
            }
            if (below(tdmr.base(), previous.end())) {
                return new Failure(nonOrdered, "loop 3: TDMR overlaps the previous one");
            }
        }
        if (!isAligned(tdmr.base(), GIB) || !isAligned(tdmr.size(), GIB) || tdmr.size() == 0) {
            return new Failure(invalidTdmr, "loop 4: TDMR base or size not whole GiBs");
        }
        if (!isPlainPa(tdmr.base())) {
            return new Failure(invalidTdmr, "loop 4: TDMR base at or above 2^52 or with HKID bits");
        }
        if (!isPlainPa(tdmr.end() - 1)) {
            return new Failure(invalidTdmr, "loop 4: TDMR end at or above 2^52 or with HKID bits");
        }
        Failure failure = checkReservedAreas(tdmr, i);
        if (failure == null) {
            available.add(availableAreas(tdmr, false));
            failure = checkPamts(tdmrs, i);
        }
        if (failure == null) {
            failure = checkAvailableAreasInCmrs(tdmr, i);
        }
        return failure;
    }

    /** Loop step 5: every slot, in order. */
    private static Failure checkReservedAreas(Entry tdmr, int i) {
        for (int j = 0; j < SLOTS; j++) {
            long offset = tdmr.areaOffset()[j];
            long size = tdmr.areaSize()[j];
            long nonOrdered = Statuses.reservedArea(StatusCode.TDX_NON_ORDERED_RESERVED_IN_TDMR, i, j);
            long invalid = Statuses.reservedArea(StatusCode.TDX_INVALID_RESERVED_IN_TDMR, i, j);
            if (size == 0) {
                if (j < SLOTS - 1 && tdmr.areaSize()[j + 1] != 0) {
                    return new Failure(nonOrdered, "loop 5: a null area before a non-null one");
                }
                continue;
            }
            if (overflows(offset, size)) {
                return new Failure(invalid, "loop 5: area offset + size overflows");
            }
            if (j > 0 && below(offset, tdmr.areaOffset()[j - 1])) {
                return new Failure(nonOrdered, "loop 5: area below the previous one");
            }
            if (j > 0 && below(offset, tdmr.areaOffset()[j - 1] + tdmr.areaSize()[j - 1])) {
                return new Failure(nonOrdered, "loop 5: area overlaps the previous one");
            }
            if (!isAligned(offset, PAGE) || !isAligned(size, PAGE)) {
                return new Failure(invalid, "loop 5: area offset or size not whole pages");
            }
            if (overflows(tdmr.base(), offset) || overflows(tdmr.base() + offset, size)) {
                return new Failure(invalid, "loop 5: area address overflows");
            }
            long start = tdmr.base() + offset;
            if (below(start, tdmr.base()) || below(tdmr.end(), start + size)) {
                return new Failure(invalid, "loop 5: area not inside the TDMR");
            }
        }
        return null;
    }

    /** Loop step 6: each PAMT on its own, then against PAMTs, then against usable memory, then against the CMRs. */
    private Failure checkPamts(List<Entry> tdmrs, int i) {
        Entry tdmr = tdmrs.get(i);
        for (PageSize ps : LARGEST_FIRST) {
            if (!isValidPamt(tdmr, ps)) {
                return new Failure(Statuses.pamt(StatusCode.TDX_INVALID_PAMT, i, ps), "loop 6.1: PAMT " + ps
                        + (isBitmap(ps) ? " bitmap" : "") + " invalid");
            }
        }
        for (int j = 0; j < i; j++) {
            for (PageSize ps : SMALLEST_FIRST) {
                for (PageSize other : SMALLEST_FIRST) {
                    if (pamtsOverlap(tdmr, ps, tdmrs.get(j), other)) {
                        return new Failure(Statuses.pamtOverlap(i, ps, j),
                                "loop 6.2: PAMT overlaps an earlier TDMR's PAMT");
                    }
                }
            }
        }
        if (pamtsOverlap(tdmr, PageSize.SIZE_4K, tdmr, PageSize.SIZE_2M)
                || pamtsOverlap(tdmr, PageSize.SIZE_4K, tdmr, PageSize.SIZE_1G)) {
            return new Failure(Statuses.pamtOverlap(i, PageSize.SIZE_4K, i),
                    "loop 6.2: 4K PAMT overlaps the TDMR's own PAMT");
        }
        if (pamtsOverlap(tdmr, PageSize.SIZE_2M, tdmr, PageSize.SIZE_1G)) {
            return new Failure(Statuses.pamtOverlap(i, PageSize.SIZE_2M, i), "loop 6.2: 2M PAMT overlaps the 1G PAMT");
        }
        for (int j = 0; j <= i; j++) {
            for (PageSize ps : SMALLEST_FIRST) {
                if (overlapsAvailableArea(tdmrs.get(j), available.get(j), tdmr.pamtBase()[ps.code()],
                        tdmr.pamtSize()[ps.code()])) {
                    return new Failure(Statuses.pamtOverlap(i, ps, j), "loop 6.3: PAMT in a TDMR's usable memory");
                }
            }
            if (j < i) {
                Entry earlier = tdmrs.get(j);
                for (PageSize ps : SMALLEST_FIRST) {
                    if (overlapsAvailableArea(tdmr, available.get(i), earlier.pamtBase()[ps.code()],
                            earlier.pamtSize()[ps.code()])) {
                        return new Failure(Statuses.pamtOverlap(j, ps, i),
                                "loop 6.3: an earlier PAMT in this TDMR's usable memory");
                    }
                }
            }
        }
        for (PageSize ps : LARGEST_FIRST) {
            long base = tdmr.pamtBase()[ps.code()];
            if (!isInCmrs(base, base + tdmr.pamtSize()[ps.code()])) {
                return new Failure(Statuses.pamt(StatusCode.TDX_PAMT_OUTSIDE_CMRS, i, ps),
                        "loop 6.4: PAMT outside the CMRs");
            }
        }
        return null;
    }

    /** Loop step 6.1 for one PAMT. */
    private boolean isValidPamt(Entry tdmr, PageSize ps) {
        long base = tdmr.pamtBase()[ps.code()];
        long size = tdmr.pamtSize()[ps.code()];
        if (overflows(base, size)) {
            return false;
        }
        if (!isAligned(base, PAGE) || !isAligned(size, PAGE)) {
            return false;
        }
        if (!isPlainPa(base) || !isPlainPa(base + size - 1)) {
            return false;
        }
        long pages = tdmr.size() / ps.bytes();
        long required = isBitmap(ps) ? pages / Byte.SIZE : pages * PAMT_ENTRY_BYTES;
        return !below(size, required);
    }

    /** Under Dynamic PAMT the 4K level is one bit per page. */
    private boolean isBitmap(PageSize ps) {
        return dynamicPamt && ps == PageSize.SIZE_4K;
    }

    private static boolean pamtsOverlap(Entry a, PageSize psA, Entry b, PageSize psB) {
        return overlap(a.pamtBase()[psA.code()], a.pamtSize()[psA.code()], b.pamtBase()[psB.code()],
                b.pamtSize()[psB.code()]);
    }

    /** Whether {@code [base, base + size)} shares a byte with a usable part of {@code tdmr}, which lie inside it. */
    private static boolean overlapsAvailableArea(Entry tdmr, List<Range> available, long base, long size) {
        if (!overlap(base, size, tdmr.base(), tdmr.size())) {
            return false;
        }
        for (Range area : available) {
            if (overlap(base, size, area.start(), area.size())) {
                return true;
            }
        }
        return false;
    }

    /** Loop step 7: each usable part of the TDMR in the CMRs on its own. */
    private Failure checkAvailableAreasInCmrs(Entry tdmr, int i) {
        for (Range area : availableAreas(tdmr, platform.checksEmptyTail())) {
            if (!isInCmrs(area.start(), area.end())) {
                return new Failure(Statuses.tdmr(StatusCode.TDX_TDMR_OUTSIDE_CMRS, i), area.isEmpty()
                        ? "loop 7: the empty tail after 16 areas outside the CMRs (1.0)"
                        : "loop 7: usable memory outside the CMRs");
            }
        }
        return null;
    }

    /**
     * "How available areas are computed": the usable parts of a TDMR whose reserved areas passed
     * step 5, in order. The tail after a sixteenth non-null area is listed when it is not empty,
     * or always when {@code keepEmptyTail}.
     */
    private static List<Range> availableAreas(Entry tdmr, boolean keepEmptyTail) {
        List<Range> areas = new ArrayList<>();
        long cursor = tdmr.base();
        for (int j = 0; j < SLOTS; j++) {
            if (cursor == tdmr.end()) {
                return areas;
            }
            boolean isNull = tdmr.areaSize()[j] == 0;
            long areaStart = tdmr.base() + tdmr.areaOffset()[j];
            if (!isNull && areaStart == cursor) {
                cursor = areaStart + tdmr.areaSize()[j];
                continue;
            }
            if (isNull) {
                areas.add(new Range(cursor, tdmr.end()));
                return areas;
            }
            areas.add(new Range(cursor, areaStart));
            cursor = areaStart + tdmr.areaSize()[j];
        }
        if (cursor != tdmr.end() || keepEmptyTail) {
            areas.add(new Range(cursor, tdmr.end()));
        }
        return areas;
    }

    /**
     * The CMR containment test: CMRs in list order, null ones skipped; a CMR whose base is the
     * previous non-null CMR's end carries that CMR's range on. The area passes when it fits one
     * range so built.
     */
    private boolean isInCmrs(long start, long end) {
        boolean seenOne = false;
        long rangeStart = 0;
        long previousEnd = 0;
        for (CmrSlot cmr : platform.cmrs()) {
            if (cmr.size() == 0) {
                continue;
            }
            if (!seenOne || cmr.base() != previousEnd) {
                rangeStart = cmr.base();
            }
            seenOne = true;
            previousEnd = cmr.base() + cmr.size();
            if (!below(start, rangeStart) && !below(previousEnd, end)) {
                return true;
            }
        }
        return false;
    }

    /** §2.5, in order: aligned (HKID bits included), below 2^52, clear of SEAMRR, a shared KeyID. */
    private boolean isSharedHpa(long pa, long size) {
        if (!isAligned(pa, size)) {
            return false;
        }
        if (!below(pa, MAX_PA)) {
            return false;
        }
        long physical = pa & ~hkidMask();
        Range seamrr = platform.seamrr();
        if (overlap(physical, size, seamrr.start(), seamrr.size())) {
            return false;
        }
        return (pa & hkidMask()) >>> hkidShift() < platform.privateHkidMin();
    }

    /** Below 2^52, with no HKID bits. */
    private boolean isPlainPa(long pa) {
        return below(pa, MAX_PA) && (pa & hkidMask()) == 0;
    }

    private int hkidShift() {
        return 52 - platform.keyIdBits();
    }

    private long hkidMask() {
        return platform.keyIdBits() == 0 ? 0 : ((1L << platform.keyIdBits()) - 1) << hkidShift();
    }

    private Entry readEntry(long pa) {
        long[] pamtBase = new long[PageSize.values().length];
        long[] pamtSize = new long[PageSize.values().length];
        for (PageSize ps : PageSize.values()) {
            pamtBase[ps.code()] = read64(pa + TdmrInfo.pamtBaseOffset(ps));
            pamtSize[ps.code()] = read64(pa + TdmrInfo.pamtSizeOffset(ps));
        }
        long[] areaOffset = new long[SLOTS];
        long[] areaSize = new long[SLOTS];
        for (int j = 0; j < SLOTS; j++) {
            areaOffset[j] = read64(pa + TdmrInfo.reservedOffsetOffset(j));
            areaSize[j] = read64(pa + TdmrInfo.reservedSizeOffset(j));
        }
        return new Entry(read64(pa + TdmrInfo.BASE), read64(pa + TdmrInfo.SIZE), pamtBase, pamtSize, areaOffset,
                areaSize);
    }

    /** The word at {@code pa}: KeyID bits dropped; all ones where no memory is installed. */
    private long read64(long pa) {
        long physical = pa & ((1L << hkidShift()) - 1);
        for (Range installed : memory.installed()) {
            if (installed.contains(Range.ofSize(physical, Long.BYTES))) {
                return memory.words().get(physical);
            }
        }
        readMissing = true;
        return -1L;
    }

    /** A pre-check failed: nothing else happened. */
    private Verdict refused(long status, String step) {
        return new Verdict(status, step, false, List.of(), readMissing, false);
    }

    /** A check after pre-check 7 failed: the KeyID stays reserved. */
    private Verdict failed(long status, String step) {
        return new Verdict(status, step, true, List.of(), readMissing, false);
    }

    /** {@code base + size} passes 2^64. */
    private static boolean overflows(long base, long size) {
        return Long.compareUnsigned(base, -1L - size) > 0;
    }

    private static boolean below(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    private static boolean isAligned(long value, long alignment) {
        return (value & (alignment - 1)) == 0;
    }

    /** Whether {@code [a, a + sizeA)} and {@code [b, b + sizeB)} share a byte; the callers rule out wrapping. */
    private static boolean overlap(long a, long sizeA, long b, long sizeB) {
        return below(a, b + sizeB) && below(b, a + sizeA);
    }
}
