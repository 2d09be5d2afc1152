package org.tdxemu.emulator.fuzz;

import static org.tdxemu.emulator.fuzz.ConfigCases.GIB;
import static org.tdxemu.emulator.fuzz.ConfigCases.PAGE;
import static org.tdxemu.emulator.fuzz.ConfigCases.anyLong;
import static org.tdxemu.emulator.fuzz.ConfigCases.between;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quicktheories.core.RandomnessSource;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.memory.Range;

/**
 * One thing a host can get wrong in a TDH.SYS.CONFIG call, applied to what it set up so far; one
 * or more per check of module-abi.md §4.4, grouped by the {@link Family} of checks they aim at,
 * and a few that leave the call valid (a shared KeyID in a pointer, fewer TDMRs, another private
 * HKID, more reserved slots). A defect with
 * nothing to act on (reserved areas of a TDMR that has none, the TDMR before the first) leaves the
 * input as it was. Reference values (where areas and usable memory are) come from the valid input.
 */
enum ConfigDefect {

    ARRAY_MISALIGNED(Family.CALL,
            (layout, input, in) -> input.withRcx(input.rcx() + Long.BYTES * between(in, 1, 63))),
    ARRAY_AT_OR_ABOVE_2_52(Family.CALL,
            (layout, input, in) -> input.withRcx(input.rcx() | 1L << between(in, 52, 63))),
    ARRAY_IN_SEAMRR(Family.CALL,
            (layout, input, in) -> input.withRcx(inSeamrr(layout, in))),
    ARRAY_WITH_PRIVATE_KEYID(Family.CALL,
            (layout, input, in) -> input.withRcx(input.rcx() | privateKeyIdBits(layout, in))),
    ARRAY_WITH_SHARED_KEYID(Family.CALL,
            (layout, input, in) -> input.withRcx(input.rcx() | sharedKeyIdBits(layout, in))),
    ARRAY_WHERE_NO_MEMORY_IS(Family.CALL,
            (layout, input, in) -> input.withRcx(whereNoMemoryIs(layout, in))),
    ARRAY_IN_UNWRITTEN_MEMORY(Family.CALL,
            (layout, input, in) -> input.withRcx(inUnwrittenMemory(in))),
    COUNT_ZERO(Family.CALL,
            (layout, input, in) -> input.withRdx(0)),
    COUNT_ABOVE_64(Family.CALL,
            (layout, input, in) -> input.withRdx(between(in, TdmrPointerArray.MAX_ENTRIES + 1, Long.MAX_VALUE)
                | between(in, 0, 1) << 63)),
    /** Valid: the module checks only the first RDX entries. */
    COUNT_FEWER(Family.CALL,
            (layout, input, in) -> input.withRdx(between(in, 1, input.entries().size()))),
    /** The pointers past the array's end read as zero: a TDMR_INFO at address 0. */
    COUNT_MORE(Family.CALL,
            (layout, input, in) -> input.withRdx(between(in, input.entries().size(),
                    TdmrPointerArray.MAX_ENTRIES))),
    KEYID_WITH_RESERVED_BITS(Family.CALL,
            (layout, input, in) -> input.withR8(input.r8() | between(in, 1, (1L << 48) - 1) << 16)),
    KEYID_NOT_PRIVATE(Family.CALL,
            (layout, input, in) -> {
                ConfigMachine machine = layout.machine();
                return input.withR8(between(in, 0, 1) == 0 ? between(in, 0, machine.privateHkidMin() - 1)
                        : between(in, machine.privateHkidMax() + 1, 0xFFFF));
            }),
    /** Valid: any private HKID will do; R8 bit 16 stays as it was. */
    KEYID_ANOTHER_PRIVATE(Family.CALL,
            (layout, input, in) -> input.withR8(input.r8() & ConfigCases.DYNAMIC_PAMT_BIT
                | between(in, layout.machine().privateHkidMin(), layout.machine().privateHkidMax()))),
    AN_LP_NOT_INITIALIZED(Family.CALL,
            (layout, input, in) -> input.withAnLpLeftUninitialized()),
    POINTER_MISALIGNED(Family.POINTERS,
            (layout, input, in) -> {
                int k = anyPointer(input, in);
                return input.withPointer(k, input.pointers().get(k) + Long.BYTES * between(in, 1, 63));
            }),
    POINTER_AT_OR_ABOVE_2_52(Family.POINTERS,
            (layout, input, in) -> {
                int k = anyPointer(input, in);
                return input.withPointer(k, input.pointers().get(k) | 1L << between(in, 52, 63));
            }),
    POINTER_IN_SEAMRR(Family.POINTERS,
            (layout, input, in) -> input.withPointer(anyPointer(input, in), inSeamrr(layout, in))),
    POINTER_WITH_PRIVATE_KEYID(Family.POINTERS,
            (layout, input, in) -> {
                int k = anyPointer(input, in);
                return input.withPointer(k, input.pointers().get(k) | privateKeyIdBits(layout, in));
            }),
    /** Valid: memory answers the same through every KeyID. */
    POINTER_WITH_SHARED_KEYID(Family.POINTERS,
            (layout, input, in) -> {
                int k = anyPointer(input, in);
                return input.withPointer(k, input.pointers().get(k) | sharedKeyIdBits(layout, in));
            }),
    POINTER_WHERE_NO_MEMORY_IS(Family.POINTERS,
            (layout, input, in) -> input.withPointer(anyPointer(input, in),
                whereNoMemoryIs(layout, in))),
    POINTER_TO_UNWRITTEN_MEMORY(Family.POINTERS,
            (layout, input, in) -> input.withPointer(anyPointer(input, in), inUnwrittenMemory(in))),
    POINTER_REPEATED(Family.POINTERS,
            (layout, input, in) -> input.withPointer(anyPointer(input, in),
                input.pointers().get(anyPointer(input, in)))),
    POINTER_GARBAGE(Family.RAW,
            (layout, input, in) -> input.withPointer(anyPointer(input, in), anyLong(in))),
    TDMR_BASE_MISALIGNED(Family.TDMRS,
            (layout, input, in) -> {
                int k = anyEntry(input, in);
                TdmrSpec e = input.entries().get(k);
                return input.withEntry(k, e.withBase(e.base() + PAGE * between(in, 1, GIB / PAGE - 1)));
            }),
    TDMR_SIZE_MISALIGNED(Family.TDMRS,
            (layout, input, in) -> {
                int k = anyEntry(input, in);
                TdmrSpec e = input.entries().get(k);
                long pages = between(in, 1, GIB / PAGE - 1);
                return input.withEntry(k, e.withSize(between(in, 0, 1) == 0 ? e.size() + PAGE * pages
                        : e.size() - PAGE * pages));
            }),
    TDMR_SIZE_ZERO(Family.TDMRS,
            (layout, input, in) -> {
                int k = anyEntry(input, in);
                return input.withEntry(k, input.entries().get(k).withSize(0));
            }),
    TDMR_OVERLAPS_THE_PREVIOUS(Family.TDMRS,
            (layout, input, in) -> {
                if (input.entries().size() < 2) {
                    return input;
                }
                int k = (int) between(in, 1, input.entries().size() - 1);
                TdmrSpec previous = layout.valid().entries().get(k - 1);
                long base = previous.base() + GIB * between(in, 0, previous.size() / GIB - 1);
                return input.withEntry(k, input.entries().get(k).withBase(base));
            }),
    TDMRS_SWAPPED(Family.TDMRS,
            (layout, input, in) -> {
                if (input.entries().size() < 2) {
                    return input;
                }
                int k = (int) between(in, 0, input.entries().size() - 2);
                List<TdmrSpec> swapped = new ArrayList<>(input.entries());
                swapped.set(k, input.entries().get(k + 1));
                swapped.set(k + 1, input.entries().get(k));
                return input.withEntries(swapped);
            }),
    TDMR_BASE_WITH_HIGH_BITS(Family.TDMRS,
            (layout, input, in) -> {
                int k = anyEntry(input, in);
                TdmrSpec e = input.entries().get(k);
                return input.withEntry(k, e.withBase(e.base() | 1L << between(in, layout.machine().hkidShift(), 63)));
            }),
    TDMR_END_WITH_KEYID_BITS(Family.TDMRS,
            (layout, input, in) -> {
                int k = anyEntry(input, in);
                TdmrSpec e = input.entries().get(k);
                long end = (1L << layout.machine().hkidShift()) + GIB * between(in, 0, 4);
                return input.withEntry(k, e.withSize(end - e.base()));
            }),
    TDMR_END_OVERFLOWS(Family.TDMRS,
            (layout, input, in) -> {
                int k = anyEntry(input, in);
                TdmrSpec e = input.entries().get(k);
                return input.withEntry(k, e.withSize(-e.base() + GIB * between(in, 1, 1024)));
            }),
    AREA_NULL_BEFORE_ANOTHER(Family.AREAS,
            (layout, input, in) -> withArea(input, in, 2,
                (areas, j, tdmr) -> areas.set(j, new TdmrSpec.Area(areas.get(j).start(), 0)))),
    AREAS_SWAPPED(Family.AREAS,
            (layout, input, in) -> withArea(input, in, 2,
                (areas, j, tdmr) -> areas.set(j + 1, areas.set(j, areas.get(j + 1))))),
    AREA_OVERLAPS_THE_NEXT(Family.AREAS,
            (layout, input, in) -> {
                long into = PAGE * between(in, 1, 16);
                return withArea(input, in, 2, (areas, j, tdmr) -> areas.set(j, new TdmrSpec.Area(areas.get(j).start(),
                        areas.get(j + 1).start() - areas.get(j).start() + into)));
            }),
    AREA_MISALIGNED(Family.AREAS,
            (layout, input, in) -> {
                long bytes = between(in, 1, PAGE - 1);
                boolean offset = between(in, 0, 1) == 0;
                return withArea(input, in, 1, (areas, j, tdmr) -> areas.set(j, offset
                        ? new TdmrSpec.Area(areas.get(j).start() + bytes, areas.get(j).size())
                        : new TdmrSpec.Area(areas.get(j).start(), areas.get(j).size() + bytes)));
            }),
    AREA_PAST_THE_TDMR_END(Family.AREAS,
            (layout, input, in) -> {
                long past = PAGE * between(in, 1, 1 << 18);
                return withArea(input, in, 1, (areas, j, tdmr) -> {
                    TdmrSpec.Area last = areas.get(areas.size() - 1);
                    areas.set(areas.size() - 1, new TdmrSpec.Area(last.start(), tdmr.size() - last.start() + past));
                });
            }),
    AREA_ADDRESS_OVERFLOWS(Family.AREAS,
            (layout, input, in) -> {
                long offset = -PAGE * between(in, 1, 1 << 20);
                return withArea(input, in, 1,
                        (areas, j, tdmr) -> areas.set(j, new TdmrSpec.Area(offset, areas.get(j).size())));
            }),
    /** Usable memory appears where the area was: a PAMT may lie there, or no CMR. */
    AREA_DROPPED(Family.AREAS,
            (layout, input, in) -> withArea(input, in, 1, (areas, j, tdmr) -> areas.remove(j))),
    /** Usable memory appears where no CMR is, unless a PAMT lay in the area. */
    AREA_OVER_A_CMR_GAP_DROPPED(Family.CONVERTIBLE,
            (layout, input, in) -> {
                List<int[]> candidates = new ArrayList<>();
                for (int k = 0; k < layout.valid().entries().size(); k++) {
                    TdmrSpec tdmr = layout.valid().entries().get(k);
                    for (int j = 0; j < tdmr.reserved().size(); j++) {
                        TdmrSpec.Area area = tdmr.reserved().get(j);
                        if (!layout.isConvertible(Range.ofSize(tdmr.base() + area.start(), area.size()))) {
                            candidates.add(new int[] {k, j});
                        }
                    }
                }
                if (candidates.isEmpty()) {
                    return input;
                }
                int[] chosen = candidates.get((int) between(in, 0, candidates.size() - 1));
                TdmrSpec tdmr = input.entries().get(chosen[0]);
                List<TdmrSpec.Area> areas = new ArrayList<>(tdmr.reserved());
                if (chosen[1] >= areas.size()) {
                    return input;
                }
                areas.remove(chosen[1]);
                return input.withEntry(chosen[0], new TdmrSpec(tdmr.base(), tdmr.size(), tdmr.pamts(), areas));
            }),
    AREA_SHRUNK(Family.AREAS,
            (layout, input, in) -> {
                long fraction = between(in, 1, 15);
                return withArea(input, in, 1, (areas, j, tdmr) -> {
                    TdmrSpec.Area area = areas.get(j);
                    long keep = Math.max(PAGE, area.size() / PAGE * fraction / 16 * PAGE);
                    areas.set(j, new TdmrSpec.Area(area.start(), keep));
                });
            }),
    /**
     * Valid for module 1.5: the last area is made to reach the TDMR's end and the areas are split
     * until all 16 slots are used. Module 1.0 then checks the empty tail against the CMRs: it
     * fails when no convertible range touches the TDMR's end, so such a TDMR is chosen if any.
     */
    AREAS_FILL_SIXTEEN_SLOTS_TO_THE_END(Family.CONVERTIBLE,
            (layout, input, in) -> {
                List<Integer> untouched = new ArrayList<>();
                for (int k = 0; k < layout.valid().entries().size(); k++) {
                    if (!layout.touchesConvertible(layout.valid().entries().get(k).end())) {
                        untouched.add(k);
                    }
                }
                int k = untouched.isEmpty() ? anyEntry(input, in)
                        : untouched.get((int) between(in, 0, untouched.size() - 1));
                TdmrSpec tdmr = input.entries().get(k);
                List<TdmrSpec.Area> areas = new ArrayList<>(tdmr.reserved());
                if (areas.isEmpty()) {
                    areas.add(new TdmrSpec.Area(tdmr.size() - PAGE * TdmrInfo.MODULE_RESERVED_AREAS,
                            PAGE * TdmrInfo.MODULE_RESERVED_AREAS));
                }
                TdmrSpec.Area last = areas.get(areas.size() - 1);
                areas.set(areas.size() - 1, new TdmrSpec.Area(last.start(), tdmr.size() - last.start()));
                while (areas.size() < TdmrInfo.MODULE_RESERVED_AREAS) {
                    int largest = 0;
                    for (int j = 1; j < areas.size(); j++) {
                        largest = areas.get(j).size() > areas.get(largest).size() ? j : largest;
                    }
                    TdmrSpec.Area split = areas.get(largest);
                    if (split.size() < 2 * PAGE) {
                        break;
                    }
                    long half = split.size() / PAGE / 2 * PAGE;
                    areas.set(largest, new TdmrSpec.Area(split.start(), half));
                    areas.add(largest + 1, new TdmrSpec.Area(split.start() + half, split.size() - half));
                }
                return input.withEntry(k, new TdmrSpec(tdmr.base(), tdmr.size(), tdmr.pamts(), areas));
            }),
    PAMT_TOO_SMALL(Family.PAMTS,
            (layout, input, in) -> {
                return withPamt(input, in, (e, ps) -> {
                    long minimumPages = TdmrSpec.minimumPamtSize(e.size(), ps, TdmrSpec.PAMT_ENTRY_SIZE) / PAGE;
                    return e.withPamt(ps, e.pamt(ps).start(), PAGE * between(in, 0, Math.max(0, minimumPages - 1)));
                });
            }),
    PAMT_MISALIGNED(Family.PAMTS,
            (layout, input, in) -> {
                long bytes = between(in, 1, PAGE - 1);
                boolean base = between(in, 0, 1) == 0;
                return withPamt(input, in, (e, ps) -> base
                        ? e.withPamt(ps, e.pamt(ps).start() + bytes, e.pamt(ps).size())
                        : e.withPamt(ps, e.pamt(ps).start(), e.pamt(ps).size() + bytes));
            }),
    PAMT_WITH_HIGH_BITS(Family.PAMTS,
            (layout, input, in) -> {
                long bit = 1L << between(in, layout.machine().hkidShift(), 63);
                return withPamt(input, in, (e, ps) -> e.withPamt(ps, e.pamt(ps).start() | bit, e.pamt(ps).size()));
            }),
    PAMT_END_OVERFLOWS(Family.PAMTS,
            (layout, input, in) -> {
                long pages = between(in, 1, 1 << 20);
                return withPamt(input, in,
                        (e, ps) -> e.withPamt(ps, e.pamt(ps).start(), -e.pamt(ps).start() + PAGE * pages));
            }),
    PAMT_ON_ANOTHER_PAMT(Family.PAMTS,
            (layout, input, in) -> {
                List<TdmrSpec> entries = layout.valid().entries();
                TdmrSpec other = entries.get((int) between(in, 0, entries.size() - 1));
                TdmrSpec.Area target = other.pamt(anyPageSize(in));
                long base = target.start() + PAGE * between(in, 0, 3);
                return withPamt(input, in, (e, ps) -> e.withPamt(ps, base, e.pamt(ps).size()));
            }),
    PAMT_IN_USABLE_MEMORY(Family.PAMTS,
            (layout, input, in) -> {
                TdmrSpec tdmr = layout.valid().entries().get((int) between(in, 0, layout.valid().entries().size() - 1));
                List<Range> usable = ConfigCases.usable(tdmr);
                if (usable.isEmpty()) {
                    return input;
                }
                Range part = usable.get((int) between(in, 0, usable.size() - 1));
                long base = part.start() + PAGE * between(in, 0, part.size() / PAGE - 1);
                return withPamt(input, in, (e, ps) -> e.withPamt(ps, base, e.pamt(ps).size()));
            }),
    PAMT_OUTSIDE_THE_CMRS(Family.CONVERTIBLE,
            (layout, input, in) -> {
                long base = layout.aboveEverything() + PAGE * between(in, 0, 1 << 20);
                return withPamt(input, in, (e, ps) -> e.withPamt(ps, base, e.pamt(ps).size()));
            }),
    /** R8 bit 16 set where it was clear and clear where it was set. */
    DYNAMIC_PAMT_BIT_FLIPPED(Family.DYNAMIC_PAMT,
            (layout, input, in) -> input.withR8(input.r8() ^ ConfigCases.DYNAMIC_PAMT_BIT)),
    /** Valid with R8 bit 16 on a module that takes it; a 4K PAMT too small for a static one otherwise. */
    BITMAP_EXACT(Family.DYNAMIC_PAMT,
            (layout, input, in) -> withBitmap(input, in, 0)),
    BITMAP_ONE_BYTE_SHORT(Family.DYNAMIC_PAMT,
            (layout, input, in) -> withBitmap(input, in, 1)),
    BITMAP_A_PAGE_SHORT(Family.DYNAMIC_PAMT,
            (layout, input, in) -> withBitmap(input, in, PAGE)),
    /**
     * Any 8-byte field of an entry becomes 0, all ones, a random value, or its value a page or a GiB
     * off, or with one bit flipped.
     */
    FIELD_GARBAGE(Family.RAW,
            (layout, input, in) -> {
                long field = between(in, 0, TdmrInfo.MODULE_BYTES / Long.BYTES - 1);
                long pa = input.entryPas().get(anyEntry(input, in)) + Long.BYTES * field;
                long original = input.words().get(pa);
                long value = switch ((int) between(in, 0, 7)) {
                    case 0 -> 0;
                    case 1 -> -1;
                    case 2 -> anyLong(in);
                    case 3 -> original + PAGE;
                    case 4 -> original - PAGE;
                    case 5 -> original + GIB;
                    case 6 -> original - GIB;
                    default -> original ^ 1L << between(in, 0, 63);
                };
                return input.withWord(pa, value);
            });

    /** The checks of module-abi.md §4.4 a defect is aimed at; each is chosen equally often. */
    enum Family {
        /** RCX, RDX and R8, and the LPs: the pre-checks. */
        CALL,
        /** The entries of the pointer array: loop step 1. */
        POINTERS,
        /** A TDMR's base and size: loop steps 2 to 4. */
        TDMRS,
        /** Reserved areas: loop step 5. */
        AREAS,
        /** PAMTs on their own and against each other and usable memory: loop steps 6.1 to 6.3. */
        PAMTS,
        /** What must be convertible: loop steps 6.4 and 7, 1.0's empty tail included. */
        CONVERTIBLE,
        /** Any value in any pointer or field. */
        RAW,
        /** R8 bit 16 and the 4K PAMT as a bitmap: pre-check 6 and loop step 6.1 under Dynamic PAMT. */
        DYNAMIC_PAMT
    }

    /** What a defect does to the input set up so far. */
    @FunctionalInterface
    private interface Change {
        ConfigInput apply(ConfigCases.Layout layout, ConfigInput input, RandomnessSource in);
    }

    private final Family family;
    private final Change change;

    ConfigDefect(Family family, Change change) {
        this.family = family;
        this.change = change;
    }

    /** A family, then one of its defects. */
    static ConfigDefect any(RandomnessSource in) {
        Family family = Family.values()[(int) between(in, 0, Family.values().length - 1)];
        List<ConfigDefect> members = Arrays.stream(values()).filter(d -> d.family == family).toList();
        return members.get((int) between(in, 0, members.size() - 1));
    }

    ConfigInput apply(ConfigCases.Layout layout, ConfigInput input, RandomnessSource in) {
        return change.apply(layout, input, in);
    }

    private interface AreaChange {
        void change(List<TdmrSpec.Area> areas, int j, TdmrSpec tdmr);
    }

    private interface PamtChange {
        TdmrSpec change(TdmrSpec tdmr, PageSize ps);
    }

    /** Changes area j of a random TDMR that has at least {@code needed} areas (j + 1 exists when 2 are needed). */
    private static ConfigInput withArea(ConfigInput input, RandomnessSource in, int needed, AreaChange change) {
        int k = anyEntry(input, in);
        TdmrSpec tdmr = input.entries().get(k);
        if (tdmr.reserved().size() < needed) {
            return input;
        }
        int j = (int) between(in, 0, tdmr.reserved().size() - needed);
        List<TdmrSpec.Area> areas = new ArrayList<>(tdmr.reserved());
        change.change(areas, j, tdmr);
        return input.withEntry(k, new TdmrSpec(tdmr.base(), tdmr.size(), tdmr.pamts(), areas));
    }

    private static ConfigInput withPamt(ConfigInput input, RandomnessSource in, PamtChange change) {
        int k = anyEntry(input, in);
        return input.withEntry(k, change.change(input.entries().get(k), anyPageSize(in)));
    }

    /** A random TDMR's 4K PAMT, where it was, as large as its bitmap less {@code short} bytes. */
    private static ConfigInput withBitmap(ConfigInput input, RandomnessSource in, long shortBy) {
        int k = anyEntry(input, in);
        TdmrSpec e = input.entries().get(k);
        return input.withEntry(k, e.withPamt(PageSize.SIZE_4K, e.pamt(PageSize.SIZE_4K).start(),
                ConfigCases.bitmapBytes(e) - shortBy));
    }

    private static int anyEntry(ConfigInput input, RandomnessSource in) {
        return (int) between(in, 0, input.entries().size() - 1);
    }

    private static int anyPointer(ConfigInput input, RandomnessSource in) {
        return (int) between(in, 0, input.pointers().size() - 1);
    }

    private static PageSize anyPageSize(RandomnessSource in) {
        return PageSize.values()[(int) between(in, 0, PageSize.values().length - 1)];
    }

    private static long inSeamrr(ConfigCases.Layout layout, RandomnessSource in) {
        Range seamrr = layout.machine().seamrr();
        return seamrr.start() + TdmrInfo.ALIGNMENT * between(in, 0, seamrr.size() / TdmrInfo.ALIGNMENT - 1);
    }

    private static long privateKeyIdBits(ConfigCases.Layout layout, RandomnessSource in) {
        ConfigMachine machine = layout.machine();
        return between(in, machine.privateHkidMin(), (1L << machine.keyIdBits()) - 1) << machine.hkidShift();
    }

    private static long sharedKeyIdBits(ConfigCases.Layout layout, RandomnessSource in) {
        ConfigMachine machine = layout.machine();
        return between(in, 1, machine.privateHkidMin() - 1) << machine.hkidShift();
    }

    /** 512-aligned, below the HKID bits, above the installed memory. */
    private static long whereNoMemoryIs(ConfigCases.Layout layout, RandomnessSource in) {
        long lowest = ConfigCases.INSTALLED.end();
        long slots = ((1L << layout.machine().hkidShift()) - lowest) / TdmrInfo.ALIGNMENT;
        return lowest + TdmrInfo.ALIGNMENT * between(in, 0, slots - 1);
    }

    private static long inUnwrittenMemory(RandomnessSource in) {
        long slots = ConfigCases.UNWRITTEN_BYTES / TdmrInfo.ALIGNMENT;
        return ConfigCases.UNWRITTEN + TdmrInfo.ALIGNMENT * between(in, 0, slots - 1);
    }
}
