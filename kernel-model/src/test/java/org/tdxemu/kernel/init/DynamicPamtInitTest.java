package org.tdxemu.kernel.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.kernel.init.LatestInitTest.INITIALIZED;
import static org.tdxemu.kernel.init.LatestInitTest.LATEST_METADATA_READS;
import static org.tdxemu.kernel.init.LatestInitTest.VERSION_LINE;
import static org.tdxemu.kernel.init.MainlineInitTest.BIOS_LINE;
import static org.tdxemu.kernel.init.MainlineInitTest.S3_LINE;
import static org.tdxemu.kernel.init.MainlineInitTest.failed;
import static org.tdxemu.kernel.init.MainlineInitTest.initialized;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.testing.EmulatedMachine;
import org.tdxemu.kernel.testing.FakeTdxModule;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * The Dynamic PAMT series on today's mainline (dynamic-pamt.md §3): when it uses Dynamic PAMT, the
 * exact figures of §4, the refcount array in the allocation events and the free memory but not in
 * the PAMT total, every error path giving it back; and when it does not, today's mainline exactly.
 */
class DynamicPamtInitTest {

    private static final String ENABLE_LINE = "virt/tdx: Enable Dynamic PAMT";
    private static final KernelOptions DPAMT = KernelOptions.of(Profile.DPAMT);
    /** DIV_ROUND_UP(0x20040000, 512) * 4 = 4196352 bytes, vmalloc'd as 1025 pages. */
    private static final long REFCOUNTS_2T = 1025 * 4096;
    /** The bitmap field, read last, when the kernel uses Dynamic PAMT. */
    private static final int DPAMT_METADATA_READS = LATEST_METADATA_READS + 1;

    private static List<Range> cmrsOf(HostConfig host) {
        return host.memblock().stream().map(MemoryRegion::range).toList();
    }

    private static EmulatedMachine withDynamicPamtModule(HostConfig host) {
        return new EmulatedMachine(host, cmrsOf(host), ModuleSettings.defaults(ModuleVersion.V1_5).withDynamicPamt(true));
    }

    /** dynamic-pamt.md §4. */
    @Test
    void theTwoSocketHostPrintsEnableDynamicPamtAnd81876Kb() {
        HostConfig host = Hosts.twoSocket2T();
        try (EmulatedMachine machine = withDynamicPamtModule(host)) {
            long freeAtBoot = machine.host().allocator().freeBytes();
            InitResult result = machine.kernel(DPAMT).boot();
            assertEquals(List.of(BIOS_LINE, S3_LINE, VERSION_LINE, ENABLE_LINE, "virt/tdx: 81876 KB allocated for PAMT",
                    INITIALIZED), initialized(result).log());
            TdmrPlan plan = result.tdmrPlan().orElseThrow();
            assertEquals(List.of(64L << 10, 32672L << 10, 32736L << 10),
                    plan.tdmrs().stream().map(t -> t.pamt(PageSize.SIZE_4K).size()).toList(), "the bitmaps");
            assertEquals(List.of(16L << 10, 8168L << 10, 8184L << 10),
                    plan.tdmrs().stream().map(t -> t.pamt(PageSize.SIZE_2M).size()).toList());
            assertEquals(List.of(4L << 10, 16L << 10, 16L << 10),
                    plan.tdmrs().stream().map(t -> t.pamt(PageSize.SIZE_1G).size()).toList());
            assertEquals(81876, plan.pamtKb());
            assertTrue(machine.module().status().dynamicPamt(), "TDH.SYS.CONFIG got R8 bit 16");
            assertEquals(List.of(Range.ofSize(machine.host().allocator().allocations().stream()
                    .filter(a -> a.purpose() == AllocationPurpose.PAMT_REFCOUNTS).findFirst().orElseThrow().range().start(),
                    REFCOUNTS_2T)), Events.allocated(machine.host(), AllocationPurpose.PAMT_REFCOUNTS));
            long tdmrList = 64 * 512;
            long memlistSlab = 4096;
            assertEquals(freeAtBoot - plan.pamtBytes() - tdmrList - memlistSlab - REFCOUNTS_2T,
                    machine.host().allocator().freeBytes(), "the refcounts are kept, outside the PAMT total");
        }
    }

    /** 2046 GiB of TDMRs at 16 MiB a call. */
    @Test
    void tdmrInitTakesAQuarterOfTheCalls() {
        try (EmulatedMachine machine = withDynamicPamtModule(Hosts.twoSocket2T())) {
            initialized(machine.kernel(DPAMT).boot());
            machine.module().status().tdmrs().forEach(t -> assertTrue(t.isComplete()));
        }
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().withDynamicPamt();
            initialized(machine.kernel(DPAMT).boot());
            assertEquals(128, machine.module().calls(Leaf.TDH_SYS_TDMR_INIT).size(), "2 GiB at 16 MiB a call");
            assertEquals(32 | 1L << 16, machine.module().calls(Leaf.TDH_SYS_CONFIG).get(0).r8());
        }
    }

    @Test
    void theOrderOfThingsOnASmallHost() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().withDynamicPamt();
            InitResult result = machine.kernel(DPAMT).boot();
            assertEquals(List.of(BIOS_LINE, S3_LINE, VERSION_LINE, ENABLE_LINE, "virt/tdx: 84 KB allocated for PAMT",
                    INITIALIZED), initialized(result).log());
            assertEquals(List.of("TDH.SYS.INIT@0", "TDH.SYS.LP.INIT@0", "TDH.SYS.LP.INIT@1", "TDH.SYS.LP.INIT@2",
                    "TDH.SYS.LP.INIT@3", "TDH.SYS.RD@0 x" + DPAMT_METADATA_READS, "TDH.SYS.CONFIG@0",
                    "TDH.SYS.KEY.CONFIG@0", "TDH.SYS.TDMR.INIT@0 x128"), machine.module().callSummary());
            assertEquals(FakeTdxModule.PAMT_PAGE_BITMAP_ENTRY_BITS_AS_READ,
                    machine.module().calls(Leaf.TDH_SYS_RD).get(DPAMT_METADATA_READS - 1).rdx(), "read last");
            assertEquals(List.of("vmx get 0", "vmx get 1", "vmx get 2", "vmx get 3", "alloc PAMT_REFCOUNTS",
                    "get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST", "alloc PAMT", "alloc TDMR_PA_ARRAY",
                    "free TDMR_PA_ARRAY", "alloc PACKAGE_CPUMASK", "wbinvd", "free PACKAGE_CPUMASK", "put_online_mems"),
                    Events.summary(machine.host()));
            // max_pfn 0x80000: 1024 refcounts, one page.
            assertEquals(List.of(4096L), Events.allocated(machine.host(), AllocationPurpose.PAMT_REFCOUNTS).stream()
                    .map(Range::size).toList());
        }
    }

    /** dynamic-pamt.md §3.1: KeyID bits that leave 49 physical address bits keep the static PAMT, silently. */
    @Test
    void fortyNinePhysicalAddressBitsFallBackToTheStaticPamt() {
        HostConfig host = Hosts.twoSocket2T().withKeyIdPartitioning(KeyIdPartitioningMsr.of(1, 6)).withX86PhysBits(49);
        try (EmulatedMachine machine = withDynamicPamtModule(host)) {
            InitResult result = machine.kernel(DPAMT).boot();
            assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [2, 8)", S3_LINE, VERSION_LINE,
                    "virt/tdx: 8396820 KB allocated for PAMT", INITIALIZED), initialized(result).log());
            assertFalse(machine.module().status().dynamicPamt());
            assertEquals(List.of(), Events.allocated(machine.host(), AllocationPurpose.PAMT_REFCOUNTS));
        }
    }

    /** dynamic-pamt.md §3: without bit 36 the kernel with the series is today's mainline, call for call. */
    @Test
    void onAModuleWithoutTheFeatureItIsLatestExactly() {
        for (HostConfig host : List.of(Hosts.small(), Hosts.smallWithPackages(2))) {
            try (TestMachine latest = TestMachine.withCmrsAsMemory(host);
                 TestMachine dpamt = TestMachine.withCmrsAsMemory(host)) {
                InitResult expected = latest.kernel(KernelOptions.of(Profile.LATEST)).boot();
                InitResult actual = dpamt.kernel(DPAMT).boot();
                assertEquals(expected, actual);
                assertEquals(latest.module().calls(), dpamt.module().calls());
                assertEquals(latest.host().events(), dpamt.host().events());
            }
        }
    }

    /** The bitmap field is read with the metadata, before anything is allocated: its failure leaves nothing to free. */
    @Test
    void aFailedBitmapFieldReadFailsInitWithNothingAllocated() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().withDynamicPamt().fail(Leaf.TDH_SYS_RD, DPAMT_METADATA_READS,
                    StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value());
            long free = machine.host().allocator().freeBytes();
            InitResult result = machine.kernel(DPAMT).boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, "virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc0000c0000000000",
                    "virt/tdx: RCX 0x0000000000000000 RDX 0x9100000100000013 R08 0x0000000000000000",
                    "virt/tdx: R09 0x0000000000000000 R10 0x0000000000000000 R11 0x0000000000000000",
                    VERSION_LINE, "virt/tdx: TDX-Module initialization failed (-5)"), result.log());
            assertEquals(List.of("vmx get 0", "vmx get 1", "vmx get 2", "vmx get 3", "wbinvd 0", "vmx put 0", "wbinvd 1",
                    "vmx put 1", "wbinvd 2", "vmx put 2", "wbinvd 3", "vmx put 3"), Events.summary(machine.host()));
            assertEquals(free, machine.host().allocator().freeBytes());
        }
    }

    /** dynamic-pamt.md §3.4: every error path after the refcounts were allocated gives them back, last. */
    @Test
    void aFailureAfterTheRefcountsGivesThemBackAfterEverythingElse() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().withDynamicPamt().fail(Leaf.TDH_SYS_KEY_CONFIG, 1,
                    StatusCode.TDX_KEY_GENERATION_FAILED.value());
            long free = machine.host().allocator().freeBytes();
            InitResult result = machine.kernel(DPAMT).boot();
            assertEquals(Errno.EIO, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, VERSION_LINE, ENABLE_LINE,
                    "virt/tdx: SEAMCALL (0x000000000000001f) failed: 0x8000080000000000",
                    "virt/tdx: TDX-Module initialization failed (-5)"), result.log());
            assertEquals(List.of("vmx get 0", "vmx get 1", "vmx get 2", "vmx get 3", "alloc PAMT_REFCOUNTS",
                    "get_online_mems", "alloc TDX_MEMBLOCK", "alloc TDMR_LIST", "alloc PAMT", "alloc TDMR_PA_ARRAY",
                    "free TDMR_PA_ARRAY", "alloc PACKAGE_CPUMASK", "wbinvd", "free PACKAGE_CPUMASK", "wbinvd",
                    "free PAMT", "free TDMR_LIST", "free TDX_MEMBLOCK", "put_online_mems", "free PAMT_REFCOUNTS",
                    "wbinvd 0", "vmx put 0", "wbinvd 1", "vmx put 1", "wbinvd 2", "vmx put 2", "wbinvd 3", "vmx put 3"),
                    Events.summary(machine.host()));
            assertEquals(free, machine.host().allocator().freeBytes());
            assertEquals(Map.of(), machine.host().vmxReferences());
        }
    }

    @Test
    void noMemoryForTheRefcountsIsEnomem() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.module().withDynamicPamt();
            machine.host().allocator().failAllocation(AllocationPurpose.PAMT_REFCOUNTS, 1);
            InitResult result = machine.kernel(DPAMT).boot();
            assertEquals(Errno.ENOMEM, failed(result).errno());
            assertEquals(List.of(BIOS_LINE, S3_LINE, VERSION_LINE, "virt/tdx: TDX-Module initialization failed (-12)"),
                    result.log());
            assertEquals(List.of(), machine.module().calls(Leaf.TDH_SYS_CONFIG));
        }
    }

}
