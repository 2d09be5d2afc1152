package org.tdxemu.kernel.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.tdxemu.kernel.testing.Hosts.GIB;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.layout.Layout;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.testing.EmulatedMachine;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.seamcall.memory.Range;

/**
 * The layouts the issue names, where the kernel's planner fails and the optimal one must not: each
 * booted against the emulated module, TDH.SYS.CONFIG, KEY.CONFIG and every TDMR.INIT included.
 */
class OptimalPlannerNamedLayoutsTest {

    private static final KernelOptions OPTIMAL = KernelOptions.DEFAULT.withPlanner(PlannerKind.OPTIMAL);

    private static InitResult boot(HostConfig host, List<Range> cmrs, KernelOptions options) {
        try (EmulatedMachine machine = new EmulatedMachine(host, cmrs, ModuleVersion.V1_5)) {
            return machine.kernel(options).boot();
        }
    }

    /** One CMR over all the memory, gaps included: MCHECK reports at most 32. */
    private static List<Range> oneCmr(HostConfig host) {
        return List.of(new Range(host.memblock().get(0).start(), host.memblock().get(host.memblock().size() - 1).end()));
    }

    /**
     * kernel-init.md §5 item 28: TDMR [0, 2 GiB) would need 17 areas. Cut at 1 GiB, the head hole
     * is alone below it, and the 15 gaps and the tail hole are 16 above it; the PAMTs go back to back
     * at the bottom of the high memory, one area there beside its tail hole.
     */
    @Test
    void emeraldRapidsWithMemblockHoles() {
        Layout emr = Layouts.emeraldRapids();
        InitResult kernel = boot(emr.host(), emr.cmrs(), KernelOptions.DEFAULT);
        assertEquals(Errno.ENOSPC, assertInstanceOf(InitResult.Failed.class, kernel).errno());
        TdmrPlan plan = initialized(boot(emr.host(), emr.cmrs(), OPTIMAL));
        assertEquals(List.of(new Range(0, GIB), new Range(GIB, 2 * GIB), new Range(4 * GIB, 0x1080000000L)),
                plan.tdmrs().stream().map(Tdmr::range).toList());
        assertEquals(List.of(1, 16, 2), plan.tdmrs().stream().map(t -> t.reservedAreas().size()).toList());
        assertEquals((4104 + 4) * 2 + 4104 * 62 + 4, plan.pamtKb());
    }

    /**
     * 60 regions of 4 GiB, 1 GiB apart, on node 0: the kernel puts all 60 PAMTs in the lowest
     * TDMR, 60 areas; back to back they are one.
     */
    @Test
    void sixtyRegionsOnOneNode() {
        List<MemoryRegion> regions = new ArrayList<>();
        for (int k = 0; k < 60; k++) {
            long start = 4 * GIB + k * 5 * GIB;
            regions.add(new MemoryRegion(start, start + 4 * GIB, 0));
        }
        HostConfig host = HostConfig.of(regions, HostConfig.cpus(1, 4, Set.of()), Hosts.KEY_IDS);
        InitResult kernel = boot(host, oneCmr(host), KernelOptions.DEFAULT);
        assertEquals(List.of("virt/tdx: initialization failed: TDMR [0x100000000, 0x200000000): reserved areas exhausted.",
                "virt/tdx: module initialization failed (-28)"), kernel.log().subList(2, 4));
        TdmrPlan plan = initialized(boot(host, oneCmr(host), OPTIMAL));
        assertEquals(60, plan.tdmrs().size());
        assertEquals(1, plan.tdmrs().get(0).reservedAreas().size());
        assertEquals(60 * ((4104 * 4) + 4), plan.pamtKb());
    }

    /**
     * 100 blocks of 1 GiB, 2 GiB apart, for 64 TDMRs: 36 TDMRs span a gap, each 2 GiB more of PAMT
     * and one more area; the kernel runs out of TDMRs.
     */
    @Test
    void aHundredBlocksTwoGibApartIn64Tdmrs() {
        List<MemoryRegion> regions = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            long start = 4 * GIB + k * 3 * GIB;
            regions.add(new MemoryRegion(start, start + GIB, k % 2));
        }
        HostConfig host = HostConfig.of(regions, HostConfig.cpus(2, 2, Set.of()), Hosts.KEY_IDS);
        InitResult kernel = boot(host, oneCmr(host), KernelOptions.DEFAULT);
        assertEquals("virt/tdx: initialization failed: TDMRs exhausted.", kernel.log().get(2));
        TdmrPlan plan = initialized(boot(host, oneCmr(host), OPTIMAL));
        assertEquals(64, plan.tdmrs().size());
        assertEquals((100 + 36 * 2) * 4104 + 64 * 4, plan.pamtKb());
    }

    private static TdmrPlan initialized(InitResult result) {
        return assertInstanceOf(InitResult.Initialized.class, result, result.log()::toString).plan();
    }
}
