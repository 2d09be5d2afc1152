package org.tdxemu.emulator.fuzz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.memory.Range;

/**
 * Random TDH.SYS.CONFIG calls: a TDMR array the reference accepts, on a random platform, then
 * zero to three {@link ConfigDefect}s. Every number is drawn from a small range whose low end is
 * the simple case, so QuickTheories shrinks toward one TDMR, no reserved area, no defect.
 *
 * <p>The module is 1.5, 1.0 or 1.5 with Dynamic PAMT. With Dynamic PAMT half the machines have 3
 * or 4 KeyID bits, which start at bit 49 (Dynamic PAMT refused) or 48 (the last allowed), and where
 * the module may enable it, half the valid calls set R8 bit 16 and have bitmaps for 4K PAMTs.
 *
 * <p>A valid array has 1 to 64 TDMRs of 1 to 4 GiB from 1 to 4 GiB up, with gaps of 0 to 2 GiB;
 * up to 16 sorted reserved areas each, some back to back, at offset 0, or reaching the TDMR's
 * end; PAMTs of at least the minimum size, each in a reserved area of some TDMR or in a pool below
 * or above all TDMRs. The CMRs cover every TDMR's usable memory and every PAMT, in up to eight
 * groups with gaps between them (mostly right after a TDMR whose reserved areas reach its end),
 * each group one to three exactly adjacent CMRs, with null slots here and there.
 *
 * <p>Low memory: the pointer array in [1 MiB, 1 MiB + 8 KiB), entries from 1 MiB + 8 KiB, 512
 * bytes apart, 64 KiB nobody writes from 1 MiB + 64 KiB, SEAMRR at 32 MiB, the low PAMT pool from
 * 64 MiB. Memory is installed in [0, 128 MiB) only: TDMRs and PAMTs need none for CONFIG, and
 * everything above reads all ones.
 */
final class ConfigCases {

    static final long PAGE = PageSize.SIZE_4K.bytes();
    static final long MIB = 1L << 20;
    static final long GIB = PageSize.SIZE_1G.bytes();
    static final long SCRATCH = MIB;
    static final long ENTRIES = SCRATCH + 8 * 1024;
    static final long UNWRITTEN = SCRATCH + 64 * 1024;
    static final long UNWRITTEN_BYTES = 64 * 1024;
    static final long SEAMRR_BASE = 32 * MIB;
    static final long LOW_POOL = 64 * MIB;
    static final Range INSTALLED = new Range(0, 128 * MIB);
    /** TDH.SYS.CONFIG's R8 bit 16: enable Dynamic PAMT. */
    static final long DYNAMIC_PAMT_BIT = 1L << 16;
    /** At most this many CMR groups, so that pieces and null slots fit MCHECK's 32 slots. */
    private static final int MAX_CMR_GROUPS = 8;
    private static final int MAX_PIECES = 3;
    private static final int MAX_DEFECTS = 3;

    /** One call: the machine, the valid input, the input actually tried, and the defects that made it. */
    record ConfigCase(ConfigMachine machine, ConfigInput valid, ConfigInput tried, List<ConfigDefect> defects) {

        ConfigCase {
            defects = List.copyOf(defects);
        }

        @Override
        public String toString() {
            return String.format("%s%ndefects %s%ntried %s", machine, defects, tried);
        }
    }

    /**
     * What a defect may use: the machine, the valid input, an address above every TDMR, PAMT and
     * CMR, where nothing is, and the convertible ranges the CMRs make (each a chain of exactly
     * adjacent CMRs, null slots between them or not).
     */
    record Layout(ConfigMachine machine, ConfigInput valid, long aboveEverything, List<Range> convertible) {

        Layout {
            convertible = List.copyOf(convertible);
        }

        boolean isConvertible(Range range) {
            return convertible.stream().anyMatch(c -> c.contains(range));
        }

        /** Whether a convertible range starts or ends at {@code address}, or holds it. */
        boolean touchesConvertible(long address) {
            return convertible.stream().anyMatch(c -> c.start() <= address && address <= c.end());
        }
    }

    private ConfigCases() {
    }

    static long between(RandomnessSource in, long min, long max) {
        return in.next(Constraint.between(min, max));
    }

    static long anyLong(RandomnessSource in) {
        return in.next(Constraint.none());
    }

    static Gen<ConfigCase> cases() {
        return in -> {
            int personality = (int) between(in, 0, 2);
            ModuleVersion version = personality == 1 ? ModuleVersion.V1_0 : ModuleVersion.V1_5;
            boolean dynamicPamt = personality == 2;
            // Few KeyID bits leave them starting above bit 48, where Dynamic PAMT is refused; 4 bits start at 48.
            boolean fewKeyIdBits = dynamicPamt && between(in, 0, 1) == 1;
            int keyIdBits = (int) (fewKeyIdBits ? between(in, 3, 4) : between(in, 5, 7));
            int mktmeKeyIds = (int) (fewKeyIdBits ? between(in, 1, 3) : between(in, 1, 15));
            int tdxKeyIds = (int) (fewKeyIdBits ? between(in, 2, (1 << keyIdBits) - 1 - mktmeKeyIds)
                    : between(in, 2, 16));
            Range seamrr = Range.ofSize(SEAMRR_BASE, MIB << between(in, 0, 5));
            ConfigMachine shape = new ConfigMachine(version, dynamicPamt, 1, 1, mktmeKeyIds, tdxKeyIds, keyIdBits,
                    seamrr, List.of(), List.of(INSTALLED));
            boolean enablesDynamicPamt = shape.canEnableDynamicPamt() && between(in, 0, 1) == 1;
            List<TdmrSpec> entries = tdmrs(in, enablesDynamicPamt);
            List<Range> convertible = convertible(in, entries);
            List<Cmr> cmrs = cmrSlots(in, convertible);
            ConfigMachine machine = new ConfigMachine(version, dynamicPamt, (int) between(in, 1, 2),
                    (int) between(in, 1, 2), mktmeKeyIds, tdxKeyIds, keyIdBits, seamrr, cmrs, List.of(INSTALLED));
            ConfigInput valid = arranged(in, entries, machine, enablesDynamicPamt);
            Layout layout = new Layout(machine, valid, aboveEverything(entries, cmrs), convertible);
            List<ConfigDefect> defects = new ArrayList<>();
            ConfigInput tried = valid;
            int count = (int) between(in, 0, MAX_DEFECTS);
            if (dynamicPamt && !shape.canEnableDynamicPamt() && between(in, 0, 1) == 1) {
                // The one check only such a machine has: R8 bit 16 on otherwise valid input, alone, so that
                // every run of the default size reaches it (one case in twelve).
                tried = ConfigDefect.DYNAMIC_PAMT_BIT_FLIPPED.apply(layout, tried, in);
                defects.add(ConfigDefect.DYNAMIC_PAMT_BIT_FLIPPED);
                count = 0;
            }
            for (int d = 0; d < count; d++) {
                ConfigDefect defect = ConfigDefect.any(in);
                tried = defect.apply(layout, tried, in);
                defects.add(defect);
            }
            return new ConfigCase(machine, valid, tried, defects);
        };
    }

    // ---- the valid array ------------------------------------------------------------------

    /**
     * Half the arrays have at most 8 TDMRs: small cases are cheap and shrink well. With
     * {@code bitmaps} the 4K PAMTs are Dynamic PAMT bitmaps.
     */
    private static List<TdmrSpec> tdmrs(RandomnessSource in, boolean bitmaps) {
        int count = (int) between(in, 1, between(in, 0, 1) == 0 ? 8 : TdmrPointerArray.MAX_ENTRIES);
        List<TdmrSpec> tdmrs = new ArrayList<>();
        long cursor = between(in, 1, 4) * GIB;
        for (int k = 0; k < count; k++) {
            long base = cursor + (k == 0 ? 0 : between(in, 0, 2) * GIB);
            TdmrSpec tdmr = withReservedAreas(in, TdmrSpec.of(base, between(in, 1, 4) * GIB));
            tdmrs.add(tdmr);
            cursor = tdmr.end();
        }
        return withPamts(in, tdmrs, cursor + between(in, 0, 2) * GIB, bitmaps);
    }

    /** Up to 16 sorted areas of up to 64 MiB, each right after the previous one or up to 256 MiB after it. */
    private static TdmrSpec withReservedAreas(RandomnessSource in, TdmrSpec tdmr) {
        int wanted = (int) between(in, 0, TdmrInfo.MODULE_RESERVED_AREAS);
        boolean lastReachesEnd = between(in, 0, 3) != 0;
        long offset = 0;
        for (int j = 0; j < wanted; j++) {
            long start = offset + (between(in, 0, 2) == 0 ? 0 : between(in, 1, 1 << 16) * PAGE);
            if (start >= tdmr.size()) {
                break;
            }
            long size = Math.min(between(in, 1, 1 << 14) * PAGE, tdmr.size() - start);
            if (lastReachesEnd && j == wanted - 1) {
                size = tdmr.size() - start;
            }
            tdmr = tdmr.withReserved(start, size);
            offset = start + size;
        }
        return tdmr;
    }

    /**
     * Every PAMT at least as large as the module requires: in room left in some TDMR's reserved
     * area, in the pool below the first TDMR, or in the pool from {@code highPool} up.
     */
    private static List<TdmrSpec> withPamts(RandomnessSource in, List<TdmrSpec> tdmrs, long highPool,
                                            boolean bitmaps) {
        List<TdmrSpec> placed = new ArrayList<>(tdmrs);
        Map<Long, Long> usedOfArea = new HashMap<>();
        long low = LOW_POOL;
        long high = highPool;
        for (int i = 0; i < placed.size(); i++) {
            for (PageSize ps : PageSize.values()) {
                TdmrSpec tdmr = placed.get(i);
                long minimum = bitmaps && ps == PageSize.SIZE_4K ? bitmapBytes(tdmr)
                        : TdmrSpec.minimumPamtSize(tdmr.size(), ps, TdmrSpec.PAMT_ENTRY_SIZE);
                long size = minimum + between(in, 0, 2) * PAGE;
                long gap = between(in, 0, 1) * PAGE;
                OptionalLong inArea = between(in, 0, 2) == 0
                        ? roomInReservedArea(placed.get((int) between(in, 0, placed.size() - 1)), size, usedOfArea)
                        : OptionalLong.empty();
                long base;
                if (inArea.isPresent()) {
                    base = inArea.getAsLong();
                } else if (between(in, 0, 1) == 0 && low + gap + size <= placed.get(0).base()) {
                    base = low + gap;
                    low = base + size;
                } else {
                    base = high + gap;
                    high = base + size;
                }
                placed.set(i, tdmr.withPamt(ps, base, size));
            }
        }
        return placed;
    }

    /** A Dynamic PAMT bitmap of one bit per 4 KiB page: whole pages for TDMRs of whole GiBs. */
    static long bitmapBytes(TdmrSpec tdmr) {
        return (tdmr.size() >>> PageSize.SIZE_4K.shift()) / Byte.SIZE;
    }

    private static OptionalLong roomInReservedArea(TdmrSpec tdmr, long size, Map<Long, Long> usedOfArea) {
        for (TdmrSpec.Area area : tdmr.reserved()) {
            long start = tdmr.base() + area.start();
            long used = usedOfArea.getOrDefault(start, 0L);
            if (area.size() - used >= size) {
                usedOfArea.put(start, used + size);
                return OptionalLong.of(start + used);
            }
        }
        return OptionalLong.empty();
    }

    /** The parts of a TDMR its reserved areas leave usable, for a TDMR whose areas are sorted and disjoint. */
    static List<Range> usable(TdmrSpec tdmr) {
        List<Range> parts = new ArrayList<>();
        long cursor = tdmr.base();
        for (TdmrSpec.Area area : tdmr.reserved()) {
            if (tdmr.base() + area.start() > cursor) {
                parts.add(new Range(cursor, tdmr.base() + area.start()));
            }
            cursor = tdmr.base() + area.end();
        }
        if (cursor < tdmr.end()) {
            parts.add(new Range(cursor, tdmr.end()));
        }
        return parts;
    }

    static boolean reservedToTheEnd(TdmrSpec tdmr) {
        List<TdmrSpec.Area> areas = tdmr.reserved();
        return !areas.isEmpty() && areas.get(areas.size() - 1).end() == tdmr.size();
    }

    // ---- the CMRs -------------------------------------------------------------------------

    /**
     * The convertible ranges: what must be covered, in up to eight ranges with gaps between
     * them, mostly right after a TDMR whose areas reach its end.
     */
    private static List<Range> convertible(RandomnessSource in, List<TdmrSpec> tdmrs) {
        List<Range> cover = mustCover(tdmrs);
        TreeSet<Integer> gapBefore = new TreeSet<>();
        for (TdmrSpec tdmr : tdmrs) {
            if (reservedToTheEnd(tdmr) && between(in, 0, 7) != 0) {
                int next = firstStartingFrom(cover, tdmr.end());
                if (next > 0 && next < cover.size()) {
                    gapBefore.add(next);
                }
            }
        }
        int moreGaps = (int) between(in, 0, MAX_CMR_GROUPS - 1);
        for (int g = 0; g < moreGaps && cover.size() > 1; g++) {
            gapBefore.add((int) between(in, 1, cover.size() - 1));
        }
        while (gapBefore.size() > MAX_CMR_GROUPS - 1) {
            gapBefore.pollLast();
        }
        List<Range> groups = new ArrayList<>();
        int first = 0;
        for (int next : gapBefore) {
            groups.add(new Range(cover.get(first).start(), cover.get(next - 1).end()));
            first = next;
        }
        groups.add(new Range(cover.get(first).start(), cover.get(cover.size() - 1).end()));
        return groups;
    }

    /** Each convertible range as one to three exactly adjacent CMRs, with null slots here and there. */
    private static List<Cmr> cmrSlots(RandomnessSource in, List<Range> groups) {
        List<Cmr> slots = new ArrayList<>();
        for (Range group : groups) {
            int pieces = (int) between(in, 1, MAX_PIECES);
            long start = group.start();
            for (int p = 1; p < pieces && (group.end() - start) / PAGE >= 2; p++) {
                long cut = start + between(in, 1, (group.end() - start) / PAGE - 1) * PAGE;
                addWithNullSlots(in, slots, new Cmr(start, cut - start));
                start = cut;
            }
            addWithNullSlots(in, slots, new Cmr(start, group.end() - start));
        }
        return slots;
    }

    /**
     * A null slot before the CMR now and then, among the first eight slots only: with at most 24
     * CMRs the list stays within MCHECK's 32 slots.
     */
    private static void addWithNullSlots(RandomnessSource in, List<Cmr> slots, Cmr cmr) {
        if (between(in, 0, 4) == 0 && slots.size() < MAX_CMR_GROUPS) {
            slots.add(new Cmr(0, 0));
        }
        slots.add(cmr);
    }

    /**
     * What must be convertible: every TDMR's usable parts, every PAMT, and, for a TDMR whose 16
     * areas reach its end, its last page, so that module 1.0's check of the empty tail passes.
     * Sorted, with overlapping and touching ranges merged.
     */
    private static List<Range> mustCover(List<TdmrSpec> tdmrs) {
        List<Range> ranges = new ArrayList<>();
        for (TdmrSpec tdmr : tdmrs) {
            ranges.addAll(usable(tdmr));
            for (PageSize ps : PageSize.values()) {
                ranges.add(Range.ofSize(tdmr.pamt(ps).start(), tdmr.pamt(ps).size()));
            }
            if (tdmr.reserved().size() == TdmrInfo.MODULE_RESERVED_AREAS && reservedToTheEnd(tdmr)) {
                ranges.add(new Range(tdmr.end() - PAGE, tdmr.end()));
            }
        }
        ranges.sort(Comparator.naturalOrder());
        List<Range> merged = new ArrayList<>();
        for (Range r : ranges) {
            int last = merged.size() - 1;
            if (last >= 0 && r.start() <= merged.get(last).end()) {
                merged.set(last, new Range(merged.get(last).start(), Math.max(r.end(), merged.get(last).end())));
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    private static int firstStartingFrom(List<Range> ranges, long address) {
        for (int k = 0; k < ranges.size(); k++) {
            if (ranges.get(k).start() >= address) {
                return k;
            }
        }
        return ranges.size();
    }

    private static long aboveEverything(List<TdmrSpec> tdmrs, List<Cmr> cmrs) {
        long top = 0;
        for (TdmrSpec tdmr : tdmrs) {
            top = Math.max(top, Math.max(tdmr.end(), tdmr.pamtEnd()));
        }
        for (Cmr cmr : cmrs) {
            top = Math.max(top, cmr.end());
        }
        return (top / GIB + 1) * GIB;
    }

    // ---- where things are written ---------------------------------------------------------

    /** The array at one of 16 places, the entries in order or reversed, a private KeyID, and R8 bit 16 or not. */
    private static ConfigInput arranged(RandomnessSource in, List<TdmrSpec> entries, ConfigMachine machine,
                                        boolean enablesDynamicPamt) {
        long arrayPa = SCRATCH + between(in, 0, 15) * TdmrPointerArray.ALIGNMENT;
        boolean reversed = between(in, 0, 1) == 1;
        List<Long> entryPas = new ArrayList<>();
        for (int k = 0; k < entries.size(); k++) {
            entryPas.add(ENTRIES + (long) TdmrInfo.ALIGNMENT * (reversed ? entries.size() - 1 - k : k));
        }
        long hkid = between(in, machine.privateHkidMin(), machine.privateHkidMax());
        long r8 = enablesDynamicPamt ? hkid | DYNAMIC_PAMT_BIT : hkid;
        return new ConfigInput(entries, entryPas, arrayPa, entryPas, arrayPa, entries.size(), r8, true, Map.of());
    }
}
