package org.tdxemu.kernel.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.tdxemu.kernel.testing.Hosts.GIB;
import static org.tdxemu.kernel.testing.Hosts.MIB;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.PlannerSetup;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.seamcall.memory.Range;

/** The optimal planner's plans, words and failures on layouts small enough to follow by hand. */
class OptimalPlannerTest {

    private static final KernelOptions OPTIMAL = KernelOptions.DEFAULT.withPlanner(PlannerKind.OPTIMAL);

    private static HostConfig host(MemoryRegion... regions) {
        return HostConfig.of(List.of(regions), HostConfig.cpus(1, 2, Set.of()), Hosts.KEY_IDS);
    }

    private static PlanResult plan(HostConfig host, ModuleLimits limits) {
        return TdxKernel.plan(host, limits, OPTIMAL, List.of());
    }

    /** A host whose memory is {@code count} ranges of 16 MiB, 16 MiB apart, from 1 GiB: {@code count + 1} holes in [1 GiB, 2 GiB). */
    private static HostConfig holesInOneGib(int count) {
        List<MemoryRegion> regions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            regions.add(new MemoryRegion(GIB + 16 * MIB + i * 32 * MIB, GIB + 32 * MIB + i * 32 * MIB, 0));
        }
        regions.add(new MemoryRegion(8 * GIB, 16 * GIB, 0));
        return host(regions.toArray(MemoryRegion[]::new));
    }

    @Test
    void whereTheKernelsPlanFitsItsPamtIsNoLessAndOnlyTheWordsDiffer() {
        PlanResult.Planned kernel = assertInstanceOf(PlanResult.Planned.class, TdxKernel.plan(Hosts.twoSocket2T()));
        PlanResult.Planned optimal = assertInstanceOf(PlanResult.Planned.class, plan(Hosts.twoSocket2T(), ModuleLimits.DEFAULT));
        assertEquals(kernel.plan().tdmrs().stream().map(Tdmr::range).toList(),
                optimal.plan().tdmrs().stream().map(Tdmr::range).toList());
        assertEquals(kernel.plan().pamtKb(), optimal.plan().pamtKb());
        assertEquals(List.of(), kernel.log());
        assertEquals(List.of("virt/tdx: optimal planner: 3 memory blocks in 3 TDMRs"), optimal.log());
    }

    /** The PAMTs of node 0 lie back to back at the bottom of the 8 GiB block: one area, where the kernel spends two. */
    @Test
    void aNodesPamtsLieBackToBackAsOneReservedArea() {
        HostConfig host = host(new MemoryRegion(4 * GIB, 6 * GIB, 0), new MemoryRegion(8 * GIB, 16 * GIB, 0));
        TdmrPlan plan = assertInstanceOf(PlanResult.Planned.class, plan(host, ModuleLimits.DEFAULT)).plan();
        Tdmr first = plan.tdmrs().get(0);
        Tdmr second = plan.tdmrs().get(1);
        assertEquals(first.pamtChunk().end(), second.pamtChunk().start());
        assertEquals(List.of(new ReservedArea(0, first.pamtChunk().size() + second.pamtChunk().size())),
                first.reservedAreas());
    }

    /** A PAMT that touches a hole shares its area: 16 ranges leave 17 holes in one GiB, too many even for a TDMR of its own. */
    @Test
    void aGibWithMoreHolesThanATdmrTakesIsTheReasonAndItsTdmrIsShown() {
        PlanResult.NotPlanned failed = assertInstanceOf(PlanResult.NotPlanned.class, plan(holesInOneGib(16),
                ModuleLimits.DEFAULT));
        assertEquals(Errno.ENOSPC, failed.errno());
        String reason = "the GiB [0x40000000, 0x80000000) alone holds 17 holes, and the module takes 16 reserved areas per TDMR";
        assertEquals(Optional.of(reason), failed.reason());
        assertEquals(Optional.of(Shortfall.reservedAreas(0, 17, 16)), failed.shortfall());
        assertEquals(List.of(new Range(GIB, 2 * GIB)), failed.tdmrs().stream().map(Tdmr::range).toList());
        assertEquals(List.of("virt/tdx: optimal planner: cannot plan: " + reason), failed.log());
        assertInstanceOf(PlanResult.Planned.class, plan(holesInOneGib(15), ModuleLimits.DEFAULT));
    }

    @Test
    void tooFewTdmrsIsTheFewestAnyPlanNeeds() {
        List<MemoryRegion> regions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            regions.add(new MemoryRegion((4 + 3L * i) * GIB, (5 + 3L * i) * GIB, 0));
        }
        PlanResult.NotPlanned failed = assertInstanceOf(PlanResult.NotPlanned.class,
                plan(host(regions.toArray(MemoryRegion[]::new)), ModuleLimits.uniform(2, 1, 16)));
        assertEquals(Optional.of(Shortfall.tdmrs(2, 3, 2)), failed.shortfall());
        assertEquals(3, failed.tdmrs().size());
        assertEquals(Optional.of("needs at least 3 TDMRs, the module takes 2: the memory lies in 6 runs 1 GiB or more apart,"
                + " a TDMR that spans the gap between two must reserve it, and with 1 reserved area per TDMR for those gaps"
                + " and the holes no fewer TDMRs cover it"), failed.reason());
    }

    /** The v7 kernel's errno for a plan that does not fit. */
    @Test
    void underV7ItIsE2big() {
        PlanResult.NotPlanned failed = assertInstanceOf(PlanResult.NotPlanned.class, TdxKernel.plan(holesInOneGib(16),
                ModuleLimits.DEFAULT, KernelOptions.of(Profile.V7).withPlanner(PlannerKind.OPTIMAL),
                List.of(new Range(MIB, 16 * GIB))));
        assertEquals(Errno.E2BIG, failed.errno());
    }

    /** With holes from the CMRs, a CMR's gaps inside a GiB of memory are usable, as for the kernel's planner. */
    @Test
    void holesFromTheCmrsLeaveTheCmrsUsable() {
        HostConfig host = holesInOneGib(16);
        TdmrPlan plan = assertInstanceOf(PlanResult.Planned.class, TdxKernel.plan(host, ModuleLimits.DEFAULT,
                new KernelOptions(Profile.MAINLINE, HoleSource.CMRS, PlannerKind.OPTIMAL),
                List.of(new Range(GIB, 2 * GIB), new Range(8 * GIB, 16 * GIB)))).plan();
        assertEquals(List.of(new Range(GIB, 2 * GIB), new Range(8 * GIB, 16 * GIB)),
                plan.tdmrs().stream().map(Tdmr::range).toList());
        assertEquals(List.of(), plan.tdmrs().get(0).reservedAreas());
    }

    /** An allocation that fails is -ENOMEM, with every PAMT already taken given back. */
    @Test
    void aPamtAllocationThatFailsFreesEveryOtherAndIsEnomem() {
        HostConfig host = host(new MemoryRegion(4 * GIB, 6 * GIB, 0), new MemoryRegion(8 * GIB, 16 * GIB, 1));
        PlannerSetup.Ready ready = (PlannerSetup.Ready) TdxKernel.plannerSetup(host, ModuleLimits.DEFAULT, OPTIMAL, List.of());
        long free = ready.allocator().freeBytes();
        ready.allocator().failAllocation(AllocationPurpose.PAMT, 2);
        PlanResult.NotPlanned failed = assertInstanceOf(PlanResult.NotPlanned.class, ready.plan());
        assertEquals(Errno.ENOMEM, failed.errno());
        assertEquals(free, ready.allocator().freeBytes());
        assertEquals(Shortfall.Resource.PAMT_PAGES, failed.shortfall().orElseThrow().what());
    }
}
