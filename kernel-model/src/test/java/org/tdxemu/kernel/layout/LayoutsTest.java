package org.tdxemu.kernel.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.seamcall.memory.Range;

class LayoutsTest {

    private static final long MIB = Layouts.MIB;
    private static final long GIB = Layouts.GIB;
    private static final long TIB = 1L << 40;

    private static final long[] TOTALS = {256 * GIB, 2 * TIB, 16 * TIB, 64 * TIB};
    private static final int[] NODES = {1, 2, 8};
    private static final int[] REGIONS = {8, 13, 64, 1024};

    /** Every spec of the grid the benchmarks sweep, valid ones only (a node needs a region). */
    private static List<LayoutSpec> grid(HolePattern holes) {
        List<LayoutSpec> specs = new ArrayList<>();
        for (long total : TOTALS) {
            for (int nodes : NODES) {
                for (int regions : REGIONS) {
                    if (regions >= nodes) {
                        specs.add(new LayoutSpec(total, nodes, regions, holes));
                    }
                }
            }
        }
        return specs;
    }

    private static List<MemoryRegion> regions(Layout layout) {
        return layout.host().memblock();
    }

    private static TdmrPlan planned(Layout layout) {
        PlanResult result = TdxKernel.plan(layout.host());
        return assertInstanceOf(PlanResult.Planned.class, result, () -> layout.name() + ": " + result.log()).plan();
    }

    @ParameterizedTest
    @EnumSource(HolePattern.class)
    void aGeneratedLayoutHasExactlyTheRamRegionsAndNodesItWasAskedFor(HolePattern holes) {
        for (LayoutSpec spec : grid(holes)) {
            Layout layout = Layouts.generate(spec);
            assertEquals(spec.name(), layout.name());
            assertEquals(spec.totalBytes(), layout.ramBytes(), spec.name());
            assertEquals(spec.regions(), regions(layout).size(), spec.name());
            assertEquals(IntStream.range(0, spec.nodes()).boxed().toList(),
                    regions(layout).stream().map(MemoryRegion::node).distinct().toList(), spec.name() + ": nodes ascend");
            assertEquals(spec.nodes(), layout.host().cpus().stream().map(c -> c.packageId()).distinct().count());
        }
    }

    @ParameterizedTest
    @EnumSource(HolePattern.class)
    void theCmrsCoverEveryRegionInAtMost32AscendingRanges(HolePattern holes) {
        for (LayoutSpec spec : grid(holes)) {
            Layout layout = Layouts.generate(spec);
            List<Range> cmrs = layout.cmrs();
            assertTrue(cmrs.size() <= Layouts.MAX_CMRS, spec.name() + ": " + cmrs.size() + " CMRs");
            for (int i = 1; i < cmrs.size(); i++) {
                assertTrue(cmrs.get(i).start() > cmrs.get(i - 1).end(), spec.name() + ": CMRs apart and ascending");
            }
            for (MemoryRegion region : regions(layout)) {
                assertTrue(cmrs.stream().anyMatch(cmr -> cmr.contains(region.range())), spec.name() + ": " + region);
            }
        }
    }

    @Test
    void withoutHolesTheRegionsTileMemoryFrom4GibInEqualShares() {
        Layout layout = Layouts.named("2T-4n-64r-none");
        long cursor = 4 * GIB;
        for (MemoryRegion region : regions(layout)) {
            assertEquals(cursor, region.start());
            assertEquals(32 * GIB, region.end() - region.start());
            cursor = region.end();
        }
        assertEquals(List.of(new Range(4 * GIB, 2052 * GIB)), layout.cmrs());
        assertEquals(16, regions(layout).stream().filter(r -> r.node() == 3).count());
    }

    @Test
    void sharesThatAreNotWhole2MibUnitsLeaveTheRemainderToTheLastRegion() {
        List<MemoryRegion> regions = regions(Layouts.generate(new LayoutSpec(256 * GIB, 1, 1000, HolePattern.NONE)));
        // 256 GiB / 1000 is 262.144 MiB: cut at 2 MiB boundaries the shares are 262 or 264 MiB.
        assertEquals(List.of(262 * MIB, 264 * MIB), regions.stream().map(r -> r.end() - r.start()).distinct().sorted().toList());
        assertEquals(262 * MIB, regions.get(0).end() - regions.get(0).start());
        assertEquals(4 * GIB + 256 * GIB, regions.get(999).end());
    }

    @Test
    void firmwareHolesAreTheEmeraldRapidsHostsFirstLowFragmentsOnNodeZero() {
        Layout layout = Layouts.named("256G-2n-64r-firmware-low");
        List<MemoryRegion> regions = regions(layout);
        assertEquals(Layouts.EMERALD_RAPIDS_LOW_RAM.subList(0, 13), regions.subList(0, 13).stream().map(MemoryRegion::range).toList());
        assertTrue(regions.subList(0, 13).stream().allMatch(r -> r.node() == 0));
        assertEquals(4 * GIB, regions.get(13).start());
        assertEquals(new Range(0x100000L, 0x63d58000L), layout.cmrs().get(0));
        // With one region per node there is no room for fragments.
        assertEquals(4 * GIB, regions(Layouts.named("256G-2n-2r-firmware-low")).get(0).start());
        assertEquals(3, regions(Layouts.named("256G-2n-5r-firmware-low")).stream().filter(r -> r.end() < 4 * GIB).count());
    }

    @Test
    void sparseRegionsEachSitAtTheBottomOfAWindowTwiceTheirSize() {
        Layout layout = Layouts.named("16T-8n-64r-sparse-high");
        List<MemoryRegion> regions = regions(layout);
        for (int i = 0; i < regions.size(); i++) {
            MemoryRegion region = regions.get(i);
            assertEquals(4 * GIB + i * 512 * GIB, region.start());
            assertEquals(256 * GIB, region.end() - region.start());
        }
        // 64 runs are too many CMRs: one per node.
        assertEquals(8, layout.cmrs().size());
        assertEquals(new Range(4 * GIB, 4 * GIB + 7 * 512 * GIB + 256 * GIB), layout.cmrs().get(0));
    }

    @Test
    void randomSizedRegionsDifferFromEachOtherButNotFromRunToRun() {
        Layout layout = Layouts.named("16T-8n-1024r-sparse-random");
        List<MemoryRegion> regions = regions(layout);
        assertEquals(regions, regions(Layouts.named("16T-8n-1024r-sparse-random")), "the same name, the same layout");
        List<Long> sizes = regions.stream().map(r -> r.end() - r.start()).toList();
        long smallest = sizes.stream().mapToLong(Long::longValue).min().orElseThrow();
        long largest = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(largest >= 6 * smallest, smallest + " to " + largest);
        assertTrue(sizes.stream().allMatch(size -> size % (2 * MIB) == 0));
        for (int i = 1; i < regions.size(); i++) {
            assertEquals(regions.get(i - 1).start() + 2 * Page.alignUp(sizes.get(i - 1), GIB), regions.get(i).start(),
                    "region " + i + " opens the next window");
        }
        PlanResult plan = TdxKernel.plan(layout.host(), ModuleLimits.uniform(1024 + 4, 252, 16), KernelOptions.DEFAULT,
                List.of());
        assertEquals(1024, assertInstanceOf(PlanResult.Planned.class, plan, plan.log()::toString).plan().tdmrs().size(),
                "every region a TDMR of its own");
        assertNotEquals(sizes, regions(Layouts.named("16T-8n-512r-sparse-random")).stream()
                .map(r -> r.end() - r.start()).toList().subList(0, 512));
    }

    @Test
    void theKeyIdSplitLeavesEnoughAddressBitsForTheTopOfMemory() {
        assertEquals(Layouts.KEY_IDS, Layouts.named("16T-8n-8r-none").host().keyIdPartitioning().orElseThrow());
        assertEquals(Layouts.KEY_IDS, Layouts.keyIdsBelow(1L << 46));
        // 64 TiB from 4 GiB ends above 2^46: 5 KeyID bits.
        assertEquals(KeyIdPartitioningMsr.of(15, 16), Layouts.named("64T-8n-8r-none").host().keyIdPartitioning().orElseThrow());
        assertEquals(KeyIdPartitioningMsr.of(15, 16), Layouts.named("64T-8n-8r-sparse-high").host().keyIdPartitioning().orElseThrow());
        assertEquals(KeyIdPartitioningMsr.of(7, 8), Layouts.keyIdsBelow((1L << 47) + 1));
    }

    @Test
    void aLayoutNameReadsBackAsItsSpec() {
        LayoutSpec spec = new LayoutSpec(64 * TIB, 8, 1024, HolePattern.SPARSE_HIGH);
        assertEquals("64T-8n-1024r-sparse-high", spec.name());
        assertEquals(spec, LayoutSpec.parse(spec.name()));
        assertEquals("300G-3n-7r-firmware-low", LayoutSpec.parse("300G-3n-7r-firmware-low").name());
        assertEquals("2T-1n-1r-none", LayoutSpec.parse("2048G-1n-1r-none").name());
    }

    @Test
    void badSpecsAndNamesAreRefusedWithTheValueInTheMessage() {
        assertEquals("total memory must be a whole number of GiB from 256 GiB to 64 TiB: 281474976710656",
                assertThrows(IllegalArgumentException.class, () -> LayoutSpec.parse("256T-1n-1r-none")).getMessage());
        assertEquals("regions must be 8 (one per node) to 1024: 4",
                assertThrows(IllegalArgumentException.class, () -> new LayoutSpec(TIB, 8, 4, HolePattern.NONE)).getMessage());
        assertEquals("nodes must be 1 to 8: 9",
                assertThrows(IllegalArgumentException.class, () -> new LayoutSpec(TIB, 9, 9, HolePattern.NONE)).getMessage());
        assertEquals("not a layout name like 2T-8n-64r-none: 2T-8n-64r-swiss-cheese",
                assertThrows(IllegalArgumentException.class, () -> Layouts.named("2T-8n-64r-swiss-cheese")).getMessage());
        assertEquals("not a layout name like 2T-8n-64r-none: two-socket",
                assertThrows(IllegalArgumentException.class, () -> Layouts.named("two-socket")).getMessage());
    }

    @Test
    void theWholeInitializationSizesPlanWithTheUsualLimits() {
        for (String name : List.of("256G-1n-2r-none", "16T-8n-8r-none", "64T-8n-8r-none")) {
            Layout layout = Layouts.named(name);
            assertEquals(layout.ramBytes() / GIB, planned(layout).tdmrs().stream().mapToLong(Tdmr::size).sum() / GIB,
                    name + ": TDMRs cover exactly the RAM");
        }
    }

    @Test
    void theTwoSocketHostIsTheOneThatPrinted8396820Kb() {
        TdmrPlan plan = planned(Layouts.twoSocket2T());
        assertEquals(8396820, plan.pamtKb());
        assertEquals(Layouts.twoSocket2T().host().memblock().stream().map(MemoryRegion::range).toList(),
                Layouts.twoSocket2T().cmrs());
    }

    /** The count worked out by hand in {@link Layouts#heavy()}'s documentation. */
    @Test
    void theHeavyLayoutPlans57TdmrsWithinSixteenReservedAreasEach() {
        TdmrPlan plan = planned(Layouts.heavy());
        assertEquals(57, plan.tdmrs().size());
        List<Integer> expected = new ArrayList<>();
        expected.add(14);
        for (int node = 0; node < 8; node++) {
            expected.add(node == 0 ? 9 : 8);
            for (int block = 1; block < 7; block++) {
                expected.add(1);
            }
        }
        assertEquals(expected, plan.tdmrs().stream().map(t -> t.reservedAreas().size()).toList());
        for (int k = 0; k < 56; k++) {
            Tdmr tdmr = plan.tdmrs().get(k + 1);
            assertEquals(new Range(4 * GIB + k * 130 * GIB, 4 * GIB + k * 130 * GIB + 128 * GIB), tdmr.range());
            Tdmr nodesFirst = plan.tdmrs().get(k / 7 * 7 + 1);
            assertTrue(nodesFirst.range().contains(tdmr.pamtChunk()), "TDMR " + (k + 1) + "'s PAMT in its node's first block");
        }
        assertEquals(9, Layouts.heavy().cmrs().size());
    }

    @Test
    void theEmeraldRapidsHostHas16LowFragmentsAndTheFirstTdmrFails() {
        Layout layout = Layouts.emeraldRapids();
        assertEquals(18, regions(layout).size());
        assertEquals(List.of("virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted."),
                TdxKernel.plan(layout.host()).log());
    }
}
