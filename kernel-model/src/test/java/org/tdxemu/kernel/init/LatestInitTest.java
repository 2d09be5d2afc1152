package org.tdxemu.kernel.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tdxemu.kernel.init.MainlineInitTest.BIOS_LINE;
import static org.tdxemu.kernel.init.MainlineInitTest.METADATA_READS;
import static org.tdxemu.kernel.init.MainlineInitTest.S3_LINE;
import static org.tdxemu.kernel.init.MainlineInitTest.failed;
import static org.tdxemu.kernel.init.MainlineInitTest.initialized;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.testing.EmulatedMachine;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Today's mainline (kernel-init.md's LATEST, §1.3 "Preconditions", step C, step K, §1.4): the
 * initcall tdx_enable() with its VMX references, the module version line, the new wording, and TDX
 * staying off after a failure with every CPU's references given back.
 */
class LatestInitTest {

    static final String VERSION_LINE = "virt/tdx: Module version: 1.5.05";
    static final String INITIALIZED = "virt/tdx: TDX-Module initialized";
    /** The version group, then what Linux 6.18 reads. */
    static final int LATEST_METADATA_READS = 3 + METADATA_READS;

    private static final List<String> CPUS_UP = List.of("vmx get 0", "vmx get 1", "vmx get 2", "vmx get 3");
    private static final List<String> CPUS_DOWN = List.of("wbinvd 0", "vmx put 0", "wbinvd 1", "vmx put 1",
            "wbinvd 2", "vmx put 2", "wbinvd 3", "vmx put 3");

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    @Test
    void successPrintsTheModuleVersionThenThePamtThenTdxModuleInitialized() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            LatestKernel kernel = machine.latest();
            InitResult result = kernel.boot();
            assertEquals(List.of(BIOS_LINE, S3_LINE, VERSION_LINE, "virt/tdx: 8212 KB allocated for PAMT", INITIALIZED),
                    initialized(result).log());
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1", "TDH.SYS.LP.INIT@2",
                    "TDH.SYS.LP.INIT@3", "TDH.SYS.RD@0 x" + LATEST_METADATA_READS, "TDH.SYS.CONFIG@0",
                    "TDH.SYS.KEY.CONFIG@0", "TDH.SYS.TDMR.INIT@0 x512"), machine.module().callSummary());
            assertEquals(concat(CPUS_UP, List.of("get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST",
                    "alloc PAMT", "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "alloc PACKAGE_CPUMASK", "wbinvd",
                    "free PACKAGE_CPUMASK", "put_online_mems")), Events.summary(machine.host()));
            assertEquals(Map.of(0, 1, 1, 1, 2, 1, 3, 1), machine.host().vmxReferences(), "TDX keeps VMX on");
            assertEquals(new TdxSysInfo.Version(1, 5, 5), kernel.sysinfo().orElseThrow().version());
        }
    }

    @Test
    void theTwoSocketHostAgainstTheEmulatedModule() {
        try (EmulatedMachine machine = EmulatedMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            InitResult result = machine.kernel(KernelOptions.of(Profile.LATEST)).boot();
            assertEquals(List.of(BIOS_LINE, S3_LINE, VERSION_LINE, "virt/tdx: 8396820 KB allocated for PAMT",
                    INITIALIZED), initialized(result).log());
            assertEquals(8, machine.host().vmxReferences().size(), "a reference on each of its 8 CPUs");
        }
    }

    /** §1.3 "Preconditions" item 1: without X86_FEATURE_TDX_HOST_PLATFORM nothing else is tried. */
    @Test
    void aHostWithoutTdxKeyIdsSaysTdxIsNotSupported() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small()
                .withKeyIdPartitioning(KeyIdPartitioningMsr.of(31, 1)))) {
            InitResult result = machine.latest().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 33)",
                    "virt/tdx: initialization failed: too few private KeyIDs available.",
                    "virt/tdx: TDX not supported by the host platform"), result.log());
            assertEquals(List.of(), machine.module().calls());
            assertEquals(List.of(), Events.summary(machine.host()));
        }
    }

    /** §1.3: one failing CPU fails the hotplug setup; its error comes back as is, with no "initialization failed". */
    @Test
    void anLpInitFailureTakesEveryCpuBroughtUpDownAgainAndSaysNothingMore() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().failOnCpu(Leaf.TDH_SYS_LP_INIT, 2, 1, StatusCode.TDX_SYS_BUSY.value());
            InitResult result = machine.latest().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000023) failed: 0x8000020200000000"),
                    result.log());
            assertEquals(List.of("vmx get 0", "vmx get 1", "vmx get 2", "wbinvd 0", "vmx put 0", "wbinvd 1", "vmx put 1",
                    "wbinvd 2", "vmx put 2"), Events.summary(machine.host()));
            assertEquals(Map.of(), machine.host().vmxReferences());
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1", "TDH.SYS.LP.INIT@2"),
                    machine.module().callSummary());
        }
    }

    @Test
    void aModuleThatIsNotLoadedIsSaidSo() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_INIT, 1, StatusCode.TDX_SEAMCALL_VMFAILINVALID.value());
            InitResult result = machine.latest().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module not loaded"), result.log());
            assertEquals(List.of("vmx get 0", "wbinvd 0", "vmx put 0"), Events.summary(machine.host()));
        }
    }

    /** §5 item 18: the version line comes even when the version could not be read. */
    @Test
    void aFailedVersionReadPrintsVersionZeroThenTheFailure() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_RD, 1, StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value());
            InitResult result = machine.latest().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc0000c0000000000",
                    "virt/tdx: RCX 0x0000000000000000 RDX 0x0800000100000003 R08 0x0000000000000000",
                    "virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000",
                    "virt/tdx: Module version: 0.0.00", "virt/tdx: TDX-Module initialization failed (-5)"), result.log());
            assertEquals(1, machine.module().calls(Leaf.TDH_SYS_RD).size(), "the first failure stops the read");
            assertEquals(concat(CPUS_UP, CPUS_DOWN), Events.summary(machine.host()));
            assertEquals(Map.of(), machine.host().vmxReferences());
        }
    }

    /** §1.3 "Error unwinding" as in 6.18, then §1.3 step K item 4: the hotplug state is removed. */
    @Test
    void aKeyConfigFailureUnwindsAsBeforeThenTakesEveryCpuDown() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            long free = machine.host().allocator().freeBytes();
            machine.module().fail(Leaf.TDH_SYS_KEY_CONFIG, 1, StatusCode.TDX_KEY_GENERATION_FAILED.value());
            LatestKernel kernel = machine.latest();
            InitResult result = kernel.boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, VERSION_LINE,
                    "virt/tdx: SEAMCALL (0x000000000000001f) failed: 0x8000080000000000",
                    "virt/tdx: TDX-Module initialization failed (-5)"), result.log());
            assertEquals(concat(concat(CPUS_UP, List.of("get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST",
                    "alloc PAMT", "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "alloc PACKAGE_CPUMASK", "wbinvd",
                    "free PACKAGE_CPUMASK", "wbinvd", "free PAMT", "free TDMR_LIST", "free TDX_MEMBLOCK",
                    "put_online_mems")), CPUS_DOWN), Events.summary(machine.host()));
            assertEquals(free, machine.host().allocator().freeBytes());
            assertEquals(Optional.empty(), kernel.sysinfo(), "TDX stays off");
        }
    }

    @Test
    void tdxEnableIsAnInitcallThatRunsOnce() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            LatestKernel kernel = machine.latest();
            initialized(kernel.boot());
            assertThrows(IllegalStateException.class, kernel::tdxEnable);
        }
    }

    @Test
    void aSeamcallOnACpuWithoutVmxIsABugOfTheModelNotAnAnswer() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            LatestKernel kernel = machine.latest();
            kernel.earlyInit();
            assertThrows(IllegalStateException.class, () -> kernel.tdxCpuEnable(1));
        }
    }
}
