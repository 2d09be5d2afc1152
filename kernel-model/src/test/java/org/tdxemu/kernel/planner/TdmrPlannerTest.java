package org.tdxemu.kernel.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.tdxemu.kernel.testing.Hosts.GIB;
import static org.tdxemu.kernel.testing.Hosts.MIB;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.ContigAllocator;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.host.PageAllocator;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/** construct_tdmrs(), through the plan entry point and on its own; kernel-init.md §3 and §5 items 19–37. */
class TdmrPlannerTest {

    private static HostConfig host(MemoryRegion... memblock) {
        return HostConfig.of(List.of(memblock), HostConfig.cpus(2, 2, Set.of()), Hosts.KEY_IDS);
    }

    private static MemoryRegion region(long start, long end, int node) {
        return new MemoryRegion(start, end, node);
    }

    private static TdmrPlan planned(PlanResult result) {
        return assertInstanceOf(PlanResult.Planned.class, result, () -> result.log().toString()).plan();
    }

    private static PlanResult.NotPlanned notPlanned(PlanResult result) {
        return assertInstanceOf(PlanResult.NotPlanned.class, result);
    }

    private static List<Range> tdmrRanges(TdmrPlan plan) {
        return plan.tdmrs().stream().map(Tdmr::range).toList();
    }

    // ---- PAMT sizes: §3.4 -------------------------------------------------------------------

    @Test
    void pamtIs4104KibPerGibPlus4KibForTdmrsUpTo256Gib() {
        for (long gib : new long[] {1, 2, 64, 255, 256}) {
            TdmrPlan plan = planned(TdxKernel.plan(host(region(4 * GIB, (4 + gib) * GIB, 0))));
            assertEquals(4104 * gib + 4, plan.pamtKb(), gib + " GiB");
        }
        // Above 256 GiB the 1G PAMT needs a second page.
        assertEquals(4104 * 257 + 8, planned(TdxKernel.plan(host(region(4 * GIB, 261 * GIB, 0)))).pamtKb());
    }

    @Test
    void eachPamtIsItsEntriesTimesTheEntrySizeRoundedUpToAPage() {
        ModuleLimits limits = new ModuleLimits(64, 16, 16, 24, 40);
        TdmrPlan plan = planned(TdxKernel.plan(host(region(4 * GIB, 7 * GIB, 0)), limits, KernelOptions.DEFAULT, List.of()));
        Tdmr tdmr = plan.tdmrs().get(0);
        assertEquals(3 * GIB / Page.SIZE * 16, tdmr.pamt4k().size());
        assertEquals(Page.alignUp(3 * 512 * 24), tdmr.pamt2m().size());
        assertEquals(Page.SIZE, tdmr.pamt1g().size());
        assertEquals(tdmr.pamt4k().end(), tdmr.pamt2m().start());
        assertEquals(tdmr.pamt2m().end(), tdmr.pamt1g().start());
    }

    @Test
    void twoSocket2TibHostNeeds8396820KbOfPamtInThreeTdmrs() {
        TdmrPlan plan = planned(TdxKernel.plan(Hosts.twoSocket2T()));
        assertEquals(List.of(new Range(0, 2 * GIB), new Range(4 * GIB, 0x10040000000L),
                new Range(0x10080000000L, 0x20040000000L)), tdmrRanges(plan));
        assertEquals(8396820, plan.pamtKb());
    }

    @Test
    void kernelDocsExampleIs262668KbFor64GibInThreeTdmrs() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(MIB, 2 * GIB, 0), region(4 * GIB, 34 * GIB, 0),
                region(36 * GIB, 68 * GIB, 1))));
        assertEquals(3, plan.tdmrs().size());
        assertEquals(262668, plan.pamtKb());
    }

    @Test
    void fieldFigure1050644KbIs256GibInFiveTdmrs() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(MIB, 2 * GIB, 0), region(4 * GIB, 66 * GIB, 0),
                region(68 * GIB, 132 * GIB, 0), region(136 * GIB, 200 * GIB, 1), region(204 * GIB, 268 * GIB, 1))));
        assertEquals(5, plan.tdmrs().size());
        assertEquals(1050644, plan.pamtKb());
    }

    @Test
    void fieldFigure4071192KbIs992GibInSixTdmrs() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(MIB, 2 * GIB, 0), region(4 * GIB, 242 * GIB, 0),
                region(244 * GIB, 432 * GIB, 0), region(434 * GIB, 622 * GIB, 1), region(624 * GIB, 812 * GIB, 1),
                region(814 * GIB, 1002 * GIB, 1))));
        assertEquals(6, plan.tdmrs().size());
        assertEquals(4071192, plan.pamtKb());
    }

    // ---- Dynamic PAMT: dynamic-pamt.md §3.3, §4 -------------------------------------------

    private static final ModuleLimits OFFERS_DYNAMIC_PAMT = ModuleLimits.DEFAULT.withPamtPageBitmap(1);

    @Test
    void theBitmapIsSizedInBitsThenBytesThenPagesAndTheOtherLevelsAsEver() {
        assertEquals(32 * 1024, OFFERS_DYNAMIC_PAMT.pamtBytes(GIB, PageSize.SIZE_4K));
        assertEquals(96 * 1024, ModuleLimits.DEFAULT.withPamtPageBitmap(3).pamtBytes(GIB, PageSize.SIZE_4K));
        assertEquals(Page.SIZE, ModuleLimits.DEFAULT.withPamtPageBitmap(3).pamtBytes(3 * Page.SIZE, PageSize.SIZE_4K),
                "9 bits are 2 bytes, a page");
        assertEquals(8 * 1024, OFFERS_DYNAMIC_PAMT.pamtBytes(GIB, PageSize.SIZE_2M));
        assertEquals(Page.SIZE, OFFERS_DYNAMIC_PAMT.pamtBytes(GIB, PageSize.SIZE_1G));
        assertEquals(4 * 1024 * 1024, OFFERS_DYNAMIC_PAMT.withStaticPamt().pamtBytes(GIB, PageSize.SIZE_4K));
    }

    @Test
    void theTwoSocketHostNeeds81876KbUnderDynamicPamtAndOnlyThere() {
        HostConfig host = Hosts.twoSocket2T();
        List<Range> cmrs = host.memblock().stream().map(MemoryRegion::range).toList();
        TdmrPlan plan = planned(TdxKernel.plan(host, OFFERS_DYNAMIC_PAMT, KernelOptions.of(Profile.DPAMT), cmrs));
        assertEquals(81876, plan.pamtKb());
        assertEquals(List.of(84L, 40856L, 40936L), plan.tdmrs().stream().map(t -> t.pamtChunk().size() / 1024).toList());
        assertEquals(8396820, planned(TdxKernel.plan(host, OFFERS_DYNAMIC_PAMT, KernelOptions.of(Profile.LATEST), cmrs))
                .pamtKb(), "today's mainline has no Dynamic PAMT");
        assertEquals(8396820, planned(TdxKernel.plan(host.withX86PhysBits(49), OFFERS_DYNAMIC_PAMT,
                KernelOptions.of(Profile.DPAMT), cmrs)).pamtKb(), "49 physical address bits keep the static PAMT");
        assertEquals(8396820, planned(TdxKernel.plan(host, ModuleLimits.DEFAULT, KernelOptions.of(Profile.DPAMT), cmrs))
                .pamtKb(), "a module that does not offer it");
    }

    /** The series' documentation: 10092 KB for three TDMRs of 252 GiB in all, 40 × 252 + 3 × 4. */
    @Test
    void theSeriesDocumentationExampleIs10092Kb() {
        HostConfig host = host(region(MIB, 2 * GIB, 0), region(4 * GIB, 129 * GIB, 0), region(130 * GIB, 255 * GIB, 1));
        TdmrPlan plan = planned(TdxKernel.plan(host, OFFERS_DYNAMIC_PAMT, KernelOptions.of(Profile.DPAMT), List.of()));
        assertEquals(3, plan.tdmrs().size());
        assertEquals(10092, plan.pamtKb());
    }

    // ---- Filling out TDMRs: §3.3 ----------------------------------------------------------

    /** §5 item 19. */
    @Test
    void memoryEntirelyBelowOneMibIsDropped() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(0x1000, 0x9f000, 0), region(4 * GIB, 5 * GIB, 0))));
        assertEquals(List.of(new Range(4 * GIB, 5 * GIB)), tdmrRanges(plan));
    }

    /** §5 items 19 and 36: nothing left means one empty TDMR, no node to find, and no PAMT for zero pages. */
    @Test
    void anEmptyMemoryListFailsWithEnomemAfterTheNodeFallbackWarning() {
        KernelLog log = new KernelLog(Profile.MAINLINE);
        PlacedAllocator allocator = new PlacedAllocator();
        assertEquals(PlanResult.NotPlanned.of(Errno.ENOMEM, List.of(new Tdmr(0, 0, 0, 0, 0, 0, List.of())),
                Optional.of(Shortfall.pamtPages(0, 0)), List.of("virt/tdx: TDMR [0x0, 0x0): unable to find local NUMA"
                        + " node for PAMT allocation, fallback to use node 0.")), construct(TdxMemlist.of(List.of()), allocator, log));
        assertEquals(List.of("virt/tdx: TDMR [0x0, 0x0): unable to find local NUMA node for PAMT allocation, fallback"
                + " to use node 0."), log.lines());
        assertEquals(List.of(0L), allocator.requestedPages);
    }

    @Test
    void aHostWithNoMemoryAboveOneMibCannotEvenAllocateItsTdmrList() {
        PlanResult.NotPlanned result = notPlanned(TdxKernel.plan(host(region(0x1000, 0x9f000, 0))));
        assertEquals(Errno.ENOMEM, result.errno());
        assertEquals(List.of(), result.log());
    }

    /** §5 item 20. */
    @Test
    void aBlockFromZeroCoversTheFirstMibWithAHeadHole() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(0, 2 * GIB, 0), region(4 * GIB, 8 * GIB, 0))));
        Tdmr first = plan.tdmrs().get(0);
        assertEquals(new Range(0, 2 * GIB), first.range());
        assertEquals(List.of(new ReservedArea(0, MIB)), first.reservedAreas());
    }

    /** §5 item 21. */
    @Test
    void twoBlocksInOneGibShareATdmrAndTheHoleBetweenThemIsReserved() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(GIB, GIB + 256 * MIB, 0), region(GIB + 512 * MIB, 2 * GIB, 0),
                region(4 * GIB, 8 * GIB, 0))));
        Tdmr first = plan.tdmrs().get(0);
        assertEquals(new Range(GIB, 2 * GIB), first.range());
        assertEquals(List.of(new ReservedArea(256 * MIB, 256 * MIB)), first.reservedAreas());
    }

    /** §5 item 22. */
    @Test
    void aBlockStraddlingTheCoveredGibStartsItsTdmrAtThePreviousEnd() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(GIB, GIB + 256 * MIB, 0),
                region(GIB + 512 * MIB, 2 * GIB + 512 * MIB, 1), region(4 * GIB, 8 * GIB, 0), region(8 * GIB, 12 * GIB, 1))));
        assertEquals(List.of(new Range(GIB, 2 * GIB), new Range(2 * GIB, 3 * GIB), new Range(4 * GIB, 8 * GIB),
                new Range(8 * GIB, 12 * GIB)), tdmrRanges(plan));
        assertEquals(List.of(new ReservedArea(512 * MIB, 512 * MIB)), plan.tdmrs().get(1).reservedAreas());
    }

    /** §5 item 23. */
    @Test
    void blocksAGibOrMoreApartGetSeparateTdmrsAndTheGapStaysUncovered() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(4 * GIB, 5 * GIB, 0), region(6 * GIB, 7 * GIB, 0))));
        assertEquals(List.of(new Range(4 * GIB, 5 * GIB), new Range(6 * GIB, 7 * GIB)), tdmrRanges(plan));
        assertEquals(List.of(), plan.tdmrs().get(1).reservedAreas());
    }

    private static HostConfig separateGibs(int count) {
        List<MemoryRegion> regions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            regions.add(region((4 + 2L * i) * GIB, (5 + 2L * i) * GIB, 0));
        }
        return HostConfig.of(regions, HostConfig.cpus(1, 2, Set.of()), Hosts.KEY_IDS);
    }

    /**
     * What fill_out_tdmrs() leaves when the fifth of six TDMRs does not fit: the four it filled in,
     * with no PAMT yet, and the count it never makes itself.
     */
    private static void assertFourOfSixTdmrsFilled(PlanResult.NotPlanned result) {
        List<Tdmr> filled = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            filled.add(new Tdmr((4 + 2L * i) * GIB, GIB, 0, 0, 0, 0, List.of()));
        }
        assertEquals(filled, result.tdmrs());
        assertEquals(Optional.of(Shortfall.tdmrs(4, 6, 4)), result.shortfall());
        assertEquals(Optional.of("the memory needs 6 TDMRs, the module takes 4, so memory from 0x2c0000000 up is left out"),
                result.reason());
    }

    /** §5 item 24, merged kernel. */
    @Test
    void oneTdmrMoreThanTheModuleSupportsIsEnospcWithTheKernelsMessage() {
        PlanResult.NotPlanned result = notPlanned(TdxKernel.plan(separateGibs(6), ModuleLimits.uniform(4, 16, 16),
                KernelOptions.DEFAULT, List.of()));
        assertEquals(Errno.ENOSPC, result.errno());
        assertEquals(List.of("virt/tdx: initialization failed: TDMRs exhausted."), result.log());
        assertFourOfSixTdmrsFilled(result);
    }

    /** §5 item 24, v7: the same TDMRs and the same shortfall, but E2BIG and no message. */
    @Test
    void v7ReturnsE2bigSilentlyWhenTdmrsRunOut() {
        HostConfig host = separateGibs(6);
        PlanResult.NotPlanned result = notPlanned(TdxKernel.plan(host, ModuleLimits.uniform(4, 16, 16),
                KernelOptions.of(Profile.V7), host.memblock().stream().map(MemoryRegion::range).toList()));
        assertEquals(Errno.E2BIG, result.errno());
        assertEquals(List.of(), result.log());
        assertFourOfSixTdmrsFilled(result);
    }

    /** §5 item 25. */
    @Test
    void exactlyMaxTdmrsSucceedsWithTheLimitWarning() {
        PlanResult result = TdxKernel.plan(separateGibs(4), ModuleLimits.uniform(4, 16, 16), KernelOptions.DEFAULT,
                List.of());
        assertEquals(4, planned(result).tdmrs().size());
        assertEquals(List.of("virt/tdx: consumed TDMRs reaching limit: 4 used out of 4"), result.log());
    }

    /** §5 item 26. */
    @Test
    void theLimitWarningComesWhenFewerThanFourTdmrsAreLeft() {
        ModuleLimits limits = ModuleLimits.uniform(8, 16, 16);
        assertEquals(List.of("virt/tdx: consumed TDMRs reaching limit: 5 used out of 8"),
                TdxKernel.plan(separateGibs(5), limits, KernelOptions.DEFAULT, List.of()).log());
        assertEquals(List.of(), TdxKernel.plan(separateGibs(4), limits, KernelOptions.DEFAULT, List.of()).log());
    }

    // ---- Reserved areas: §3.6 -------------------------------------------------------------

    /**
     * {@code blocks} blocks of 16 MiB with 16 MiB gaps in [1 GiB, 2 GiB): a head hole, the gaps and a
     * tail hole, {@code blocks + 1} areas; the PAMTs land above 4 GiB.
     */
    private static HostConfig holesInOneGib(int blocks) {
        List<MemoryRegion> regions = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            long start = GIB + (2L * i + 1) * 16 * MIB;
            regions.add(region(start, start + 16 * MIB, 0));
        }
        regions.add(region(4 * GIB, 12 * GIB, 0));
        return HostConfig.of(regions, HostConfig.cpus(1, 2, Set.of()), Hosts.KEY_IDS);
    }

    /** §5 item 27. */
    @Test
    void exactlyMaxReservedAreasFitAndOneMoreIsEnospcWithEveryPamtFreed() {
        // 15 blocks: a head hole, 14 gaps and a tail hole is 16 areas; the PAMTs lie in [8 GiB, 16 GiB).
        TdmrPlan plan = planned(TdxKernel.plan(holesInOneGib(15)));
        assertEquals(16, plan.tdmrs().get(0).reservedAreas().size());

        HostConfig host = holesInOneGib(16);
        PageAllocator allocator = new PageAllocator(host);
        long free = allocator.freeBytes();
        KernelLog log = new KernelLog(Profile.MAINLINE);
        PlanResult construction = TdmrPlanner.construct(memlistOf(host), memlistOf(host).ranges(),
                ModuleLimits.DEFAULT, PlannerRules.of(Profile.MAINLINE), allocator, log);
        PlanResult.NotPlanned failed = assertInstanceOf(PlanResult.NotPlanned.class, construction);
        assertEquals(Errno.ENOSPC, failed.errno());
        assertEquals(Optional.of(Shortfall.reservedAreas(0, 17, 16)), failed.shortfall());
        assertEquals(List.of("virt/tdx: initialization failed: TDMR [0x40000000, 0x80000000): reserved areas exhausted."),
                log.lines());
        assertEquals(free, allocator.freeBytes());
    }

    private static TdxMemlist memlistOf(HostConfig host) {
        return TdxMemlist.of(host.memblock().stream().map(r -> new TdxMemblock(Math.max(r.start(), MIB), r.end(), r.node()))
                .toList());
    }

    /**
     * The Emerald Rapids host's first TDMR as the kernel left it: the head hole below 1 MiB and the
     * 15 gaps between its 16 low ranges fill the 16 slots, and the tail hole [0x6f800000, 2 GiB) is
     * the 17th area. The second TDMR got its PAMT (since freed) but no areas.
     */
    private static void assertFirstTdmrHoldsSixteenOfSeventeenHoles(PlanResult.NotPlanned result) {
        List<ReservedArea> sixteen = new ArrayList<>(List.of(new ReservedArea(0, MIB)));
        for (int i = 1; i < Hosts.EMR_LOW_RAM.size(); i++) {
            Range gap = new Range(Hosts.EMR_LOW_RAM.get(i - 1).end(), Hosts.EMR_LOW_RAM.get(i).start());
            sixteen.add(new ReservedArea(gap.start(), gap.size()));
        }
        assertEquals(2, result.tdmrs().size());
        Tdmr first = result.tdmrs().get(0);
        assertEquals(new Range(0, 2 * GIB), first.range());
        assertEquals(sixteen, first.reservedAreas());
        Tdmr second = result.tdmrs().get(1);
        assertEquals(new Range(4 * GIB, 0x1080000000L), second.range());
        assertEquals(List.of(), second.reservedAreas());
        assertEquals(Page.alignUp((0x1080000000L - 4 * GIB) >> 12 << 4), second.pamt4k().size());
        assertEquals(Optional.of(Shortfall.reservedAreas(0, 17, 16)), result.shortfall());
        assertEquals(Optional.of("TDMR [0x0, 0x80000000) needs 17 reserved areas, the module takes 16"), result.reason());
    }

    /** §5 item 28. */
    @Test
    void seventeenMemblockHolesInTheFirstTdmrExhaustItsReservedAreas() {
        PlanResult.NotPlanned result = notPlanned(TdxKernel.plan(Hosts.emeraldRapids()));
        assertEquals(Errno.ENOSPC, result.errno());
        assertEquals(List.of("virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted."),
                result.log());
        assertFirstTdmrHoldsSixteenOfSeventeenHoles(result);
    }

    /** §5 item 28 on v7: E2BIG without a message, and the same TDMRs left behind. */
    @Test
    void v7ReturnsE2bigSilentlyWhenReservedAreasRunOut() {
        PlanResult.NotPlanned result = notPlanned(TdxKernel.plan(Hosts.emeraldRapids(), ModuleLimits.DEFAULT,
                KernelOptions.of(Profile.V7), Hosts.EMR_CMRS));
        assertEquals(Errno.E2BIG, result.errno());
        assertEquals(List.of(), result.log());
        assertFirstTdmrHoldsSixteenOfSeventeenHoles(result);
    }

    /** §5 item 30. */
    @Test
    void holesFromTheCmrsLeaveTheFirstTdmrTwoReservedAreas() {
        TdmrPlan plan = planned(TdxKernel.plan(Hosts.emeraldRapids(), ModuleLimits.DEFAULT,
                new KernelOptions(Profile.MAINLINE, HoleSource.CMRS), Hosts.EMR_CMRS));
        assertEquals(List.of(new ReservedArea(0, MIB), new ReservedArea(0x6f800000L, 0x80000000L - 0x6f800000L)),
                plan.tdmrs().get(0).reservedAreas());
    }

    /** §5 item 29: the Granite Rapids report (canonical/tdx#415), the second TDMR out of areas. */
    @Test
    void theFailingTdmrIsNamedWhereverItIs() {
        List<MemoryRegion> regions = new ArrayList<>();
        regions.add(region(MIB, GIB - MIB, 0));
        for (int i = 0; i < 16; i++) {
            long start = GIB + (2L * i + 1) * 16 * MIB;
            regions.add(region(start, start + 16 * MIB, 0));
        }
        regions.add(region(4 * GIB, 8 * GIB, 0));
        PlanResult.NotPlanned result = notPlanned(TdxKernel.plan(HostConfig.of(regions, HostConfig.cpus(1, 2, Set.of()),
                Hosts.KEY_IDS)));
        assertEquals(Errno.ENOSPC, result.errno());
        assertEquals(List.of("virt/tdx: initialization failed: TDMR [0x40000000, 0x80000000): reserved areas exhausted."),
                result.log());
        // Before the failing TDMR, the TDMR is complete; after it, the TDMR has its PAMT and no areas yet.
        assertEquals(List.of(new Range(0, GIB), new Range(GIB, 2 * GIB), new Range(4 * GIB, 8 * GIB)),
                result.tdmrs().stream().map(Tdmr::range).toList());
        assertEquals(List.of(new ReservedArea(0, MIB), new ReservedArea(GIB - MIB, MIB)),
                result.tdmrs().get(0).reservedAreas());
        assertEquals(16, result.tdmrs().get(1).reservedAreas().size());
        assertEquals(List.of(), result.tdmrs().get(2).reservedAreas());
        assertEquals(Optional.of(Shortfall.reservedAreas(1, 17, 16)), result.shortfall());
    }

    /**
     * The kernel adds a TDMR's PAMT areas by TDMR index, not by address, and sorts only once all
     * fit: when they do not, the slots hold the first chunks by index, in that order. Here TDMR 0
     * holds all three chunks, placed downwards, and takes two areas.
     */
    @Test
    void aTdmrOutOfAreasHoldsThePamtsByTdmrIndexUnsorted() {
        TdxMemlist memlist = TdxMemlist.of(List.of(new TdxMemblock(4 * GIB, 8 * GIB, 0),
                new TdxMemblock(8 * GIB, 9 * GIB, 0), new TdxMemblock(10 * GIB, 11 * GIB, 0)));
        PlacedAllocator allocator = new PlacedAllocator(7 * GIB, 6 * GIB, 5 * GIB);
        KernelLog log = new KernelLog(Profile.MAINLINE);
        PlanResult.NotPlanned failed = assertInstanceOf(PlanResult.NotPlanned.class, TdmrPlanner.construct(memlist,
                memlist.ranges(), ModuleLimits.uniform(64, 2, 16), PlannerRules.of(Profile.MAINLINE), allocator, log));
        long pamt4G = (4104 * 4 + 4) * 1024L;
        long pamt1G = (4104 + 4) * 1024L;
        assertEquals(Errno.ENOSPC, failed.errno());
        assertEquals(List.of(new ReservedArea(3 * GIB, pamt4G), new ReservedArea(2 * GIB, pamt1G)),
                failed.tdmrs().get(0).reservedAreas());
        assertEquals(Optional.of(Shortfall.reservedAreas(0, 3, 2)), failed.shortfall());
        assertEquals(List.of(Range.ofSize(7 * GIB, pamt4G), Range.ofSize(6 * GIB, pamt1G), Range.ofSize(5 * GIB, pamt1G)),
                allocator.freed);
    }

    /** §5 item 32: node 0's PAMTs both land in TDMR 1, each its own area. */
    @Test
    void pamtsOfSeveralTdmrsInsideOneTdmrCostOneAreaEach() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(MIB, 2 * GIB, 0), region(4 * GIB, 12 * GIB, 0),
                region(16 * GIB, 20 * GIB, 1))));
        Tdmr second = plan.tdmrs().get(1);
        assertEquals(List.of(new ReservedArea(plan.tdmrs().get(0).pamtChunk().start() - second.base(),
                        plan.tdmrs().get(0).pamtChunk().size()),
                new ReservedArea(second.pamtChunk().start() - second.base(), second.pamtChunk().size())),
                second.reservedAreas());
    }

    /** Hands out the given addresses in order and records what is asked and freed. */
    private static final class PlacedAllocator implements ContigAllocator {
        private final long[] addresses;
        private int next;
        final List<Long> requestedPages = new ArrayList<>();
        final List<Range> freed = new ArrayList<>();

        PlacedAllocator(long... addresses) {
            this.addresses = addresses;
        }

        @Override
        public OptionalLong allocContigPages(long pageCount, int node) {
            requestedPages.add(pageCount);
            return next < addresses.length ? OptionalLong.of(addresses[next++]) : OptionalLong.empty();
        }

        @Override
        public void freeContigRange(long pa, long pageCount) {
            freed.add(Range.ofSize(pa, pageCount << Page.SHIFT));
        }
    }

    private static PlanResult construct(TdxMemlist memlist, ContigAllocator allocator, KernelLog log) {
        return TdmrPlanner.construct(memlist, memlist.ranges(), ModuleLimits.DEFAULT, PlannerRules.of(Profile.MAINLINE),
                allocator, log);
    }

    private static final long PAMT_2G = (4104 * 2 + 4) * 1024L;

    /** §5 item 32, second half: two PAMT chunks back to back still cost two areas. */
    @Test
    void adjacentPamtChunksAreNotMerged() {
        TdxMemlist memlist = TdxMemlist.of(List.of(new TdxMemblock(4 * GIB, 6 * GIB, 0), new TdxMemblock(8 * GIB, 10 * GIB, 0)));
        TdmrPlan plan = planned(construct(memlist, new PlacedAllocator(4 * GIB, 4 * GIB + PAMT_2G),
                new KernelLog(Profile.MAINLINE)));
        assertEquals(List.of(new ReservedArea(0, PAMT_2G), new ReservedArea(PAMT_2G, PAMT_2G)),
                plan.tdmrs().get(0).reservedAreas());
    }

    /** §5 item 33. */
    @Test
    void aPamtChunkStraddlingTwoTdmrsIsClippedIntoEach() {
        TdxMemlist memlist = TdxMemlist.of(List.of(new TdxMemblock(4 * GIB, 6 * GIB, 0), new TdxMemblock(6 * GIB, 8 * GIB, 1)));
        long chunk = 6 * GIB - 4 * MIB;
        TdmrPlan plan = planned(construct(memlist, new PlacedAllocator(chunk, 7 * GIB),
                new KernelLog(Profile.MAINLINE)));
        assertEquals(List.of(new Range(4 * GIB, 6 * GIB), new Range(6 * GIB, 8 * GIB)), tdmrRanges(plan));
        assertEquals(List.of(new ReservedArea(2 * GIB - 4 * MIB, 4 * MIB)), plan.tdmrs().get(0).reservedAreas());
        assertEquals(List.of(new ReservedArea(0, PAMT_2G - 4 * MIB), new ReservedArea(GIB, PAMT_2G)),
                plan.tdmrs().get(1).reservedAreas());
    }

    /** §5 item 34: holes are added first, PAMTs after, and the list comes out by offset. */
    @Test
    void reservedAreasComeOutSortedThoughPamtsAreAddedAfterTheHoles() {
        TdxMemlist memlist = TdxMemlist.of(List.of(new TdxMemblock(4 * GIB, 5 * GIB + 512 * MIB, 0)));
        TdmrPlan plan = planned(construct(memlist, new PlacedAllocator(4 * GIB + 64 * MIB),
                new KernelLog(Profile.MAINLINE)));
        assertEquals(List.of(new ReservedArea(64 * MIB, (4104 * 2 + 4) * 1024L), new ReservedArea(GIB + 512 * MIB, 512 * MIB)),
                plan.tdmrs().get(0).reservedAreas());
    }

    /** §5 item 35. */
    @Test
    void whenAPamtCannotBeAllocatedThePamtsAlreadyAllocatedAreFreedAndItIsEnomem() {
        TdxMemlist memlist = TdxMemlist.of(List.of(new TdxMemblock(4 * GIB, 5 * GIB, 0), new TdxMemblock(6 * GIB, 7 * GIB, 0),
                new TdxMemblock(8 * GIB, 9 * GIB, 0)));
        PlacedAllocator allocator = new PlacedAllocator(4 * GIB, 6 * GIB);
        KernelLog log = new KernelLog(Profile.MAINLINE);
        long chunk = (4104 + 4) * 1024L;
        assertEquals(PlanResult.NotPlanned.of(Errno.ENOMEM, List.of(
                        new Tdmr(4 * GIB, GIB, 4 * GIB, 4096 * 1024L, 8 * 1024L, 4 * 1024L, List.of()),
                        new Tdmr(6 * GIB, GIB, 6 * GIB, 4096 * 1024L, 8 * 1024L, 4 * 1024L, List.of()),
                        new Tdmr(8 * GIB, GIB, 0, 0, 0, 0, List.of())),
                Optional.of(Shortfall.pamtPages(2, chunk / Page.SIZE)), List.of()), construct(memlist, allocator, log));
        assertEquals(List.of(Range.ofSize(4 * GIB, chunk), Range.ofSize(6 * GIB, chunk)), allocator.freed);
        assertEquals(List.of(), log.lines());
    }

    /** §5 item 36: the TDMR's PAMT goes on the node of the first block ending above its base. */
    @Test
    void aPamtGoesOnTheNodeOfTheFirstBlockEndingAboveItsTdmrsBase() {
        TdmrPlan plan = planned(TdxKernel.plan(host(region(4 * GIB, 4 * GIB + 512 * MIB, 1),
                region(4 * GIB + 512 * MIB, 6 * GIB, 0), region(8 * GIB, 10 * GIB, 0))));
        assertEquals(4 * GIB, plan.tdmrs().get(0).pamtChunk().start());
        assertEquals(4 * GIB + 512 * MIB, plan.tdmrs().get(1).pamtChunk().start());
    }

    @Test
    void limitsTheKernelCannotWorkWithAreEinval() {
        // 64 + 16 * 253 = 4112 bytes, rounded to 4608: more than a page.
        assertEquals(Errno.EINVAL, notPlanned(TdxKernel.plan(Hosts.small(), ModuleLimits.uniform(64, 253, 16),
                KernelOptions.DEFAULT, List.of())).errno());
        assertEquals(Errno.EINVAL, notPlanned(TdxKernel.plan(Hosts.small(), ModuleLimits.uniform(0, 16, 16),
                KernelOptions.DEFAULT, List.of())).errno());
        planned(TdxKernel.plan(Hosts.small(), ModuleLimits.uniform(64, 252, 16), KernelOptions.DEFAULT, List.of()));
    }
}
