package org.tdxemu.kernel.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.ContigAllocator;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.host.PageAllocator;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.NaiveContigAllocator;
import org.tdxemu.kernel.testing.TdmrRules;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/**
 * construct_tdmrs() on random layouts: every plan it builds holds together, and every failure has a
 * reason the test can see for itself. The checks are written from the rules of kernel-init.md §3,
 * not from the planner's code; the few facts that need the planner's own choices (where PAMTs
 * landed) come from recording its allocator.
 */
class TdmrPlannerPropertyTest {

    private static final long GIB = Hosts.GIB;
    private static final Pattern EXHAUSTED_TDMR =
            Pattern.compile("virt/tdx: initialization failed: TDMR \\[0x(\\p{XDigit}+), 0x(\\p{XDigit}+)\\): reserved areas exhausted\\.");

    /** A memory region's shape: the gap before it and its size, in pages; its node; whether a new CMR starts at it. */
    private record RegionSpec(int gapPages, int sizePages, int node, boolean newCmr, int reservedPages) {
    }

    private record Layout(HostConfig host, List<Range> cmrs, ModuleLimits limits, boolean holesFromCmrs) {
    }

    private static Gen<RegionSpec> regionSpecs() {
        Gen<Integer> gaps = Generate.constant(0).mix(integers().between(0, 4096)).mix(integers().between(0, 800_000));
        Gen<Integer> sizes = integers().between(1, 8192).mix(integers().between(1, 2_500_000));
        return gaps.zip(sizes, integers().between(0, 2), booleans().all(), integers().between(0, 3000), RegionSpec::new);
    }

    private static Gen<ModuleLimits> limits() {
        Gen<Integer> entrySizes = Generate.pick(List.of(8, 16, 32));
        return integers().between(1, 24).zip(integers().between(1, 16), entrySizes, entrySizes, entrySizes,
                ModuleLimits::new);
    }

    private static Gen<Layout> layouts() {
        return lists().of(regionSpecs()).ofSizeBetween(1, 20).zip(limits(), booleans().all(), TdmrPlannerPropertyTest::layout);
    }

    private static Layout layout(List<RegionSpec> specs, ModuleLimits limits, boolean holesFromCmrs) {
        List<MemoryRegion> regions = new ArrayList<>();
        List<Range> reserved = new ArrayList<>();
        List<Range> cmrs = new ArrayList<>();
        long cursor = 0;
        for (RegionSpec spec : specs) {
            long start = cursor + (long) spec.gapPages() * Page.SIZE;
            long end = start + (long) spec.sizePages() * Page.SIZE;
            regions.add(new MemoryRegion(start, end, spec.node()));
            if (spec.reservedPages() > 0 && spec.reservedPages() < spec.sizePages()) {
                reserved.add(Range.ofSize(start, (long) spec.reservedPages() * Page.SIZE));
            }
            if (cmrs.isEmpty() || spec.newCmr()) {
                cmrs.add(new Range(start, end));
            } else {
                cmrs.set(cmrs.size() - 1, new Range(cmrs.get(cmrs.size() - 1).start(), end));
            }
            cursor = end;
        }
        HostConfig host = HostConfig.of(regions, HostConfig.cpus(1, 1, Set.of()), Hosts.KEY_IDS).withReserved(reserved);
        return new Layout(host, cmrs, limits, holesFromCmrs);
    }

    /** Hands the planner's requests to a real allocator and remembers them. */
    private static final class RecordingAllocator implements ContigAllocator {
        private final PageAllocator allocator;
        final List<Range> live = new ArrayList<>();
        final List<Range> everAllocated = new ArrayList<>();
        long failedRequestPages = -1;
        List<Range> liveAtFailure = List.of();

        RecordingAllocator(PageAllocator allocator) {
            this.allocator = allocator;
        }

        @Override
        public OptionalLong allocContigPages(long pageCount, int node) {
            OptionalLong pa = allocator.allocContigPages(pageCount, node);
            if (pa.isPresent()) {
                live.add(Range.ofSize(pa.getAsLong(), pageCount << Page.SHIFT));
                everAllocated.add(Range.ofSize(pa.getAsLong(), pageCount << Page.SHIFT));
            } else {
                failedRequestPages = pageCount;
                liveAtFailure = List.copyOf(live);
            }
            return pa;
        }

        @Override
        public void freeContigRange(long pa, long pageCount) {
            allocator.freeContigRange(pa, pageCount);
            live.remove(Range.ofSize(pa, pageCount << Page.SHIFT));
        }
    }

    @Test
    void everyPlanHoldsTogetherOrFailsForAReasonThatHolds() {
        qt().withExamples(250).withShrinkCycles(100).forAll(layouts()).checkAssert(TdmrPlannerPropertyTest::check);
    }

    private static void check(Layout layout) {
        List<Range> memlist = TdmrRules.memlist(layout.host());
        PageAllocator pages = new PageAllocator(layout.host());
        RecordingAllocator allocator = new RecordingAllocator(pages);
        KernelLog log = new KernelLog(Profile.MAINLINE);
        List<TdxMemblock> blocks = new ArrayList<>();
        for (MemoryRegion r : layout.host().memblock()) {
            TdmrRules.tdxMemory(r.range()).ifPresent(m -> blocks.add(new TdxMemblock(m.start(), m.end(), r.node())));
        }
        TdxMemlist tdxMemlist = TdxMemlist.of(blocks);
        List<Range> holeSource = layout.holesFromCmrs() ? layout.cmrs() : memlist;
        PlanResult construction = TdmrPlanner.construct(tdxMemlist, AddressRanges.of(holeSource), layout.limits(),
                PlannerRules.of(Profile.MAINLINE), allocator, log);

        if (construction instanceof PlanResult.Planned built) {
            checkPlan(built.plan(), layout, memlist, holeSource);
            assertEquals(built.plan().tdmrs().stream().map(Tdmr::pamtChunk).toList(), allocator.live);
            assertEquals(pages.managedBytes() - built.plan().pamtBytes(), pages.freeBytes());
            return;
        }
        PlanResult.NotPlanned failed = (PlanResult.NotPlanned) construction;
        Errno errno = failed.errno();
        assertEquals(List.of(), allocator.live, "a failed plan frees every PAMT");
        assertEquals(pages.managedBytes(), pages.freeBytes());
        List<Range> tdmrs = TdmrRules.tdmrsCovering(memlist);
        int maxTdmrs = layout.limits().maxTdmrs();
        if (errno == Errno.ENOSPC && log.lines().equals(List.of("virt/tdx: initialization failed: TDMRs exhausted."))) {
            assertTrue(tdmrs.size() > maxTdmrs);
            assertEquals(tdmrs.subList(0, maxTdmrs), failed.tdmrs().stream().map(Tdmr::range).toList(),
                    "the TDMRs that fit are left");
            assertTrue(failed.tdmrs().stream().allMatch(t -> t.pamtChunk().isEmpty() && t.reservedAreas().isEmpty()));
            assertEquals(Optional.of(Shortfall.tdmrs(maxTdmrs, tdmrs.size(), maxTdmrs)), failed.shortfall());
        } else if (errno == Errno.ENOSPC) {
            checkReservedAreasExhausted(log, failed, tdmrs, layout, holeSource, allocator.everAllocated);
        } else if (errno == Errno.ENOMEM) {
            assertTrue(allocator.failedRequestPages >= 0, "ENOMEM without a failed PAMT allocation");
            assertTrue(memlist.isEmpty() || new NaiveContigAllocator(layout.host())
                    .firstWindow(allocator.failedRequestPages, 0, allocator.liveAtFailure).isEmpty(),
                    "a window was free for " + allocator.failedRequestPages + " pages");
            int allocated = allocator.everAllocated.size();
            assertEquals(tdmrs, failed.tdmrs().stream().map(Tdmr::range).toList());
            assertEquals(allocator.everAllocated, failed.tdmrs().subList(0, allocated).stream().map(Tdmr::pamtChunk)
                    .toList(), "the PAMTs allocated before the failure are left, by TDMR");
            assertTrue(failed.tdmrs().subList(allocated, tdmrs.size()).stream().allMatch(t -> t.pamtChunk().isEmpty()));
            assertEquals(Optional.of(Shortfall.pamtPages(allocated, allocator.failedRequestPages)), failed.shortfall());
        } else {
            fail("unexpected " + errno + " " + log.lines());
        }
    }

    private static void checkPlan(TdmrPlan plan, Layout layout, List<Range> memlist, List<Range> holeSource) {
        List<Tdmr> tdmrs = plan.tdmrs();
        assertTrue(tdmrs.size() <= layout.limits().maxTdmrs());
        assertEquals(TdmrRules.tdmrsCovering(memlist), tdmrs.stream().map(Tdmr::range).toList());
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            assertEquals(0, tdmr.base() % GIB);
            assertEquals(0, tdmr.size() % GIB);
            assertTrue(tdmr.size() > 0);
            assertTrue(i == 0 || tdmrs.get(i - 1).end() <= tdmr.base(), "TDMRs ascend without overlap");
            for (PageSize pageSize : PageSize.values()) {
                long entries = tdmr.size() >>> pageSize.shift();
                assertEquals(Page.alignUp(entries * layout.limits().pamtEntrySize(pageSize)), tdmr.pamt(pageSize).size());
            }
            assertEquals(tdmr.pamt4k().end(), tdmr.pamt2m().start());
            assertEquals(tdmr.pamt2m().end(), tdmr.pamt1g().start());
            checkReservedAreas(tdmr, plan, layout, holeSource);
        }
        for (Range block : memlist) {
            long covered = tdmrs.stream().map(Tdmr::range).filter(t -> t.overlaps(block))
                    .mapToLong(t -> Math.min(t.end(), block.end()) - Math.max(t.start(), block.start())).sum();
            assertEquals(block.size(), covered, "every byte of " + block + " is in a TDMR");
        }
        List<Range> usable = NaiveContigAllocator.usableRam(layout.host());
        for (int i = 0; i < tdmrs.size(); i++) {
            Range chunk = tdmrs.get(i).pamtChunk();
            assertTrue(usable.stream().anyMatch(r -> r.contains(chunk)), "PAMT " + chunk + " lies in usable RAM");
            for (int j = 0; j < i; j++) {
                assertTrue(!chunk.overlaps(tdmrs.get(j).pamtChunk()), "PAMTs do not overlap");
            }
        }
    }

    private static void checkReservedAreas(Tdmr tdmr, TdmrPlan plan, Layout layout, List<Range> holeSource) {
        List<ReservedArea> areas = tdmr.reservedAreas();
        assertTrue(areas.size() <= layout.limits().maxReservedPerTdmr());
        for (int j = 0; j < areas.size(); j++) {
            ReservedArea area = areas.get(j);
            assertTrue(area.size() > 0 && Page.isAligned(area.offset()) && Page.isAligned(area.size()));
            assertTrue(area.end() <= tdmr.size(), "inside the TDMR");
            assertTrue(j == 0 || areas.get(j - 1).end() <= area.offset(), "sorted, no overlap");
        }
        List<Range> holes = TdmrRules.holes(tdmr.range(), holeSource);
        List<Range> pamtsInside = plan.tdmrs().stream().map(Tdmr::pamtChunk).filter(c -> c.overlaps(tdmr.range()))
                .map(c -> new Range(Math.max(c.start(), tdmr.base()), Math.min(c.end(), tdmr.end()))).toList();
        TreeSet<Range> expected = new TreeSet<>(holes);
        expected.addAll(pamtsInside);
        assertEquals(holes.size() + pamtsInside.size(), expected.size(), "holes and PAMTs are distinct");
        assertEquals(List.copyOf(expected), areas.stream().map(a -> Range.ofSize(tdmr.base() + a.offset(), a.size())).toList(),
                "one area per hole and per PAMT inside " + tdmr.range());
    }

    private static void checkReservedAreasExhausted(KernelLog log, PlanResult.NotPlanned failed, List<Range> tdmrs,
                                                    Layout layout, List<Range> holeSource, List<Range> pamts) {
        // A warning that TDMRs run low may come first.
        String last = log.lines().get(log.lines().size() - 1);
        Matcher named = EXHAUSTED_TDMR.matcher(last);
        assertTrue(named.matches(), log.lines().toString());
        Range failing = new Range(Long.parseLong(named.group(1), 16), Long.parseLong(named.group(2), 16));
        int index = tdmrs.indexOf(failing);
        assertTrue(index >= 0, failing + " is one of the TDMRs");
        for (int i = 0; i <= index; i++) {
            Range tdmr = tdmrs.get(i);
            long areas = TdmrRules.holes(tdmr, holeSource).size() + pamts.stream().filter(p -> p.overlaps(tdmr)).count();
            if (i < index) {
                assertTrue(areas <= layout.limits().maxReservedPerTdmr(), "TDMR " + tdmr + " fit");
            } else {
                assertTrue(areas > layout.limits().maxReservedPerTdmr(), "TDMR " + tdmr + " needs " + areas);
            }
        }
        // The failing TDMR holds what the kernel added before it stopped: holes first, then PAMTs by TDMR index.
        int limit = layout.limits().maxReservedPerTdmr();
        List<Range> added = new ArrayList<>(TdmrRules.holes(failing, holeSource));
        pamts.stream().filter(p -> p.overlaps(failing))
                .forEach(p -> added.add(new Range(Math.max(p.start(), failing.start()), Math.min(p.end(), failing.end()))));
        Tdmr left = failed.tdmrs().get(index);
        assertEquals(added.subList(0, limit), left.reservedAreas().stream()
                .map(a -> Range.ofSize(left.base() + a.offset(), a.size())).toList());
        assertEquals(Optional.of(Shortfall.reservedAreas(index, added.size(), limit)), failed.shortfall());
        assertEquals(tdmrs, failed.tdmrs().stream().map(Tdmr::range).toList());
        assertEquals(pamts, failed.tdmrs().stream().map(Tdmr::pamtChunk).toList(), "every PAMT was allocated");
        assertTrue(failed.tdmrs().subList(index + 1, tdmrs.size()).stream().allMatch(t -> t.reservedAreas().isEmpty()));
    }
}
