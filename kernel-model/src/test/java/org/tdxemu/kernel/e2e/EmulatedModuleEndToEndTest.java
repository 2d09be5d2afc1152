package org.tdxemu.kernel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.testing.EmulatedMachine;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.seamcall.memory.Range;

/**
 * The kernel model against the real emulated module, every SEAMCALL included (all TDMR.INIT calls):
 * the hosts the kernel-model issue names.
 */
class EmulatedModuleEndToEndTest {

    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;

    /** The module agrees: READY, every TDMR of the plan configured and initialized to its end. */
    private static void assertModuleInitialized(EmulatedMachine machine, TdmrPlan plan) {
        ModuleStatus status = machine.module().status();
        assertEquals(SysState.SYS_READY, status.state());
        List<Range> configured = new ArrayList<>();
        for (ModuleStatus.TdmrProgress t : status.tdmrs()) {
            assertTrue(t.isComplete(), "TDMR " + Range.ofSize(t.base(), t.size()) + " initialized to its end");
            configured.add(Range.ofSize(t.base(), t.size()));
        }
        assertEquals(plan.tdmrs().stream().map(t -> Range.ofSize(t.base(), t.size())).toList(), configured);
        assertEquals(List.of(), machine.module().internalErrors());
    }

    @Test
    void onePackage256GibHostInitializes() {
        HostConfig config = HostConfig.of(List.of(new MemoryRegion(0x100000L, 0x80000000L, 0),
                new MemoryRegion(4 * GIB, 258 * GIB, 0)), HostConfig.cpus(1, 8, Set.of()), Hosts.KEY_IDS);
        try (EmulatedMachine machine = EmulatedMachine.withCmrsAsMemory(config)) {
            InitResult result = machine.kernel(KernelOptions.DEFAULT).boot();
            assertInstanceOf(InitResult.Initialized.class, result, () -> String.join("\n", result.log()));
            // Two TDMRs, [0, 2G) and [4G, 258G): 4104 KiB per GiB plus 4 KiB each (kernel-init.md §3.4).
            assertEquals(4104L * 256 + 2 * 4, result.pamtKb());
            assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                    "virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.",
                    "virt/tdx: 1050632 KB allocated for PAMT", "virt/tdx: module initialized"), result.log());
            assertModuleInitialized(machine, result.tdmrPlan().orElseThrow());
        }
    }

    @Test
    void twoPackageHostAllocatesWhatTheRealKernelPrinted() {
        HostConfig config = Hosts.twoSocket2T();
        try (EmulatedMachine machine = EmulatedMachine.withCmrsAsMemory(config)) {
            InitResult result = machine.kernel(KernelOptions.DEFAULT).boot();
            assertInstanceOf(InitResult.Initialized.class, result, () -> String.join("\n", result.log()));
            assertTrue(result.log().contains("virt/tdx: 8396820 KB allocated for PAMT"), result.log().toString());
            assertEquals("virt/tdx: module initialized", result.log().get(result.log().size() - 1));
            assertModuleInitialized(machine, result.tdmrPlan().orElseThrow());
        }
    }

    @Test
    void twoPackageHostInitializesUnderV7Too() {
        try (EmulatedMachine machine = EmulatedMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            InitResult result = machine.kernel(KernelOptions.of(Profile.V7)).boot();
            assertInstanceOf(InitResult.Initialized.class, result, () -> String.join("\n", result.log()));
            assertEquals("tdx: TDX module initialized.", result.log().get(result.log().size() - 1));
            assertModuleInitialized(machine, result.tdmrPlan().orElseThrow());
        }
    }

    @Test
    void eightPackage32TibHostInitializes() {
        List<MemoryRegion> regions = new ArrayList<>();
        regions.add(new MemoryRegion(0x100000L, 0x80000000L, 0));
        for (int node = 0; node < 8; node++) {
            long start = node == 0 ? 4 * GIB : node * 4 * TIB;
            regions.add(new MemoryRegion(start, (node + 1) * 4 * TIB, node));
        }
        HostConfig config = HostConfig.of(regions, HostConfig.cpus(8, 4, Set.of()), Hosts.KEY_IDS);
        try (EmulatedMachine machine = EmulatedMachine.withCmrsAsMemory(config)) {
            InitResult result = machine.kernel(KernelOptions.DEFAULT).boot();
            assertInstanceOf(InitResult.Initialized.class, result, () -> String.join("\n", result.log()));
            TdmrPlan plan = result.tdmrPlan().orElseThrow();
            assertEquals(9, plan.tdmrs().size());
            for (Tdmr tdmr : plan.tdmrs().subList(1, 9)) {
                int node = (int) (tdmr.pamtChunk().start() / (4 * TIB));
                assertEquals(node, (int) (tdmr.base() / (4 * TIB)), "each TDMR's PAMT on its own node");
            }
            assertModuleInitialized(machine, plan);
        }
    }

    @Test
    void seventeenMemblockHolesFailButCmrHolesInitialize() {
        try (EmulatedMachine machine = new EmulatedMachine(Hosts.emeraldRapids(), Hosts.EMR_CMRS, ModuleVersion.V1_5)) {
            InitResult result = machine.kernel(KernelOptions.DEFAULT).boot();
            assertEquals(Errno.ENOSPC, assertInstanceOf(InitResult.Failed.class, result).errno());
            assertTrue(result.log().contains(
                    "virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted."), result.log().toString());
            assertEquals("virt/tdx: module initialization failed (-28)", result.log().get(result.log().size() - 1));
            assertEquals(SysState.SYSINIT_DONE, machine.module().state(), "CONFIG was never called");
        }
        try (EmulatedMachine machine = new EmulatedMachine(Hosts.emeraldRapids(), Hosts.EMR_CMRS, ModuleVersion.V1_5)) {
            InitResult result = machine.kernel(new KernelOptions(Profile.MAINLINE, HoleSource.CMRS)).boot();
            assertInstanceOf(InitResult.Initialized.class, result, () -> String.join("\n", result.log()));
            assertModuleInitialized(machine, result.tdmrPlan().orElseThrow());
        }
    }
}
