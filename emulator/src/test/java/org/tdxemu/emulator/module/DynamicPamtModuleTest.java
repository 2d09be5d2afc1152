package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.emulator.testing.StatusAssert.assertStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.MetadataTestSupport.ReadElement;
import org.tdxemu.emulator.module.state.KeyOwnerTable;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformKeyIds;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.MetadataList;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * A module build with Dynamic PAMT (dynamic-pamt.md §2): what it reports, what TDH.SYS.CONFIG takes
 * in R8 and accepts as a 4K PAMT, and what TDH.SYS.TDMR.INIT does; and that without the option, or
 * without R8 bit 16, nothing changes. Values are written out here from the reference.
 */
class DynamicPamtModuleTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long SUCCESS = 0;
    private static final long OPERAND_INVALID_R8 = 0xC000010000000008L;
    private static final long FIELD_ID_INCORRECT = 0xC0000C0000000000L;
    private static final long INVALID_PAMT_TDMR_0_4K = 0xC0000A1000000000L;
    private static final long INVALID_PAMT_TDMR_0_2M = 0xC0000A1000000100L;
    private static final long PAMT_OVERLAP_TDMR_0_4K_WITH_0 = 0xC0000A1200000000L;
    private static final long TDMR_ALREADY_INITIALIZED = 0x00000A0300000000L;
    private static final long ENABLE = 1L << 16;
    private static final long GLOBAL_HKID = 32;

    private static final long TDX_FEATURES0 = 0x0A00000300000008L;
    private static final long PAMT_1G_ENTRY_SIZE = 0x9100000100000012L;
    private static final long BITMAP_BITS = 0x9100000000000013L;
    private static final long BITMAP_BITS_AS_LINUX_READS_IT = 0x9100000100000013L;
    private static final long MIN_HKID_BITS = 0x9100000000000014L;
    private static final long TDR_BASE_SIZE = 0x9800000100000000L;

    private static final List<Range> CMRS = List.of(new Range(0x100000, 0x80000000L), new Range(GIB << 2, GIB << 4));
    /** [4 GiB, 6 GiB) with a bitmap of 64 KiB, a 2M PAMT of 16 KiB and a 1G PAMT of 4 KiB at 1 GiB. */
    private static final TdmrSpec BITMAPPED = TdmrSpec.of(4 * GIB, 2 * GIB).withBitmapPamtsAt(GIB);

    private final List<ModuleDriver> drivers = new ArrayList<>();

    @AfterEach
    void closeDrivers() {
        drivers.forEach(ModuleDriver::close);
    }

    private static ModuleSettings withDynamicPamt() {
        return ModuleSettings.defaults(ModuleVersion.V1_5).withDynamicPamt(true);
    }

    private ModuleDriver driver(ModuleSettings settings, int keyIdBits) {
        Platform platform = Platform.builder().cpus(2, 2).cmrRanges(CMRS)
                .keyIds(new PlatformKeyIds(keyIdBits > 4 ? 31 : 1, keyIdBits > 4 ? 32 : 6, keyIdBits)).build();
        ModuleDriver driver = ModuleDriver.over(platform, settings);
        drivers.add(driver);
        return driver;
    }

    private ModuleDriver sysInitDone(ModuleSettings settings) {
        return driver(settings, 6).sysInitDone();
    }

    private static long config(ModuleDriver driver, List<TdmrSpec> tdmrs, long r8) {
        return driver.config(driver.writeTdmrs(tdmrs), tdmrs.size(), r8);
    }

    // ---- the build and what it reports ---------------------------------------------------------

    @Test
    void theOptionSetsFeatureBit36AndOnlyA15BuildTakesIt() {
        ModuleSettings settings = withDynamicPamt();
        assertEquals(0x10001F0EBFL, settings.tdxFeatures0());
        assertEquals(0x10001F0EBFL, settings.withTdxFeatures0(0x1F0EBFL).tdxFeatures0(), "bit 36 whatever is given");
        assertEquals(0x1F0EBFL, settings.withDynamicPamt(false).tdxFeatures0());
        assertEquals(1L << 36, ModuleSettings.defaults(ModuleVersion.V1_5).withTdxFeatures0(1L << 36)
                .withDynamicPamt(false).tdxFeatures0(), "a build without it may still claim bit 36");
        assertThrows(IllegalArgumentException.class,
                () -> ModuleSettings.defaults(ModuleVersion.V1_0).withDynamicPamt(true));
    }

    @Test
    void rdReportsBit36AndBothFieldsAfterThePamtEntrySizesInTableOrder() {
        try (MetadataTestSupport s = new MetadataTestSupport(withDynamicPamt()).initialized()) {
            assertEquals(0x10001F0EBFL, s.sysRd(TDX_FEATURES0).r8());
            assertEquals(BITMAP_BITS, s.sysRd(PAMT_1G_ENTRY_SIZE).rdx(), "the next field after the 1G entry size");
            RegisterFile bits = s.sysRd(BITMAP_BITS);
            assertStatus(SUCCESS, bits.rax());
            assertEquals(1, bits.r8());
            assertEquals(MIN_HKID_BITS, bits.rdx());
            RegisterFile hkidBits = s.sysRd(MIN_HKID_BITS);
            assertEquals(4, hkidBits.r8(), "MAX_PA 52 less 48");
            assertEquals(TDR_BASE_SIZE, hkidBits.rdx());

            List<ReadElement> walk = s.walk();
            assertEquals(357, walk.size());
            int at = walk.indexOf(new ReadElement(PAMT_1G_ENTRY_SIZE, 16));
            assertEquals(List.of(new ReadElement(BITMAP_BITS, 1), new ReadElement(MIN_HKID_BITS, 4)),
                    walk.subList(at + 1, at + 3));
        }
    }

    /** dynamic-pamt.md §2.1: the lookup goes by class and field code, so Linux's 16-bit spelling finds the field. */
    @Test
    void theFieldIdLinuxReadsFindsTheBitmapField() {
        try (MetadataTestSupport s = new MetadataTestSupport(withDynamicPamt()).initialized()) {
            RegisterFile read = s.sysRd(BITMAP_BITS_AS_LINUX_READS_IT);
            assertStatus(SUCCESS, read.rax());
            assertEquals(1, read.r8());
            assertEquals(MIN_HKID_BITS, read.rdx(), "the next entry's ID as the table has it");
        }
    }

    @Test
    void withoutTheOptionTheFieldsAreNotThereAndBit36IsClear() {
        try (MetadataTestSupport s = new MetadataTestSupport(ModuleSettings.defaults(ModuleVersion.V1_5))
                .initialized()) {
            assertEquals(0x1F0EBFL, s.sysRd(TDX_FEATURES0).r8());
            assertEquals(TDR_BASE_SIZE, s.sysRd(PAMT_1G_ENTRY_SIZE).rdx());
            for (long id : new long[] {BITMAP_BITS, BITMAP_BITS_AS_LINUX_READS_IT, MIN_HKID_BITS}) {
                RegisterFile read = s.sysRd(id);
                assertStatus(FIELD_ID_INCORRECT, read.rax());
                assertEquals(FieldId.NULL, read.rdx());
                assertEquals(0, read.r8());
            }
        }
    }

    /** The two fields make one sequence of 8-bit elements: 24 bytes and one sequence more than 1.5.05's 3144 and 37. */
    @Test
    void rdallListsTheFieldsAsASequenceOfTheirOwn() {
        try (MetadataTestSupport s = new MetadataTestSupport(withDynamicPamt()).initialized()) {
            RegisterFile out = new RegisterFile().set(Gpr.RDX, MetadataTestSupport.LIST_PA).set(Gpr.R8, FieldId.NULL);
            assertStatus(SUCCESS, s.call(0, Leaf.TDH_SYS_RDALL, out));
            MetadataList list = MetadataList.at(s.memory, MetadataTestSupport.LIST_PA);
            assertEquals(3168, list.listBuffSize());
            assertEquals(38, list.numSequences());
            List<MetadataList.Sequence> sequences = list.sequences();
            int at = 0;
            while (sequences.get(at).header().raw() != 0x9100004000000013L) {
                at++;
            }
            assertEquals(List.of(1L, 4L), sequences.get(at).elements());
            assertEquals(0x9100008100000010L, sequences.get(at - 1).header().raw(), "the three PAMT entry sizes");

            RegisterFile from = new RegisterFile().set(Gpr.RDX, MetadataTestSupport.LIST_PA).set(Gpr.R8, BITMAP_BITS);
            assertStatus(SUCCESS, s.call(0, Leaf.TDH_SYS_RDALL, from));
            assertEquals(0x9100004000000013L, list.sequences().get(0).header().raw());
            RegisterFile wrongSize = new RegisterFile().set(Gpr.RDX, MetadataTestSupport.LIST_PA)
                    .set(Gpr.R8, BITMAP_BITS_AS_LINUX_READS_IT);
            assertStatus(FIELD_ID_INCORRECT, s.call(0, Leaf.TDH_SYS_RDALL, wrongSize),
                    "RDALL wants a start ID with the field's element size, as for every field");
        }
    }

    // ---- TDH.SYS.CONFIG ------------------------------------------------------------------------

    @Test
    void bit16IsReservedOnABuildWithoutTheOptionAndNothingIsReserved() {
        ModuleDriver driver = sysInitDone(ModuleSettings.defaults(ModuleVersion.V1_5));
        TdmrSpec tdmr = TdmrSpec.of(4 * GIB, 2 * GIB).withPamtsAt(GIB);
        assertStatus(OPERAND_INVALID_R8, config(driver, List.of(tdmr), GLOBAL_HKID | ENABLE));
        assertEquals(SysState.SYSINIT_DONE, driver.module().state());
        assertEquals(KeyOwnerTable.HKID_FREE, driver.module().context().kot.state((int) GLOBAL_HKID));
        assertStatus(SUCCESS, config(driver, List.of(tdmr), GLOBAL_HKID));
        assertFalse(driver.module().status().dynamicPamt());
    }

    @Test
    void bit16EnablesDynamicPamtAndTheBitmapIsAValid4kPamt() {
        ModuleDriver driver = sysInitDone(withDynamicPamt());
        assertStatus(SUCCESS, config(driver, List.of(BITMAPPED), GLOBAL_HKID | ENABLE));
        assertEquals(SysState.SYSCONFIG_DONE, driver.module().state());
        assertTrue(driver.module().status().dynamicPamt());
        assertEquals(32, driver.module().status().hkid());
    }

    @Test
    void theBitmapIsOneBitPerPageAndNotAByteLess() {
        long exact = 2 * GIB / 4096 / 8;
        for (long size : new long[] {exact - 1, exact - 4096}) {
            ModuleDriver driver = sysInitDone(withDynamicPamt());
            TdmrSpec small = BITMAPPED.withPamt(PageSize.SIZE_4K, GIB, size);
            assertStatus(INVALID_PAMT_TDMR_0_4K, config(driver, List.of(small), GLOBAL_HKID | ENABLE));
            assertEquals(SysState.SYSINIT_DONE, driver.module().state());
        }
    }

    @Test
    void withoutBit16TheBitmapIsTooSmallForA4kPamtEvenOnABuildWithTheOption() {
        ModuleDriver driver = sysInitDone(withDynamicPamt());
        assertStatus(INVALID_PAMT_TDMR_0_4K, config(driver, List.of(BITMAPPED), GLOBAL_HKID));
        assertStatus(SUCCESS, config(driver, List.of(TdmrSpec.of(4 * GIB, 2 * GIB).withPamtsAt(GIB)), GLOBAL_HKID));
        assertFalse(driver.module().status().dynamicPamt());
    }

    @Test
    void underDynamicPamtThe2mLevelIsCheckedAsEverAndTheBitmapOverlapsLikeAnyPamt() {
        ModuleDriver short2m = sysInitDone(withDynamicPamt());
        TdmrSpec small2m = BITMAPPED.withPamt(PageSize.SIZE_2M, BITMAPPED.pamt(PageSize.SIZE_2M).start(),
                BITMAPPED.pamt(PageSize.SIZE_2M).size() - 4096);
        assertStatus(INVALID_PAMT_TDMR_0_2M, config(short2m, List.of(small2m), GLOBAL_HKID | ENABLE));

        ModuleDriver overlapping = sysInitDone(withDynamicPamt());
        TdmrSpec onItsOwn2m = BITMAPPED.withPamt(PageSize.SIZE_4K, BITMAPPED.pamt(PageSize.SIZE_2M).start(),
                BITMAPPED.pamt(PageSize.SIZE_4K).size());
        assertStatus(PAMT_OVERLAP_TDMR_0_4K_WITH_0, config(overlapping, List.of(onItsOwn2m), GLOBAL_HKID | ENABLE));
    }

    /** dynamic-pamt.md §2.2: with 3 KeyID bits they start at bit 49; with 4 at bit 48, the highest allowed. */
    @Test
    void bit16IsRefusedWhenTheKeyIdBitsStartAboveBit48() {
        ModuleDriver start49 = driver(withDynamicPamt(), 3).sysInitDone();
        assertStatus(OPERAND_INVALID_R8, config(start49, List.of(BITMAPPED), 2 | ENABLE));
        assertEquals(KeyOwnerTable.HKID_FREE, start49.module().context().kot.state(2));
        assertStatus(SUCCESS, config(start49, List.of(TdmrSpec.of(4 * GIB, 2 * GIB).withPamtsAt(GIB)), 2));

        ModuleDriver start48 = driver(withDynamicPamt(), 4).sysInitDone();
        assertStatus(SUCCESS, config(start48, List.of(BITMAPPED), 2 | ENABLE));
        assertTrue(start48.module().status().dynamicPamt());
    }

    @Test
    void theBitsAbove16AreReservedOnABuildWithTheOption() {
        ModuleDriver driver = sysInitDone(withDynamicPamt());
        assertStatus(OPERAND_INVALID_R8, config(driver, List.of(BITMAPPED), GLOBAL_HKID | ENABLE | 1L << 17));
        assertStatus(OPERAND_INVALID_R8, config(driver, List.of(BITMAPPED), GLOBAL_HKID | 1L << 63));
        assertStatus(OPERAND_INVALID_R8, config(driver, List.of(BITMAPPED), 31 | ENABLE), "31 is an MKTME KeyID");
    }

    // ---- TDH.SYS.TDMR.INIT ---------------------------------------------------------------------

    private ModuleDriver readyWithDynamicPamt(List<TdmrSpec> tdmrs) {
        return driver(withDynamicPamt(), 6).ready(tdmrs, GLOBAL_HKID | ENABLE);
    }

    /** dynamic-pamt.md §2.4: 4096 pages a call, 16 MiB; RDX still rounded down to the GiB. */
    @Test
    void eachCallInitializes16MibAndRdxStillCountsWholeGibs() {
        ModuleDriver driver = readyWithDynamicPamt(List.of(BITMAPPED));
        List<Long> rdx = new ArrayList<>();
        for (int call = 0; call < 128; call++) {
            RegisterFile out = driver.tdmrInit(0, BITMAPPED.base());
            assertStatus(SUCCESS, out.rax());
            rdx.add(out.rdx());
            assertEquals(BITMAPPED.base() + (call + 1) * 16 * MIB, driver.module().status().tdmrs().get(0).next());
        }
        assertEquals(4 * GIB, rdx.get(62));
        assertEquals(5 * GIB, rdx.get(63), "the 64th call completes the first GiB");
        assertEquals(6 * GIB, rdx.get(127));
        assertStatus(TDMR_ALREADY_INITIALIZED, driver.tdmrInit(0, BITMAPPED.base()).rax());
        assertEquals(128, readyWithDynamicPamt(List.of(BITMAPPED)).initializeTdmr(1, BITMAPPED), "as Linux loops");
    }

    /** The bitmap is written 0 page by page, reserved pages too (a choice); 2M and 1G entries as without it. */
    @Test
    void theBitmapIsZeroedAndThe2mAnd1gEntriesAreWrittenAsEver() {
        TdmrSpec reserved = BITMAPPED.withReserved(0, 64 * MIB);
        ModuleDriver driver = readyWithDynamicPamt(List.of(reserved));
        for (PageSize ps : PageSize.values()) {
            driver.memory().fill(reserved.pamt(ps).start(), reserved.pamt(ps).size(), (byte) 0xAB);
        }
        driver.tdmrInit(0, reserved.base());
        byte[] bitmap = driver.memory().read(reserved.pamt(PageSize.SIZE_4K).start(), 1024);
        byte[] expected = new byte[1024];
        Arrays.fill(expected, 512, 1024, (byte) 0xAB);
        assertArrayEquals(expected, bitmap, "one call: the first 4096 pages' 512 bytes of bitmap");
        byte[] twoMeg = driver.memory().read(reserved.pamt(PageSize.SIZE_2M).start(), 16 * 16);
        byte[] expected2m = new byte[16 * 16];
        Arrays.fill(expected2m, 8 * 16, 16 * 16, (byte) 0xAB);
        assertArrayEquals(expected2m, twoMeg, "one call: eight 2M entries of 16 bytes");

        driver.initializeTdmr(0, reserved);
        assertArrayEquals(new byte[64 * 1024], driver.memory().read(reserved.pamt(PageSize.SIZE_4K).start(), 64 * 1024));
        assertArrayEquals(new byte[16 * 1024], driver.memory().read(reserved.pamt(PageSize.SIZE_2M).start(), 16 * 1024));
        assertArrayEquals(new byte[32], driver.memory().read(reserved.pamt(PageSize.SIZE_1G).start(), 32));
    }

    @Test
    void aConfigWithoutBit16KeepsThe4MibCallsOnABuildWithTheOption() {
        TdmrSpec tdmr = TdmrSpec.of(4 * GIB, GIB).withPamtsAt(GIB);
        ModuleDriver driver = driver(withDynamicPamt(), 6).ready(List.of(tdmr));
        assertFalse(driver.module().status().dynamicPamt());
        assertEquals(256, driver.initializeTdmr(0, tdmr));
    }
}
