package org.tdxemu.kernel.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.kernel.init.MainlineInitTest.failed;
import static org.tdxemu.kernel.init.MainlineInitTest.initialized;
import static org.tdxemu.kernel.testing.Hosts.GIB;
import static org.tdxemu.kernel.testing.Hosts.MIB;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.planner.TdxMemblock;
import org.tdxemu.kernel.testing.FakeTdxModule;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.status.StatusCode;

/** The v7 series' tdx_enable() (kernel-init.md §1.2, §1.4 "V7", §2.3, §2.4, §3.1, §4.3 and §6). */
class V7InitTest {

    private static final String BIOS_LINE = "tdx: TDX enabled by BIOS. TDX private KeyID range: [32, 64)";
    private static final String MODULE_LINE = "tdx: TDX module: atributes 0x0, vendor_id 0x8086, major_version 1,"
            + " minor_version 5, build_date 20231008, build_num 698";
    private static final String CMR_LINE = "tdx: Kernel-checked-CMR : [0x100000, 0x80000000)";
    private static final String SHUTDOWN_LINE = "tdx: Failed to initialize TDX module. Shut it down.";
    private static final List<String> SETUP_CALLS = List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1",
            "TDH.SYS.LP.INIT@2", "TDH.SYS.LP.INIT@3", "TDH.SYS.INFO@0");

    private static List<String> shutdownCalls(int cpus) {
        return IntStream.range(0, cpus).mapToObj(cpu -> "TDH.SYS.LP.SHUTDOWN@" + cpu).toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    @Test
    void successPrintsTheModuleTheCheckedCmrsAndThePamtPageCount() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            V7Kernel kernel = machine.v7();
            long free = machine.host().allocator().freeBytes();
            InitResult result = kernel.boot();
            assertEquals(List.of(BIOS_LINE, MODULE_LINE, CMR_LINE, "tdx: 2053 pages allocated for PAMT.",
                    "tdx: TDX module initialized."), initialized(result).log());
            assertEquals(concat(SETUP_CALLS, List.of("TDH.SYS.CONFIG@0", "TDH.SYS.KEY.CONFIG@0", "TDH.SYS.TDMR.INIT@0 x512")),
                    machine.module().callSummary());
            assertEquals(List.of("alloc KERNEL_STATIC", "get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST",
                    "alloc PAMT", "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "wbinvd", "alloc PACKAGE_CPUMASK",
                    "free PACKAGE_CPUMASK", "free TDMR_LIST", "put_online_mems"), Events.summary(machine.host()));
            TdmrPlan plan = result.tdmrPlan().orElseThrow();
            assertEquals(free - plan.pamtBytes() - 4096, machine.host().allocator().freeBytes(),
                    "the TDMR array is freed after init; the PAMTs and the memory list stay");
        }
    }

    @Test
    void sysInfoGetsTheStaticBuffersAndTheCmrArraysSize() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.v7().boot();
            FakeTdxModule.Call info = machine.module().calls(Leaf.TDH_SYS_INFO).get(0);
            assertEquals(0, info.rcx() % 1024);
            assertEquals(1024, info.rdx());
            assertEquals(info.rcx() + 1024, info.r8());
            assertEquals(32, info.r9());
            assertEquals(Events.allocated(machine.host(), AllocationPurpose.KERNEL_STATIC).get(0).start(), info.rcx());
        }
    }

    /** §5 item 4, v7: the global KeyID is picked inside init, again as the first TDX KeyID. */
    @Test
    void theFirstTdxKeyIdProtectsTheModulesMetadata() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            initialized(machine.v7().boot());
            assertEquals(32, machine.module().calls(Leaf.TDH_SYS_CONFIG).get(0).r8());
            assertEquals(0, machine.module().calls(Leaf.TDH_SYS_CONFIG).get(0).r9());
        }
    }

    @Test
    void oneTdxKeyIdDisablesTdx() {
        HostConfig host = Hosts.small().withKeyIdPartitioning(KeyIdPartitioningMsr.of(31, 1));
        try (TestMachine machine = new TestMachine(host, List.of())) {
            InitResult result = machine.v7().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of("tdx: TDX enabled by BIOS. TDX private KeyID range: [32, 33)",
                    "tdx: Disable TDX as there's only one TDX private KeyID available."), result.log());
            assertEquals(List.of(), machine.module().calls());
        }
    }

    @Test
    void xapicModeDisablesTdx() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withX2apicEnabled(false))) {
            InitResult result = machine.v7().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, "tdx: Disable TDX as X2APIC is not enabled."), result.log());
        }
    }

    /** §5 item 1, v7. */
    @Test
    void withoutTheKeyIdMsrTdxEnableIsEnodev() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withoutKeyIdPartitioning())) {
            InitResult result = machine.v7().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(), result.log());
        }
    }

    /** §5 item 48. */
    @Test
    void anOfflineCpuIsEinvalBeforeAnySeamcallAndLeavesTheStateOpenForARetry() {
        HostConfig host = Hosts.small().withCpus(HostConfig.cpus(1, 4, Set.of(3)));
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            V7Kernel kernel = machine.v7();
            assertEquals(Errno.EINVAL, failed(kernel.boot()).errno());
            InitResult again = kernel.tdxEnable();
            assertEquals(Errno.EINVAL, failed(again).errno());
            String offline = "tdx: Unable to initialize the TDX module when there's offline CPU(s).";
            assertEquals(List.of(BIOS_LINE, offline, offline), again.log());
            assertEquals(List.of(), machine.module().calls());
        }
    }

    /** §5 items 49 and 47. */
    @Test
    void anyFailureButEnodevShutsTheModuleDownOnEveryCpuIgnoringErrorsAndIsEfaultForGood() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_TDMR_INIT, 1, StatusCode.TDX_SYS_NOT_READY.value());
            machine.module().failOnCpu(Leaf.TDH_SYS_LP_SHUTDOWN, 1, 1, StatusCode.TDX_SYS_BUSY.value());
            V7Kernel kernel = machine.v7();
            InitResult result = kernel.boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, MODULE_LINE, CMR_LINE, SHUTDOWN_LINE), result.log());
            assertEquals(concat(concat(SETUP_CALLS, List.of("TDH.SYS.CONFIG@0", "TDH.SYS.KEY.CONFIG@0",
                    "TDH.SYS.TDMR.INIT@0")), shutdownCalls(4)), machine.module().callSummary());
            int calls = machine.module().calls().size();
            assertEquals(Errno.EFAULT, failed(kernel.tdxEnable()).errno());
            assertEquals(calls, machine.module().calls().size());
        }
    }

    /** §5 item 53. */
    @Test
    void anLpInitFailureOnAnyCpuIsEfaultAndEveryCpuStillRunsLpInit() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().failOnCpu(Leaf.TDH_SYS_LP_INIT, 2, 1, StatusCode.TDX_SEAMCALL_VMFAILINVALID.value());
            InitResult result = machine.v7().boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, SHUTDOWN_LINE), result.log());
            assertEquals(concat(SETUP_CALLS.subList(0, 5), shutdownCalls(4)), machine.module().callSummary());
        }
    }

    /** §5 items 5 and 47, v7. */
    @Test
    void vmFailInvalidMeansTheModuleIsNotLoadedWithoutShutdownAndEnodevForGood() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_INIT, 1, StatusCode.TDX_SEAMCALL_VMFAILINVALID.value());
            V7Kernel kernel = machine.v7();
            InitResult result = kernel.boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, "tdx: TDX module is not loaded."), result.log());
            assertEquals(List.of("TDH.SYS.INIT@0"), machine.module().callSummary());
            assertEquals(Errno.ENODEV, failed(kernel.tdxEnable()).errno());
            assertEquals(1, machine.module().calls().size());
        }
    }

    /** §5 item 6, v7. */
    @Test
    void generalProtectionWarnsAndCountsAsAMissingModule() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_INIT, 1, StatusCode.TDX_SEAMCALL_GP.value());
            V7Kernel kernel = machine.v7();
            InitResult result = kernel.boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, "tdx: TDX module is not loaded."), result.log());
            assertEquals(List.of("seamcall(): TDX_SEAMCALL_GP"), kernel.log().warnings());
        }
    }

    /** §5 item 7, v7. */
    @Test
    void undefinedOpcodeIsEinvalInsideAndEfaultAfterTheShutdown() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_INIT, 1, StatusCode.TDX_SEAMCALL_UD.value());
            InitResult result = machine.v7().boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(concat(List.of("TDH.SYS.INIT@0"), shutdownCalls(4)), machine.module().callSummary());
        }
    }

    /** §5 item 10, v7: no entropy retry. */
    @Test
    void oneNoEntropyAnswerFailsAtOnce() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_KEY_CONFIG, 1, StatusCode.TDX_RND_NO_ENTROPY.value());
            InitResult result = machine.v7().boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(1, machine.module().calls(Leaf.TDH_SYS_KEY_CONFIG).size());
        }
    }

    /** §5 item 50: the BIOS-CMR list is printed with a count never set; the model takes it as zero. */
    @Test
    void anEmptyFirstCmrIsInvalid() {
        try (TestMachine machine = new TestMachine(Hosts.small(), List.of())) {
            V7Kernel kernel = machine.v7();
            InitResult result = kernel.boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, MODULE_LINE, "tdx: [TDX broken ?]: Invalid CMRs detected", SHUTDOWN_LINE),
                    result.log());
            assertEquals(List.of("trim_empty_cmrs(): CMR 0 empty or not 4K aligned"), kernel.log().warnings());
        }
    }

    /** §5 item 50: a bad later CMR prints every entry the module reported, nulls included. */
    @Test
    void aMisalignedLaterCmrPrintsAllTheBiosCmrs() {
        List<Range> cmrs = List.of(new Range(MIB, 2 * GIB), new Range(4 * GIB + 0x800, 8 * GIB));
        try (TestMachine machine = new TestMachine(Hosts.small(), cmrs)) {
            InitResult result = machine.v7().boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            List<String> expected = new ArrayList<>(List.of(BIOS_LINE, MODULE_LINE, "tdx: [TDX broken ?]: Invalid CMRs detected",
                    "tdx: BIOS-CMR : [0x100000, 0x80000000)", "tdx: BIOS-CMR : [0x100000800, 0x200000000)"));
            for (int i = 2; i < 32; i++) {
                expected.add("tdx: BIOS-CMR : [0x0, 0x0)");
            }
            expected.add(SHUTDOWN_LINE);
            assertEquals(expected, result.log());
        }
    }

    /** §5 item 51. */
    @Test
    void aFailedSysInitDropsAHotplugLockThatWasNeverTaken() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_INIT, 1, StatusCode.TDX_INCORRECT_CPUID_VALUE.value());
            assertEquals(Errno.EFAULT, failed(machine.v7().boot()).errno());
            assertEquals(List.of("alloc KERNEL_STATIC", "put_online_mems"), Events.summary(machine.host()));
        }
    }

    /** §5 item 52. */
    @Test
    void aCmrCountOfZeroOrOneKeepsOnlyTheFirstCmr() {
        for (long reported : new long[] {0, 1}) {
            try (TestMachine machine = new TestMachine(Hosts.small(), List.of(new Range(MIB, 2 * GIB),
                    new Range(4 * GIB, 8 * GIB)))) {
                machine.module().adjust(Leaf.TDH_SYS_INFO, 1, 1, r -> r.set(Gpr.R9, reported));
                V7Kernel kernel = machine.v7();
                InitResult result = kernel.boot();
                assertEquals(List.of(BIOS_LINE, MODULE_LINE, CMR_LINE, "tdx: 2053 pages allocated for PAMT.",
                        "tdx: TDX module initialized."), initialized(result).log());
                assertEquals(List.of(new Range(MIB, 2 * GIB)), kernel.cmrs());
            }
        }
    }

    @Test
    void memoryOutsideTheCmrsIsRefusedAndTheListBuiltSoFarLeaks() {
        HostConfig host = HostConfig.of(List.of(new MemoryRegion(MIB, GIB, 0), new MemoryRegion(GIB, 3 * GIB, 0)),
                Hosts.small().cpus(), Hosts.KEY_IDS);
        try (TestMachine machine = new TestMachine(host, List.of(new Range(MIB, 2 * GIB), new Range(2 * GIB, 3 * GIB)))) {
            V7Kernel kernel = machine.v7();
            long free = machine.host().allocator().freeBytes();
            InitResult result = kernel.boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, MODULE_LINE, "tdx: Kernel-checked-CMR : [0x100000, 0x80000000)",
                    "tdx: Kernel-checked-CMR : [0x80000000, 0xc0000000)",
                    "tdx: Memory region [0x40000000, 0xc0000000) is not TDX convertible memorry.", SHUTDOWN_LINE),
                    result.log());
            assertEquals(List.of("alloc KERNEL_STATIC", "get_online_mems", "alloc TDX_MEMBLOCK", "put_online_mems"),
                    Events.summary(machine.host()));
            assertEquals(List.of(new TdxMemblock(MIB, GIB, 0)), kernel.tdxMemlist());
            assertEquals(free - 4096, machine.host().allocator().freeBytes());
            assertFalse(kernel.memoryGoingOnline(new Range(GIB, 2 * GIB)), "the leaked list still rules hotplug");
        }
    }

    /** §5 item 24, v7. */
    @Test
    void exhaustedTdmrsAreE2bigSilentlyAndEfaultAfterTheShutdown() {
        List<MemoryRegion> regions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            regions.add(new MemoryRegion((4 + 2L * i) * GIB, (5 + 2L * i) * GIB, 0));
        }
        HostConfig host = HostConfig.of(regions, Hosts.small().cpus(), Hosts.KEY_IDS);
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            machine.module().field(SysField.MAX_TDMRS, 4);
            V7Kernel kernel = machine.v7();
            long free = machine.host().allocator().freeBytes();
            InitResult result = kernel.boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            List<String> log = result.log();
            assertEquals(List.of(SHUTDOWN_LINE), log.subList(log.size() - 1, log.size()));
            assertEquals(8, log.size(), "BIOS, module, five checked CMRs, shutdown: nothing about TDMRs");
            assertEquals(free, machine.host().allocator().freeBytes());
        }
    }

    /** §5 item 38, v7: a TDH.SYS.CONFIG failure flushes caches too, and never uses MOVDIR64B. */
    @Test
    void sysConfigFailureFlushesCachesThenFreesPamtsWithoutReset() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withPartialWriteErratum(true))) {
            V7Kernel kernel = machine.v7();
            long free = machine.host().allocator().freeBytes();
            machine.module().fail(Leaf.TDH_SYS_CONFIG, 1, StatusCode.TDX_SYS_CONFIG_NOT_PENDING.value());
            InitResult result = kernel.boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(List.of("alloc KERNEL_STATIC", "get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST",
                    "alloc PAMT", "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "wbinvd", "free PAMT", "free TDMR_LIST",
                    "free TDX_MEMBLOCK", "put_online_mems"), Events.summary(machine.host()));
            assertEquals(free, machine.host().allocator().freeBytes());
        }
    }

    /** §5 item 40, v7. */
    @Test
    void keyConfigFailureOnPackage2Of4IsEfaultAfterFlushAndShutdown() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.smallWithPackages(4).withPartialWriteErratum(true))) {
            machine.module().fail(Leaf.TDH_SYS_KEY_CONFIG, 3, StatusCode.TDX_KEY_GENERATION_FAILED.value());
            InitResult result = machine.v7().boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(List.of(0, 2, 4), machine.module().calls(Leaf.TDH_SYS_KEY_CONFIG).stream()
                    .map(FakeTdxModule.Call::cpu).toList());
            List<String> events = Events.summary(machine.host());
            assertEquals(List.of("wbinvd", "alloc PACKAGE_CPUMASK", "free PACKAGE_CPUMASK", "wbinvd", "free PAMT",
                    "free TDMR_LIST", "free TDX_MEMBLOCK", "put_online_mems"), events.subList(events.size() - 8, events.size()));
            assertEquals(shutdownCalls(8), machine.module().callSummary().subList(
                    machine.module().callSummary().size() - 8, machine.module().callSummary().size()));
        }
    }

    /** §5 item 37, v7. */
    @Test
    void thePointerArrayIsRoundedUpTo512Bytes() {
        assertEquals(512, V7Kernel.tdmrPointerArrayBytes(1));
        assertEquals(512, V7Kernel.tdmrPointerArrayBytes(64));
        assertEquals(1024, V7Kernel.tdmrPointerArrayBytes(65));
        assertEquals(1024, V7Kernel.tdmrPointerArrayBytes(100));
        assertEquals(1536, V7Kernel.tdmrPointerArrayBytes(129));
    }

    @Test
    void moduleLimitsTheKernelCannotUseAreRefusedAfterTheMemoryListIsBuilt() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().field(SysField.MAX_RESERVED_PER_TDMR, 253);
            InitResult result = machine.v7().boot();
            assertEquals(Errno.EFAULT, failed(result).errno());
            assertEquals(List.of("alloc KERNEL_STATIC", "get_online_mems", "alloc TDX_MEMBLOCK", "free TDX_MEMBLOCK",
                    "put_online_mems"), Events.summary(machine.host()));
        }
    }

    /** §5 item 54, v7. */
    @Test
    void afterInitOnlyMemoryInsideOneBlockMayGoOnline() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            V7Kernel kernel = machine.v7();
            assertTrue(kernel.memoryGoingOnline(new Range(4 * GIB, 5 * GIB)));
            initialized(kernel.boot());
            assertTrue(kernel.memoryGoingOnline(new Range(GIB, GIB + 128 * MIB)));
            assertFalse(kernel.memoryGoingOnline(new Range(4 * GIB, 5 * GIB)));
        }
    }
}
