package org.tdxemu.kernel.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.kernel.init.MainlineInitTest.BIOS_LINE;
import static org.tdxemu.kernel.init.MainlineInitTest.METADATA_READS;
import static org.tdxemu.kernel.init.MainlineInitTest.S3_LINE;
import static org.tdxemu.kernel.init.MainlineInitTest.failed;
import static org.tdxemu.kernel.init.MainlineInitTest.initialized;
import static org.tdxemu.kernel.testing.Hosts.GIB;
import static org.tdxemu.kernel.testing.Hosts.MIB;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.testing.FakeTdxModule;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * init_tdx_module()'s error unwinding in Linux 6.18 (kernel-init.md §1.3, table "Error unwinding"):
 * which frees, flushes and resets follow which failure, and that nothing allocated is left behind.
 */
class MainlineErrorPathTest {

    private static final long PAMT_MARKER = 0xdeadL;

    /** Everything init allocates, given back in the kernel's order after TDH.SYS.CONFIG failed. */
    private static final List<String> UNWOUND_AFTER_CONFIG = List.of("get_online_mems", "alloc TDX_MEMBLOCK",
            "alloc TDMR_LIST", "alloc PAMT", "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "free PAMT", "free TDMR_LIST",
            "free TDX_MEMBLOCK", "put_online_mems");

    /** §5 item 38. */
    @Test
    void sysConfigFailureFreesEverythingWithNoCacheFlushAndNoPamtReset() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withPartialWriteErratum(true))) {
            long free = machine.host().allocator().freeBytes();
            machine.module().fail(Leaf.TDH_SYS_CONFIG, 1, Statuses.pamtOverlap(0, PageSize.SIZE_4K, 0));
            MainlineKernel kernel = machine.mainline();
            InitResult result = kernel.boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x000000000000002d) failed: 0xc0000a1200000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
            assertEquals(UNWOUND_AFTER_CONFIG, Events.summary(machine.host()));
            assertEquals(free, machine.host().allocator().freeBytes());
            assertEquals(8212, result.pamtKb(), "the plan that was built is reported");
            assertEquals(Errno.EINVAL, failed(kernel.tdxEnable()).errno(), "§5 item 47: the error state is sticky");
        }
    }

    /** kernel-init.md §3.1 item 5: the merged kernel never reads the CMRs; the module finds such memory. */
    @Test
    void memoryOutsideTheCmrsIsRefusedByTheModuleAtSysConfig() {
        try (TestMachine machine = new TestMachine(Hosts.small(), List.of(new Range(MIB, GIB)))) {
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x000000000000002d) failed: 0xc0000a0200000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
            assertEquals(UNWOUND_AFTER_CONFIG, Events.summary(machine.host()));
        }
    }

    /** module-abi.md §7 item 1: the module counts offline CPUs as LPs that never ran LP.INIT. */
    @Test
    void anOfflineCpuMakesTheModuleRefuseSysConfig() {
        HostConfig host = Hosts.small().withCpus(HostConfig.cpus(1, 4, Set.of(3)));
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x000000000000002d) failed: 0xc000050c00000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1", "TDH.SYS.LP.INIT@2",
                    "TDH.SYS.RD@0 x" + METADATA_READS, "TDH.SYS.CONFIG@0"), machine.module().callSummary());
        }
    }

    /** Writes a marker into the first TDMR's PAMT while the given call runs, to see whether it is reset. */
    private static void markPamtDuring(TestMachine machine, Leaf leaf) {
        machine.module().adjust(leaf, 1, 1, r -> {
            long list = machine.host().allocator().allocations().stream()
                    .filter(a -> a.purpose() == AllocationPurpose.TDMR_LIST).findFirst().orElseThrow().range().start();
            machine.memory().write64(TdmrInfo.at(machine.memory(), list).pamtBase(PageSize.SIZE_4K), PAMT_MARKER);
        });
    }

    private static final List<String> UNWOUND_AFTER_KEY_CONFIG = List.of("get_online_mems", "alloc TDX_MEMBLOCK",
            "alloc TDMR_LIST", "alloc PAMT", "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "alloc PACKAGE_CPUMASK",
            "wbinvd", "free PACKAGE_CPUMASK", "wbinvd", "movdir64b", "free PAMT", "free TDMR_LIST", "free TDX_MEMBLOCK",
            "put_online_mems");

    /** §5 item 40. */
    @Test
    void keyConfigFailureOnPackage2Of4LeavesEarlierPackagesConfiguredAndResetsPamts() {
        HostConfig host = Hosts.smallWithPackages(4).withPartialWriteErratum(true);
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            long free = machine.host().allocator().freeBytes();
            markPamtDuring(machine, Leaf.TDH_SYS_KEY_CONFIG);
            machine.module().fail(Leaf.TDH_SYS_KEY_CONFIG, 3, StatusCode.TDX_KEY_GENERATION_FAILED.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x000000000000001f) failed: 0x8000080000000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
            assertEquals(List.of(0, 2, 4), machine.module().calls(Leaf.TDH_SYS_KEY_CONFIG).stream()
                    .map(FakeTdxModule.Call::cpu).toList());
            assertEquals(List.of(StatusCode.TDX_SUCCESS.value(), StatusCode.TDX_SUCCESS.value(),
                    StatusCode.TDX_KEY_GENERATION_FAILED.value()), machine.module().calls(Leaf.TDH_SYS_KEY_CONFIG).stream()
                    .map(FakeTdxModule.Call::status).toList());
            assertEquals(UNWOUND_AFTER_KEY_CONFIG, Events.summary(machine.host()));
            Tdmr tdmr = result.tdmrPlan().orElseThrow().tdmrs().get(0);
            assertEquals(List.of(tdmr.pamtChunk()), Events.freed(machine.host(), AllocationPurpose.PAMT));
            assertEquals(0, machine.memory().read64(tdmr.pamt4k().start()), "MOVDIR64B zeroed the PAMT");
            assertEquals(free, machine.host().allocator().freeBytes());
        }
    }

    /** §5 item 46. */
    @Test
    void withoutThePartialWriteErratumTheErrorPathFlushesCachesButLeavesPamtsAlone() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.smallWithPackages(4))) {
            markPamtDuring(machine, Leaf.TDH_SYS_KEY_CONFIG);
            machine.module().fail(Leaf.TDH_SYS_KEY_CONFIG, 3, StatusCode.TDX_KEY_GENERATION_FAILED.value());
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            List<String> withoutReset = new ArrayList<>(UNWOUND_AFTER_KEY_CONFIG);
            withoutReset.remove("movdir64b");
            assertEquals(withoutReset, Events.summary(machine.host()));
            Tdmr tdmr = result.tdmrPlan().orElseThrow().tdmrs().get(0);
            assertEquals(PAMT_MARKER, machine.memory().read64(tdmr.pamt4k().start()));
        }
    }

    /** §5 item 45. */
    @Test
    void tdmrInitFailureOnTheSecondTdmrComesAfterTheFirstIsDoneAndUnwindsLikeKeyConfig() {
        HostConfig host = HostConfig.of(List.of(new MemoryRegion(MIB, 2 * GIB, 0), new MemoryRegion(4 * GIB, 5 * GIB, 0)),
                Hosts.small().cpus(), Hosts.KEY_IDS).withPartialWriteErratum(true);
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            long free = machine.host().allocator().freeBytes();
            long busy = Statuses.operandBusy(org.tdxemu.seamcall.status.Operand.RCX);
            machine.module().fail(Leaf.TDH_SYS_TDMR_INIT, 513, busy);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000024) failed: 0x8000020000000001",
                    "virt/tdx: RCX 0x0000000100000000 RDX 0x0000000000000000 R08 0x0000000000000000",
                    "virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
            List<FakeTdxModule.Call> calls = machine.module().calls(Leaf.TDH_SYS_TDMR_INIT);
            assertEquals(513, calls.size());
            assertEquals(2 * GIB, calls.get(511).rdxOut(), "the first TDMR completed");
            List<String> events = Events.summary(machine.host());
            assertEquals(List.of("wbinvd", "movdir64b", "movdir64b", "free PAMT", "free PAMT", "free TDMR_LIST",
                    "free TDX_MEMBLOCK", "free TDX_MEMBLOCK", "put_online_mems"), events.subList(events.size() - 9, events.size()));
            assertEquals(free, machine.host().allocator().freeBytes());
        }
    }

    /** §5 item 39. */
    @Test
    void aFailedPackageMaskAllocationIsEnomemBeforeTheFlushYetTheErrorPathFlushesAndResets() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withPartialWriteErratum(true))) {
            machine.host().allocator().failAllocation(AllocationPurpose.PACKAGE_CPUMASK, 1);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENOMEM, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module initialization failed (-12)"), result.log());
            assertEquals(List.of("get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST", "alloc PAMT",
                    "alloc TDMR_PA_ARRAY", "free TDMR_PA_ARRAY", "wbinvd", "movdir64b", "free PAMT", "free TDMR_LIST",
                    "free TDX_MEMBLOCK", "put_online_mems"), Events.summary(machine.host()));
            assertEquals(List.of(), machine.module().calls(Leaf.TDH_SYS_KEY_CONFIG));
        }
    }

    @Test
    void aFailedPointerArrayAllocationIsEnomemWithoutSysConfigAndWithoutFlush() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small().withPartialWriteErratum(true))) {
            machine.host().allocator().failAllocation(AllocationPurpose.TDMR_PA_ARRAY, 1);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENOMEM, failed(result).errno());
            assertEquals(List.of("get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST", "alloc PAMT", "free PAMT",
                    "free TDMR_LIST", "free TDX_MEMBLOCK", "put_online_mems"), Events.summary(machine.host()));
            assertEquals(List.of(), machine.module().calls(Leaf.TDH_SYS_CONFIG));
        }
    }

    @Test
    void aFailedTdmrListAllocationFreesTheMemoryList() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            machine.host().allocator().failAllocation(AllocationPurpose.TDMR_LIST, 1);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENOMEM, failed(result).errno());
            assertEquals(List.of("get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDX_MEMBLOCK", "alloc TDX_MEMBLOCK",
                    "free TDX_MEMBLOCK", "free TDX_MEMBLOCK", "free TDX_MEMBLOCK", "put_online_mems"),
                    Events.summary(machine.host()));
        }
    }

    @Test
    void aFailedMemoryListEntryFreesTheEntriesBuiltSoFar() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            long free = machine.host().allocator().freeBytes();
            machine.host().allocator().failAllocation(AllocationPurpose.TDX_MEMBLOCK, 2);
            MainlineKernel kernel = machine.mainline();
            InitResult result = kernel.boot();
            assertEquals(Errno.ENOMEM, failed(result).errno());
            assertEquals(List.of("get_online_mems", "alloc TDX_MEMBLOCK", "free TDX_MEMBLOCK", "put_online_mems"),
                    Events.summary(machine.host()));
            assertEquals(List.of(), kernel.tdxMemlist());
            assertEquals(free, machine.host().allocator().freeBytes());
        }
    }

    /** §5 item 35, end to end. */
    @Test
    void aPamtThatCannotBeAllocatedFreesThePamtsBeforeIt() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.twoSocket2T())) {
            long free = machine.host().allocator().freeBytes();
            machine.host().allocator().failAllocation(AllocationPurpose.PAMT, 2);
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENOMEM, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module initialization failed (-12)"), result.log());
            assertEquals(List.of("get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDX_MEMBLOCK", "alloc TDX_MEMBLOCK",
                    "alloc TDMR_LIST", "alloc PAMT", "free PAMT", "free TDMR_LIST", "free TDX_MEMBLOCK", "free TDX_MEMBLOCK",
                    "free TDX_MEMBLOCK", "put_online_mems"), Events.summary(machine.host()));
            assertEquals(free, machine.host().allocator().freeBytes());
            assertEquals(0, result.pamtKb());
        }
    }

    /** §5 items 27 and 28, end to end. */
    @Test
    void exhaustedReservedAreasFailInitWithEnospcAndFreeEverything() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.emeraldRapids())) {
            long free = machine.host().allocator().freeBytes();
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.ENOSPC, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE,
                    "virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.",
                    "virt/tdx: module initialization failed (-28)"), result.log());
            assertEquals(2, Events.freed(machine.host(), AllocationPurpose.PAMT).size());
            assertEquals(free, machine.host().allocator().freeBytes());
            assertEquals(List.of(), machine.module().calls(Leaf.TDH_SYS_CONFIG));
        }
    }

    /** §5 item 30, end to end: the same host initializes with holes from the CMRs. */
    @Test
    void holesFromTheCmrsLetTheEmeraldRapidsHostInitialize() {
        try (TestMachine machine = new TestMachine(Hosts.emeraldRapids(), Hosts.EMR_CMRS)) {
            TdxKernel kernel = machine.kernel(new KernelOptions(Profile.MAINLINE, HoleSource.CMRS));
            InitResult result = kernel.boot();
            initialized(result);
            assertEquals(METADATA_READS + 1 + 32 + 32, machine.module().calls(Leaf.TDH_SYS_RD).size());
            assertEquals(List.of(new Range(0x100000L, 0x6f800000L), new Range(0x100000000L, 0x107a000000L)),
                    ((MainlineKernel) kernel).sysinfo().orElseThrow().cmrs());
        }
    }

    /** The CMR group comes after the TDMR group, as the series' generated code reads it. */
    @Test
    void withHolesFromCmrsTheCmrsAreReadRightAfterTheTdmrLimits() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            initialized(machine.kernel(new KernelOptions(Profile.MAINLINE, HoleSource.CMRS)).boot());
            List<Long> read = machine.module().calls(Leaf.TDH_SYS_RD).stream().map(FakeTdxModule.Call::rdx).toList();
            assertEquals(SysField.PAMT_1G_ENTRY_SIZE.id().raw(), read.get(5));
            assertEquals(SysField.NUM_CMRS.id().raw(), read.get(6));
            assertEquals(SysField.CMR_BASE.id(0, 0).raw(), read.get(7));
            assertEquals(SysField.CMR_BASE.id(31, 0).raw(), read.get(38));
            assertEquals(SysField.CMR_SIZE.id(0, 0).raw(), read.get(39));
            assertEquals(SysField.CMR_SIZE.id(31, 0).raw(), read.get(70));
            assertEquals(SysField.TDR_BASE_SIZE.id().raw(), read.get(71));
        }
    }

    /** Linux would index its 32-slot arrays with the module's count; the model refuses a count above 32. */
    @Test
    void moreCmrsThanTheKernelsArraysHoldAreEinval() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().field(SysField.NUM_CMRS, 33);
            InitResult result = machine.kernel(new KernelOptions(Profile.MAINLINE, HoleSource.CMRS)).boot();
            assertEquals(Errno.EINVAL, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: module initialization failed (-22)"), result.log());
        }
    }

    /** §5 item 31. */
    @Test
    void theCmrHoleFixRefusesARegionOutsideEveryCmrAndFreesTheListBuiltSoFar() {
        HostConfig host = HostConfig.of(List.of(new MemoryRegion(MIB, GIB, 0), new MemoryRegion(GIB, 3 * GIB, 0)),
                Hosts.small().cpus(), Hosts.KEY_IDS);
        try (TestMachine machine = new TestMachine(host, List.of(new Range(MIB, 2 * GIB), new Range(2 * GIB, 3 * GIB)))) {
            InitResult result = machine.kernel(new KernelOptions(Profile.MAINLINE, HoleSource.CMRS)).boot();
            assertEquals(Errno.EINVAL, failed(result).errno());
            // The fix prints PHYS_PFN() of a PFN: the addresses shifted right by 24.
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: memory region [0x40, 0xc0) is not TDX convertible memory.",
                    "virt/tdx: module initialization failed (-22)"), result.log());
            assertEquals(List.of("get_online_mems", "alloc TDX_MEMBLOCK", "free TDX_MEMBLOCK", "put_online_mems"),
                    Events.summary(machine.host()));
        }
    }

    /** §5 item 41. */
    @Test
    void aPackageWithNoOnlineCpuGetsNoKeyConfigAndTdmrInitFailsInTheModule() {
        HostConfig host = Hosts.small().withCpus(HostConfig.cpus(2, 2, Set.of(2, 3)));
        try (TestMachine machine = TestMachine.withCmrsAsMemory(host)) {
            // MCHECK counts only the online package's LPs here, so that TDH.SYS.CONFIG can succeed.
            machine.module().countOnly(Set.of(0, 1));
            InitResult result = machine.mainline().boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(0), machine.module().calls(Leaf.TDH_SYS_KEY_CONFIG).stream()
                    .map(FakeTdxModule.Call::cpu).toList());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000024) failed: 0xc000050500000000",
                    "virt/tdx: RCX 0x0000000000000000 RDX 0x0000000000000000 R08 0x0000000000000000",
                    "virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000",
                    "virt/tdx: module initialization failed (-5)"), result.log());
        }
    }
}
