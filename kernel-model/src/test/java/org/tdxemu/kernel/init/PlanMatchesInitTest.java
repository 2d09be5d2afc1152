package org.tdxemu.kernel.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.kernel.testing.Hosts.GIB;
import static org.tdxemu.kernel.testing.Hosts.MIB;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;
import org.tdxemu.seamcall.memory.Range;

/** The plan entry point builds exactly the TDMRs, PAMTs and reserved areas a real init builds. */
class PlanMatchesInitTest {

    private static void assertPlanMatchesInit(HostConfig host, List<Range> cmrs, KernelOptions options) {
        TdmrPlan planned = ((PlanResult.Planned) TdxKernel.plan(host, ModuleLimits.DEFAULT, options, cmrs)).plan();
        try (TestMachine machine = new TestMachine(host, cmrs)) {
            InitResult result = machine.kernel(options).boot();
            assertEquals(planned, MainlineInitTest.initialized(result).plan());
        }
    }

    /** The refcounts come out of the same zones first, so the PAMTs land where init puts them. */
    @Test
    void withDynamicPamt() {
        HostConfig host = Hosts.twoSocket2T();
        List<Range> cmrs = host.memblock().stream().map(MemoryRegion::range).toList();
        KernelOptions options = KernelOptions.of(Profile.DPAMT);
        TdmrPlan planned = ((PlanResult.Planned) TdxKernel.plan(host, ModuleLimits.DEFAULT.withPamtPageBitmap(1),
                options, cmrs)).plan();
        try (TestMachine machine = new TestMachine(host, cmrs)) {
            machine.module().withDynamicPamt();
            assertEquals(planned, MainlineInitTest.initialized(machine.kernel(options).boot()).plan());
        }
    }

    @Test
    void onTheTwoSocketHost() {
        HostConfig host = Hosts.twoSocket2T();
        assertPlanMatchesInit(host, host.memblock().stream().map(MemoryRegion::range).toList(), KernelOptions.DEFAULT);
    }

    @Test
    void withHolesFromTheCmrs() {
        assertPlanMatchesInit(Hosts.emeraldRapids(), Hosts.EMR_CMRS, new KernelOptions(Profile.MAINLINE, HoleSource.CMRS));
    }

    @Test
    void forV7() {
        HostConfig host = Hosts.twoSocket2T();
        assertPlanMatchesInit(host, host.memblock().stream().map(MemoryRegion::range).toList(), KernelOptions.of(Profile.V7));
    }

    /** Small and crowded: the PAMTs must share the zones the kernel's own allocations come from. */
    @Test
    void onASmallHostWithReservedRanges() {
        HostConfig host = HostConfig.of(List.of(new MemoryRegion(MIB, 256 * MIB, 0), new MemoryRegion(GIB, GIB + 64 * MIB, 0),
                new MemoryRegion(2 * GIB, 2 * GIB + 24 * MIB, 1)), HostConfig.cpus(2, 1, java.util.Set.of()), Hosts.KEY_IDS)
                .withReserved(List.of(new Range(16 * MIB, 48 * MIB), new Range(GIB + 60 * MIB, GIB + 64 * MIB)));
        assertPlanMatchesInit(host, host.memblock().stream().map(MemoryRegion::range).toList(), KernelOptions.DEFAULT);
    }
}
