package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.CmrInfoArray;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.PageType;
import org.tdxemu.seamcall.layout.PamtEntry;
import org.tdxemu.seamcall.layout.TdSysInfo;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/**
 * A whole platform initialization by hand, the way a host does it, on 2 packages and 3 TDMRs:
 * SYS.INIT, every LP.INIT, INFO, RD of every field Linux reads, CONFIG, KEY.CONFIG per package,
 * TDMR.INIT to completion; then every PAMT byte is checked.
 */
class EndToEndInitTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final List<Range> CMRS = List.of(new Range(MIB, 0x7F800000L), new Range(4 * GIB, 9 * GIB));

    /** Where the three PAMT chunks go, back to back, inside TDMR 0 (covered there by reserved areas). */
    private static final long PAMT_AREA = 0x1000_0000L;

    private static List<TdmrSpec> tdmrs() {
        TdmrSpec tdmr1 = TdmrSpec.of(4 * GIB, 2 * GIB);
        TdmrSpec tdmr2 = TdmrSpec.of(6 * GIB, 3 * GIB);
        TdmrSpec tdmr0 = TdmrSpec.of(0, 2 * GIB);
        tdmr0 = tdmr0.withPamtsAt(PAMT_AREA);
        tdmr1 = tdmr1.withPamtsAt(tdmr0.pamtEnd());
        tdmr2 = tdmr2.withPamtsAt(tdmr1.pamtEnd());
        tdmr0 = tdmr0.withReserved(0, MIB)
                .withReserved(PAMT_AREA, tdmr0.pamtBytes())
                .withReserved(tdmr1.pamt(PageSize.SIZE_4K).start(), tdmr1.pamtBytes())
                .withReserved(tdmr2.pamt(PageSize.SIZE_4K).start(), tdmr2.pamtBytes())
                .withReserved(0x7F800000L, 2 * GIB - 0x7F800000L);
        return List.of(tdmr0, tdmr1, tdmr2);
    }

    private static void assertStatus(long expected, long actual) {
        assertEquals(expected, actual, () -> "got " + DecodedStatus.of(actual).summary() + ", expected "
                + DecodedStatus.of(expected).summary());
    }

    @Test
    void initializesTwoPackagesAndThreeTdmrsAndWritesEveryPamtEntry() {
        Platform platform = Platform.builder().cpus(2, 4).cmrRanges(CMRS).build();
        List<TdmrSpec> tdmrs = tdmrs();
        try (ModuleDriver driver = ModuleDriver.over(platform)) {
            TdxModule module = driver.module();
            assertStatus(0, driver.call(5, Leaf.TDH_SYS_INIT, new RegisterFile()));
            for (int cpu = 0; cpu < 8; cpu++) {
                assertStatus(0, driver.call(cpu, Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
            }

            RegisterFile info = new RegisterFile().set(Gpr.RCX, 0x200000).set(Gpr.RDX, 1024)
                    .set(Gpr.R8, 0x201000).set(Gpr.R9, 32);
            assertStatus(0, driver.call(1, Leaf.TDH_SYS_INFO, info));
            assertEquals(1024, info.rdx());
            assertEquals(32, info.r9());
            TdSysInfo sysInfo = TdSysInfo.at(driver.memory(), 0x200000);
            assertEquals(0x8086, sysInfo.vendorId());
            assertEquals(1, sysInfo.majorVersion());
            assertEquals(5, sysInfo.minorVersion());
            assertEquals(64, sysInfo.maxTdmrs());
            assertEquals(16, sysInfo.maxReservedPerTdmr());
            assertEquals(16, sysInfo.pamtEntrySize());
            CmrInfoArray cmrs = CmrInfoArray.at(driver.memory(), 0x201000);
            assertEquals(MIB, cmrs.base(0));
            assertEquals(0x7F800000L - MIB, cmrs.size(0));
            assertEquals(4 * GIB, cmrs.base(1));
            assertEquals(5 * GIB, cmrs.size(1));
            assertEquals(0, cmrs.size(2));

            // Every field mainline Linux reads, in its order (kernel-init.md §1.3 step C, §2.5).
            long[][] linuxReads = {
                {SysField.MINOR_VERSION.id().raw(), 5}, {SysField.MAJOR_VERSION.id().raw(), 1},
                {SysField.UPDATE_VERSION.id().raw(), 5}, {SysField.TDX_FEATURES0.id().raw(), 0x1F0EBF},
                {SysField.MAX_TDMRS.id().raw(), 64}, {SysField.MAX_RESERVED_PER_TDMR.id().raw(), 16},
                {SysField.PAMT_4K_ENTRY_SIZE.id().raw(), 16}, {SysField.PAMT_2M_ENTRY_SIZE.id().raw(), 16},
                {SysField.PAMT_1G_ENTRY_SIZE.id().raw(), 16}, {SysField.TDR_BASE_SIZE.id().raw(), 4096},
                {SysField.TDCS_BASE_SIZE.id().raw(), 24576}, {SysField.TDVPS_BASE_SIZE.id().raw(), 24576},
                {SysField.ATTRIBUTES_FIXED0.id().raw(), 0x8000000070000001L},
                {SysField.ATTRIBUTES_FIXED1.id().raw(), 0}, {SysField.XFAM_FIXED1.id().raw(), 3},
                {SysField.NUM_CPUID_CONFIG.id().raw(), 18}, {SysField.MAX_VCPUS_PER_TD.id().raw(), 576}};
            for (long[] read : linuxReads) {
                RegisterFile rd = new RegisterFile().set(Gpr.RDX, read[0]);
                assertStatus(0, driver.call(2, Leaf.TDH_SYS_RD, rd));
                assertEquals(read[1], rd.r8(), () -> String.format("field 0x%016x", read[0]));
            }
            RegisterFile xfam = new RegisterFile().set(Gpr.RDX, SysField.XFAM_FIXED0.id().raw());
            assertStatus(0, driver.call(2, Leaf.TDH_SYS_RD, xfam));
            assertEquals(0x6DBE7L, xfam.r8());
            for (int i = 0; i < 18; i++) {
                RegisterFile leaf = new RegisterFile().set(Gpr.RDX, SysField.CPUID_CONFIG_LEAVES.id(i, 0).raw());
                assertStatus(0, driver.call(3, Leaf.TDH_SYS_RD, leaf));
                assertTrue(leaf.r8() != -1L, "CPUID_CONFIG_LEAVES[" + i + "] is a leaf");
                for (int j = 0; j < 2; j++) {
                    RegisterFile value = new RegisterFile().set(Gpr.RDX, SysField.CPUID_CONFIG_VALUES.id(i, j).raw());
                    assertStatus(0, driver.call(3, Leaf.TDH_SYS_RD, value));
                }
            }

            long array = driver.writeTdmrs(tdmrs);
            assertStatus(0, driver.config(array, tdmrs.size(), 32));
            assertEquals(SysState.SYSCONFIG_DONE, module.state());
            assertStatus(0, driver.call(0, Leaf.TDH_SYS_KEY_CONFIG, new RegisterFile()));
            assertEquals(SysState.SYSCONFIG_DONE, module.state());
            assertStatus(0, driver.call(4, Leaf.TDH_SYS_KEY_CONFIG, new RegisterFile()));
            assertEquals(SysState.SYS_READY, module.state());

            assertEquals(512, driver.initializeTdmr(0, tdmrs.get(0)));
            assertEquals(512, driver.initializeTdmr(3, tdmrs.get(1)));
            assertEquals(768, driver.initializeTdmr(6, tdmrs.get(2)));
            assertTrue(module.status().tdmrs().stream().allMatch(ModuleStatus.TdmrProgress::isComplete));
            assertEquals(List.of(), module.internalErrors());

            for (TdmrSpec tdmr : tdmrs) {
                assertPamtBytes(driver, tdmr);
            }
        }
    }

    /** Every 4K entry PT_RSVD exactly where the page is in a reserved area, else all zero; 2M and 1G all zero. */
    private static void assertPamtBytes(ModuleDriver driver, TdmrSpec tdmr) {
        long pages = tdmr.size() >>> 12;
        long pamt = tdmr.pamt(PageSize.SIZE_4K).start();
        int chunkEntries = 4096;
        for (long first = 0; first < pages; first += chunkEntries) {
            byte[] bytes = driver.memory().read(pamt + first * PamtEntry.BYTES, chunkEntries * PamtEntry.BYTES);
            for (int k = 0; k < chunkEntries; k++) {
                long offset = (first + k) << 12;
                int expectedType = inReservedArea(tdmr, offset) ? PageType.PT_RSVD.code() : PageType.PT_NDA.code();
                for (int b = 0; b < PamtEntry.BYTES; b++) {
                    int expected = b == PamtEntry.PAGE_TYPE ? expectedType : 0;
                    if (bytes[k * PamtEntry.BYTES + b] != expected) {
                        throw new AssertionError(String.format("TDMR 0x%x page offset 0x%x: byte %d of its 4K entry is %d, not %d",
                                tdmr.base(), offset, b, bytes[k * PamtEntry.BYTES + b], expected));
                    }
                }
            }
        }
        for (PageSize large : new PageSize[] {PageSize.SIZE_2M, PageSize.SIZE_1G}) {
            TdmrSpec.Area area = tdmr.pamt(large);
            byte[] bytes = driver.memory().read(area.start(), (int) area.size());
            for (byte b : bytes) {
                assertEquals(0, b, large + " PAMT of TDMR 0x" + Long.toHexString(tdmr.base()));
            }
        }
    }

    private static boolean inReservedArea(TdmrSpec tdmr, long offset) {
        return tdmr.reserved().stream().anyMatch(a -> offset >= a.start() && offset < a.end());
    }
}
