package org.tdxemu.kernel.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.kernel.testing.Hosts.GIB;
import static org.tdxemu.kernel.testing.Hosts.MIB;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.Allocation;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.testing.FakeTdxModule;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.status.StatusCode;

/** Linux 6.18's tdx_init(), tdx_cpu_enable() and tdx_enable() on their way to success, and their early exits. */
class MainlineInitTest {

    static final String BIOS_LINE = "virt/tdx: BIOS enabled: private KeyID range [32, 64)";
    static final String S3_LINE = "virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.";
    /** TDX_FEATURES0, the TDMR group, the TD control group, the TD configurability group with 2 CPUID configs. */
    static final int METADATA_READS = 1 + 5 + 3 + 6 + 2 + 4;

    static InitResult.Failed failed(InitResult result) {
        return assertInstanceOf(InitResult.Failed.class, result, () -> result.log().toString());
    }

    static InitResult.Initialized initialized(InitResult result) {
        return assertInstanceOf(InitResult.Initialized.class, result, () -> result.log().toString());
    }

    /** §5 item 56. */
    @Test
    void successPrintsThePamtSizeThenModuleInitialized() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            InitResult result = machine.mainline().boot();
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: 8212 KB allocated for PAMT", "virt/tdx: module initialized"),
                    initialized(result).log());
            assertEquals(8212, result.pamtKb());
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1", "TDH.SYS.LP.INIT@2",
                    "TDH.SYS.LP.INIT@3", "TDH.SYS.RD@0 x" + METADATA_READS, "TDH.SYS.CONFIG@0", "TDH.SYS.KEY.CONFIG@0",
                    "TDH.SYS.TDMR.INIT@0 x512"), machine.module().callSummary());
            assertEquals(List.of("get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST", "alloc PAMT",
                    "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "alloc PACKAGE_CPUMASK", "wbinvd", "free PACKAGE_CPUMASK",
                    "put_online_mems"), Events.summary(machine.host()));
        }
    }

    @Test
    void theTwoSocketHostPrints8396820KbAndKeepsExactlyThePlannedPamts() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            long freeAtBoot = machine.host().allocator().freeBytes();
            InitResult result = machine.mainline().boot();
            assertTrue(initialized(result).log().contains("virt/tdx: 8396820 KB allocated for PAMT"));
            TdmrPlan plan = result.tdmrPlan().orElseThrow();
            List<Range> kept = machine.host().allocator().allocations().stream()
                    .filter(a -> a.purpose() == AllocationPurpose.PAMT).map(Allocation::range).toList();
            assertEquals(plan.tdmrs().stream().map(Tdmr::pamtChunk).sorted().toList(), kept);
            long tdmrList = 64 * 512;
            long memlistSlab = 4096;
            assertEquals(freeAtBoot - plan.pamtBytes() - tdmrList - memlistSlab, machine.host().allocator().freeBytes());
        }
    }

    @Test
    void tdmrInfoEntriesSitAt512ByteStridesAndThePointerArrayNamesThem() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            List<Long> pointers = new ArrayList<>();
            machine.module().adjust(Leaf.TDH_SYS_CONFIG, 1, 1, r -> {
                for (int i = 0; i < r.rdx(); i++) {
                    pointers.add(TdmrPointerArray.at(machine.memory(), r.rcx()).get(i));
                }
            });
            TdmrPlan plan = machine.mainline().boot().tdmrPlan().orElseThrow();
            Range list = Events.allocated(machine.host(), AllocationPurpose.TDMR_LIST).get(0);
            assertEquals(64 * 512, list.size());
            assertEquals(0, list.start() % 4096);
            assertEquals(3, pointers.size());
            for (int i = 0; i < plan.tdmrs().size(); i++) {
                long entry = list.start() + i * 512L;
                assertEquals(entry, pointers.get(i));
                TdmrInfo info = TdmrInfo.at(machine.memory(), entry);
                Tdmr tdmr = plan.tdmrs().get(i);
                assertEquals(tdmr.base(), info.base());
                assertEquals(tdmr.size(), info.size());
                for (PageSize pageSize : PageSize.values()) {
                    assertEquals(tdmr.pamt(pageSize).start(), info.pamtBase(pageSize));
                    assertEquals(tdmr.pamt(pageSize).size(), info.pamtSize(pageSize));
                }
                List<ReservedArea> written = new ArrayList<>();
                for (int j = 0; j < 16 && info.reservedSize(j) != 0; j++) {
                    written.add(new ReservedArea(info.reservedOffset(j), info.reservedSize(j)));
                }
                assertEquals(tdmr.reservedAreas(), written);
            }
            for (long b : machine.memory().read(list.start() + 3 * 512L, 61 * 512)) {
                assertEquals(0, b, "unused entries stay zero");
            }
        }
    }

    /** §5 item 55. */
    @Test
    void aSecondTdxEnableAfterSuccessReturnsAtOnce() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            MainlineKernel kernel = machine.mainline();
            TdmrPlan plan = kernel.boot().tdmrPlan().orElseThrow();
            int calls = machine.module().calls().size();
            InitResult again = kernel.tdxEnable();
            assertEquals(plan, initialized(again).plan());
            assertEquals(calls, machine.module().calls().size());
            assertEquals(4, again.log().size());
        }
    }

    /** §5 item 4. */
    @Test
    void theFirstTdxKeyIdIsTheGlobalOneAndTheRestAreForGuests() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            MainlineKernel kernel = machine.mainline();
            kernel.boot();
            assertEquals(Optional.of(new MainlineKernel.KeyIds(32, 33, 31)), kernel.keyIds());
            assertEquals(32, machine.module().calls(Leaf.TDH_SYS_CONFIG).get(0).r8());
        }
    }

    @Test
    void sysinfoIsExportedOnlyOnceTheModuleIsInitialized() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            MainlineKernel kernel = machine.mainline();
            assertEquals(Optional.empty(), kernel.sysinfo());
            kernel.boot();
            TdxSysInfo sysinfo = kernel.sysinfo().orElseThrow();
            assertEquals(0x1F0EBFL, sysinfo.tdxFeatures0());
            assertEquals(576, sysinfo.tdConfigurability().maxVcpusPerTd());
            assertEquals(List.of(0x7L, 0x7L | 1L << 32), sysinfo.tdConfigurability().cpuidConfigLeaves());
            assertEquals(new TdxSysInfo.CpuidConfigValue(0x1001, 0x2001), sysinfo.tdConfigurability().cpuidConfigValues().get(1));
            assertEquals(List.of(), sysinfo.cmrs());
        }
    }

    /** §5 item 1. */
    @Test
    void aFaultingKeyIdMsrMeansNoTdxSilentlyAndTdxEnableIsEnodev() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withoutKeyIdPartitioning())) {
            MainlineKernel kernel = machine.mainline();
            assertEquals(Errno.ENODEV, failed(kernel.boot()).errno());
            assertEquals(Errno.ENODEV, failed(kernel.tdxEnable()).errno());
            assertEquals(List.of(), kernel.log().lines());
            assertEquals(List.of(), machine.module().calls());
        }
    }

    /** §5 item 1. */
    @Test
    void zeroTdxKeyIdsMeansNoTdxSilently() {
        HostConfig host = Hosts.small().withKeyIdPartitioning(KeyIdPartitioningMsr.of(63, 0));
        try (TestMachine machine = new TestMachine(host, List.of())) {
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(), result.log());
        }
    }

    /** §5 item 2. */
    @Test
    void oneTdxKeyIdIsTooFew() {
        HostConfig host = Hosts.small().withKeyIdPartitioning(KeyIdPartitioningMsr.of(31, 1));
        try (TestMachine machine = new TestMachine(host, List.of())) {
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 33)",
                    "virt/tdx: initialization failed: too few private KeyIDs available."), result.log());
            assertEquals(List.of(), machine.module().calls());
        }
    }

    /** §5 item 3. */
    @Test
    void availableHibernationKeepsTdxOff() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withHibernationAvailable(true))) {
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, "virt/tdx: initialization failed: Hibernation support is enabled"), result.log());
        }
    }

    @Test
    void withoutAcpiSuspendThereIsNoS3Line() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withAcpiSuspend(false))) {
            assertEquals(List.of(BIOS_LINE, "virt/tdx: 8212 KB allocated for PAMT", "virt/tdx: module initialized"),
                    machine.mainline().boot().log());
        }
    }

    /** §5 item 8. */
    @Test
    void aFailedSysInitIsCachedForEveryCpuAndNeverReissued() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_INIT, 1, StatusCode.TDX_INCORRECT_CPUID_VALUE.value());
            MainlineKernel kernel = machine.mainline();
            InitResult result = kernel.boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000021) failed: 0xc000090000000000"),
                    result.log());
            assertEquals(Optional.of(Errno.EIO), kernel.tdxCpuEnable(1));
            assertEquals(Optional.of(Errno.EIO), kernel.tdxCpuEnable(2));
            assertEquals(List.of("TDH.SYS.INIT@0"), machine.module().callSummary());
            assertEquals(3, kernel.log().lines().size());
        }
    }

    /** §5 item 5: only TDH.SYS.INIT says the module is missing. */
    @Test
    void vmFailInvalidOnSysInitIsEnodevAndModuleNotLoaded() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_INIT, 1, StatusCode.TDX_SEAMCALL_VMFAILINVALID.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module not loaded"), result.log());
        }
    }

    /** §5 item 5. */
    @Test
    void vmFailInvalidOnAnyOtherLeafIsEnodevWithoutAWord() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_RD, 1, StatusCode.TDX_SEAMCALL_VMFAILINVALID.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENODEV, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module initialization failed (-19)"), result.log());
        }
    }

    /** §5 item 6. */
    @Test
    void generalProtectionOnASeamcallIsEopnotsupp() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_RD, 1, StatusCode.TDX_SEAMCALL_GP.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EOPNOTSUPP, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module initialization failed (-95)"), result.log());
        }
    }

    /** §5 item 7. */
    @Test
    void undefinedOpcodeOnASeamcallIsEacces() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_LP_INIT, 1, StatusCode.TDX_SEAMCALL_UD.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EACCES, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE), result.log());
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0"), machine.module().callSummary());
        }
    }

    /** §5 item 9. */
    @Test
    void aFailedLpInitLeavesItsCpuUninitializedAndARetryReissuesIt() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            long inconsistentMsr = StatusCode.TDX_INCONSISTENT_MSR.value() | 0x122;
            machine.module().failOnCpu(Leaf.TDH_SYS_LP_INIT, 2, 1, inconsistentMsr);
            MainlineKernel kernel = machine.mainline();
            InitResult result = kernel.boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000023) failed: 0xc000092000000122"),
                    result.log());
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1", "TDH.SYS.LP.INIT@2"),
                    machine.module().callSummary());
            assertEquals(Optional.empty(), kernel.tdxCpuEnable(0));
            assertEquals(Optional.empty(), kernel.tdxCpuEnable(2));
            assertEquals(Optional.empty(), kernel.tdxCpuEnable(3));
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1", "TDH.SYS.LP.INIT@2 x2",
                    "TDH.SYS.LP.INIT@3"), machine.module().callSummary());
            initialized(kernel.tdxEnable());
        }
    }

    /** §5 item 10. */
    @Test
    void nineNoEntropyAnswersThenSuccessSucceedsOnTheTenthCall() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().failRepeatedly(Leaf.TDH_SYS_KEY_CONFIG, 1, 9, StatusCode.TDX_RND_NO_ENTROPY.value());
            InitResult result = machine.mainline().boot();
            initialized(result);
            assertEquals(10, machine.module().calls(Leaf.TDH_SYS_KEY_CONFIG).size());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: 8212 KB allocated for PAMT", "virt/tdx: module initialized"),
                    result.log());
        }
    }

    /** §5 item 11. */
    @Test
    void tenNoEntropyAnswersAreEioAfterExactlyTenCallsWithTheLastStatusPrinted() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().failRepeatedly(Leaf.TDH_SYS_INIT, 1, 10, StatusCode.TDX_RND_NO_ENTROPY.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(10, machine.module().calls(Leaf.TDH_SYS_INIT).size());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000021) failed: 0x8000020300000000"),
                    result.log());
        }
    }

    /**
     * sc_retry() hands the register-dumping variant the same argument block each time, and that
     * variant copies the outputs back: a retry sends what the failed attempt returned.
     */
    @Test
    void aRetriedRegisterDumpingCallSendsTheRegistersTheFailedAttemptReturned() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().answer(Leaf.TDH_SYS_RD, 1, StatusCode.TDX_RND_NO_ENTROPY.value(), r -> r.set(Gpr.RDX, -1L));
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            List<FakeTdxModule.Call> reads = machine.module().calls(Leaf.TDH_SYS_RD);
            assertEquals(SysField.TDX_FEATURES0.id().raw(), reads.get(0).rdx());
            assertEquals(-1L, reads.get(1).rdx());
            // The null field ID gets TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT from a real module; the fake refuses it.
            assertEquals(StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value(), reads.get(1).status());
        }
    }

    /** §5 item 12. */
    @Test
    void aWarningStatusWithBit63ClearIsStillEio() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_TDMR_INIT, 1, StatusCode.TDX_TDMR_ALREADY_INITIALIZED.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000024) failed: 0x00000a0300000000",
                    "virt/tdx: RCX 0x0000000000000000 RDX 0x0000000000000000 R08 0x0000000000000000",
                    "virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
        }
    }

    /** §5 item 13: a TDX 1.0 module knows no TDH.SYS.RD and answers TDX_SYS_NOT_READY, registers untouched. */
    @Test
    void sysNotReadyFromTheFirstMetadataReadFailsWithARegisterDump() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().fail(Leaf.TDH_SYS_RD, 1, StatusCode.TDX_SYS_NOT_READY.value());
            MainlineKernel kernel = machine.mainline();
            InitResult result = kernel.boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc000050500000000",
                    "virt/tdx: RCX 0x0000000000000000 RDX 0x0a00000300000008 R08 0x0000000000000000",
                    "virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
            assertEquals(List.of(), machine.host().events());
            assertEquals(Errno.EINVAL, failed(kernel.tdxEnable()).errno());
        }
    }

    /** §5 item 14: a 1.5.01 module has no MAX_VCPUS_PER_TD, which Linux 6.16 and later read. */
    @Test
    void anUnreadableTdConfigurabilityFieldFailsInit() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().withoutField(SysField.MAX_VCPUS_PER_TD);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc0000c0000000000",
                    "virt/tdx: RCX 0x0000000000000000 RDX 0xffffffffffffffff R08 0x0000000000000000",
                    "virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
            assertEquals(1 + 5 + 3 + 6, machine.module().calls(Leaf.TDH_SYS_RD).size());
        }
    }

    /** §5 item 16. */
    @Test
    void moreThan128CpuidConfigsIsEinvalWithoutReadingTheLeaves() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().field(SysField.NUM_CPUID_CONFIG, 129);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EINVAL, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module initialization failed (-22)"), result.log());
            assertEquals(1 + 5 + 3 + 6, machine.module().calls(Leaf.TDH_SYS_RD).size());
        }
    }

    @Test
    void exactly128CpuidConfigsAreRead() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().cpuidConfigs(128);
            initialized(machine.mainline().boot());
            assertEquals(1 + 5 + 3 + 6 + 128 + 256, machine.module().calls(Leaf.TDH_SYS_RD).size());
        }
    }

    /** §5 item 17. */
    @Test
    void aModuleWithoutNoRbpModIsEinvalBeforeAnythingIsAllocated() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().field(SysField.TDX_FEATURES0, 0x1F0EBFL & ~(1L << 18));
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EINVAL, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE,
                    "virt/tdx: frame pointer (RBP) clobber bug present, upgrade TDX module",
                    "virt/tdx: module initialization failed (-22)"), result.log());
            assertEquals(List.of(), machine.host().events());
        }
    }

    @Test
    void moduleLimitsTheKernelCannotUseAreRefusedWhereTheyAreRead() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().field(SysField.MAX_RESERVED_PER_TDMR, 253);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EINVAL, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module initialization failed (-22)"), result.log());
            assertEquals(List.of(), machine.host().events());
        }
    }

    /** §5 item 42. */
    @Test
    void tdmrInitIsAlwaysGivenTheBaseUntilRdxReachesTheEnd() {
        HostConfig host = HostConfig.of(List.of(new org.tdxemu.kernel.host.MemoryRegion(MIB, 2 * GIB, 0),
                new org.tdxemu.kernel.host.MemoryRegion(4 * GIB, 5 * GIB, 0)), Hosts.small().cpus(), Hosts.KEY_IDS);
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            initialized(machine.mainline().boot());
            List<FakeTdxModule.Call> calls = machine.module().calls(Leaf.TDH_SYS_TDMR_INIT);
            assertEquals(512 + 256, calls.size());
            for (int i = 0; i < 512; i++) {
                assertEquals(0, calls.get(i).rcx());
                assertEquals(i < 255 ? 0 : i < 511 ? GIB : 2 * GIB, calls.get(i).rdxOut(), "call " + i);
            }
            for (int i = 512; i < 768; i++) {
                assertEquals(4 * GIB, calls.get(i).rcx());
            }
            assertEquals(5 * GIB, calls.get(767).rdxOut());
        }
    }

    /** §5 item 43: no bound on the calls; the kernel keeps asking while RDX stays below the end. */
    @Test
    void tdmrInitKeepsBeingCalledWhileTheModuleDoesNotAdvance() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().failRepeatedly(Leaf.TDH_SYS_TDMR_INIT, 1, 1000, StatusCode.TDX_SUCCESS.value());
            initialized(machine.mainline().boot());
            assertEquals(1000 + 512, machine.module().calls(Leaf.TDH_SYS_TDMR_INIT).size());
        }
    }

    /** §5 item 44: RDX is compared unsigned, so an address past the end, however large, ends the loop. */
    @Test
    void rdxBeyondTheTdmrsEndEndsItsLoop() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().answer(Leaf.TDH_SYS_TDMR_INIT, 1, StatusCode.TDX_SUCCESS.value(), r -> r.set(Gpr.RDX, -GIB));
            initialized(machine.mainline().boot());
            assertEquals(1, machine.module().calls(Leaf.TDH_SYS_TDMR_INIT).size());
        }
    }

    /** §5 item 37. */
    @Test
    void thePointerArrayIsAPowerOfTwoOf512BytesOrMore() {
        assertEquals(512, MainlineKernel.tdmrPointerArrayBytes(1));
        assertEquals(512, MainlineKernel.tdmrPointerArrayBytes(64));
        assertEquals(1024, MainlineKernel.tdmrPointerArrayBytes(65));
        assertEquals(1024, MainlineKernel.tdmrPointerArrayBytes(128));
        assertEquals(2048, MainlineKernel.tdmrPointerArrayBytes(129));
    }

    /**
     * §5 item 37, end to end: 65 TDMRs take a 1024-byte array, aligned to its size. Each GiB is its
     * own node, so each PAMT lands in its own TDMR and no TDMR runs out of reserved areas.
     */
    @Test
    void sixtyFiveTdmrsTakeA1024BytePointerArray() {
        List<org.tdxemu.kernel.host.MemoryRegion> regions = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            regions.add(new org.tdxemu.kernel.host.MemoryRegion((4 + 2L * i) * GIB, (5 + 2L * i) * GIB, i));
        }
        HostConfig host = HostConfig.of(regions, Hosts.small().cpus(), Hosts.KEY_IDS);
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            machine.module().field(SysField.MAX_TDMRS, 128);
            initialized(machine.mainline().boot());
            Range array = Events.allocated(machine.host(), AllocationPurpose.TDMR_PA_ARRAY).get(0);
            assertEquals(1024, array.size());
            assertEquals(0, array.start() % 1024);
            assertEquals(65, machine.module().calls(Leaf.TDH_SYS_CONFIG).get(0).rdx());
        }
    }

    /** §5 item 54. */
    @Test
    void afterInitOnlyMemoryInsideOneOriginalBlockMayGoOnline() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            MainlineKernel kernel = machine.mainline();
            kernel.earlyInit();
            assertTrue(kernel.memoryGoingOnline(new Range(0x20040000000L, 0x20080000000L)), "before init");
            kernel.tdxCpuEnable(0);
            for (int cpu = 1; cpu < 8; cpu++) {
                kernel.tdxCpuEnable(cpu);
            }
            initialized(kernel.tdxEnable());
            assertTrue(kernel.memoryGoingOnline(new Range(0x100000000L, 0x108000000L)));
            assertFalse(kernel.memoryGoingOnline(new Range(0x20040000000L, 0x20080000000L)));
            assertFalse(kernel.memoryGoingOnline(new Range(0x77000000L, 0x100800000L)), "spans two blocks");
        }
    }

    @Test
    void withoutTdxEveryMemoryMayGoOnline() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withoutKeyIdPartitioning())) {
            MainlineKernel kernel = machine.mainline();
            kernel.boot();
            assertTrue(kernel.memoryGoingOnline(new Range(8 * GIB, 9 * GIB)));
        }
    }
}
