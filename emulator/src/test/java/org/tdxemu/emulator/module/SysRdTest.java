package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.emulator.module.MetadataTestSupport.CPUID_CONFIGS_1_5;
import static org.tdxemu.emulator.module.MetadataTestSupport.FMS;
import static org.tdxemu.emulator.module.MetadataTestSupport.SETTINGS_1_5;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertStatus;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertSuccess;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.MetadataTestSupport.ReadElement;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.RD (module-abi.md §4.7, §6.2): the whole table as a walk from the null ID, every field
 * Linux reads (§6.3, kernel-init.md §2.5), and each way a field ID is refused. Field IDs and values
 * are written out here from the reference, not taken from {@link SysField}.
 */
class SysRdTest {

    private static final long FIELD_ID_INCORRECT = 0xC0000C0000000000L;
    private static final long MAX_TDMRS = 0x9100000100000008L;
    private static final long CMR_BASE_0 = 0x9000000300000080L;

    /** The sample platform's table, element by element in table order, with SETTINGS_1_5. */
    private static List<ReadElement> expectedWalk() {
        List<ReadElement> walk = new ArrayList<>();
        add(walk, 0x0000000200000000L, 2);
        for (int p = 0; p < 8; p++) {
            add(walk, 0x0000000200000001L + p, p < 2 ? FMS : 0);
        }
        add(walk, 0x0800000200000000L, 0x8086);
        add(walk, 0x8800000200000001L, 20240305);
        add(walk, 0x8800000100000002L, 744);
        add(walk, 0x0800000100000003L, 5);
        add(walk, 0x0800000100000004L, 1);
        add(walk, 0x0800000100000005L, 5);
        add(walk, 0x0800000100000006L, 3);
        add(walk, 0x8900000100000000L, 2);
        add(walk, 0x8900000100000001L, 1);
        add(walk, 0x8900000000000002L, 1);
        add(walk, 0x8900000100000003L, 0);
        add(walk, 0x8900000000000004L, 0);
        add(walk, 0x8900000100000005L, 0);
        add(walk, 0x8900000200000006L, 0);
        add(walk, 0x0A00000200000000L, 0);
        add(walk, 0x0A00000000000001L, 1);
        add(walk, 0x0A00000300000008L, 0x1F0EBFL);
        add(walk, 0x9000000100000000L, 32);
        long[] cmrBases = {0x10_0000L, 0x1_0000_0000L, 0x1_8000_0000L};
        long[] cmrSizes = {0x7770_0000L, 0x8000_0000L, 0x4000_0000L};
        for (int i = 0; i < 32; i++) {
            add(walk, CMR_BASE_0 + i, i < 3 ? cmrBases[i] : 0);
        }
        for (int i = 0; i < 32; i++) {
            add(walk, 0x9000000300000100L + i, i < 3 ? cmrSizes[i] : 0);
        }
        add(walk, MAX_TDMRS, 48);
        add(walk, 0x9100000100000009L, 12);
        add(walk, 0x9100000100000010L, 16);
        add(walk, 0x9100000100000011L, 32);
        add(walk, 0x9100000100000012L, 64);
        add(walk, 0x9800000100000000L, 4096);
        add(walk, 0x9800000100000100L, 24576);
        add(walk, 0x9800000100000101L, 4096);
        add(walk, 0x9800000100000200L, 24576);
        add(walk, 0x9800000100000201L, 12288);
        add(walk, 0x1900000300000000L, 0x8000000070000001L);
        add(walk, 0x1900000300000001L, 0);
        add(walk, 0x1900000300000002L, 0x6DBE7L);
        add(walk, 0x1900000300000003L, 0x3);
        add(walk, 0x9900000100000004L, 18);
        add(walk, 0x9900000300000006L, 0x7);
        add(walk, 0x9900000300000007L, 0);
        add(walk, 0x9900000100000008L, 576);
        for (int i = 0; i < 32; i++) {
            add(walk, 0x9900000300000400L + i, i < 18 ? cpuidLeafAndSubleaf(i) : -1L);
        }
        for (int i = 0; i < 32; i++) {
            add(walk, 0x9900000300000500L + 2 * i, i < 18 ? cpuidValues(i, 2, 3) : 0);
            add(walk, 0x9900000300000501L + 2 * i, i < 18 ? cpuidValues(i, 4, 5) : 0);
        }
        add(walk, 0x9900000300000600L, 1L << 4 | 1L << 19 | 1L << 20 | 1L << 24);
        add(walk, 0x9900000100000800L, 2);
        add(walk, 0x9900000100000801L, 0);
        for (int i = 0; i < 64; i++) {
            add(walk, 0x9900000300000810L + i, i == 0 ? FMS : i == 1 ? 0x806F8 : 0);
        }
        for (int i = 0; i < 64; i++) {
            add(walk, 0x9900000300000850L + i, 0);
        }
        add(walk, 0xA000000300000000L, 0);
        for (int v = 1; v <= 4; v++) {
            add(walk, 0x2000000100000000L + v, 0);
        }
        add(walk, 0xA000000100000010L, 512);
        add(walk, 0xA000000000000020L, 3);
        add(walk, 0xA000000000000021L, 2);
        add(walk, 0xA000000000000022L, 5);
        add(walk, 0xA100000100000000L, 1);
        add(walk, 0xA100000300000001L, 0x000007FF00000001L);
        add(walk, 0xA100000300000002L, 0);
        add(walk, 0xA200000100000000L, 0x807F);
        long[] l2Controls = {0x1, 0, 0x3, 0, 0x7, 0};
        for (int i = 0; i < l2Controls.length; i++) {
            add(walk, 0xA200000300000001L + i, l2Controls[i]);
        }
        return walk;
    }

    private static void add(List<ReadElement> walk, long id, long value) {
        walk.add(new ReadElement(id, value));
    }

    private static long cpuidLeafAndSubleaf(int i) {
        return Integer.toUnsignedLong(CPUID_CONFIGS_1_5[i][0]) | (long) CPUID_CONFIGS_1_5[i][1] << 32;
    }

    private static long cpuidValues(int i, int low, int high) {
        return Integer.toUnsignedLong(CPUID_CONFIGS_1_5[i][low]) | (long) CPUID_CONFIGS_1_5[i][high] << 32;
    }

    private static void assertRefused(RegisterFile out) {
        assertStatus(FIELD_ID_INCORRECT, out.rax());
        assertEquals(FieldId.NULL, out.rdx(), "RDX");
        assertEquals(0, out.r8(), "R8");
    }

    @Test
    void aWalkFromTheNullIdReadsEveryElementInTableOrderAndEndsWithTheNullId() {
        int elements = SysField.table(false).stream().mapToInt(f -> f.fields() * f.elements()).sum();
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            List<ReadElement> walk = s.walk();

            assertEquals(elements, walk.size());
            assertEquals(expectedWalk(), walk);
            RegisterFile last = s.sysRd(0xA200000300000006L);
            assertSuccess(last.rax());
            assertEquals(FieldId.NULL, last.rdx());
        }
    }

    @Test
    void theNullIdAnswersWithTheFirstFieldWhateverItsContextBits() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            for (long context = 0; context < 8; context++) {
                RegisterFile out = s.sysRd(MetadataTestSupport.nullId(context));

                assertStatus(StatusCode.TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT.value(), out.rax());
                assertEquals(0x0000000200000000L, out.rdx());
                assertEquals(0, out.r8());
            }
        }
    }

    /** The kernel's read order: version, features, TDMR, TD control, TD configuration (kernel-init.md §1.3 C). */
    @Test
    void everyFieldLinuxReadsAnswersWithItsValue() {
        long[][] reads = {
            {0x0800000100000003L, 5}, {0x0800000100000004L, 1}, {0x0800000100000005L, 5},
            {0x0A00000300000008L, 0x1F0EBFL},
            {MAX_TDMRS, 48}, {0x9100000100000009L, 12},
            {0x9100000100000010L, 16}, {0x9100000100000011L, 32}, {0x9100000100000012L, 64},
            {0x9800000100000000L, 4096}, {0x9800000100000100L, 24576}, {0x9800000100000200L, 24576},
            {0x1900000300000000L, 0x8000000070000001L}, {0x1900000300000001L, 0},
            {0x1900000300000002L, 0x6DBE7L}, {0x1900000300000003L, 0x3},
            {0x9900000100000004L, 18}, {0x9900000100000008L, 576},
            {0x9000000100000000L, 32}, {CMR_BASE_0 + 1, 0x1_0000_0000L}, {0x9000000300000102L, 0x4000_0000L},
            {CMR_BASE_0 + 31, 0}, {0x900000030000011FL, 0},
        };
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            for (long[] read : reads) {
                RegisterFile out = s.sysRd(read[0]);
                assertSuccess(out.rax());
                assertEquals(read[1], out.r8(), () -> String.format("field 0x%016x", read[0]));
            }
            for (int i = 0; i < 18; i++) {
                assertEquals(cpuidLeafAndSubleaf(i), s.sysRd(0x9900000300000400L + i).r8());
                assertEquals(cpuidValues(i, 2, 3), s.sysRd(0x9900000300000500L + 2 * i).r8());
                assertEquals(cpuidValues(i, 4, 5), s.sysRd(0x9900000300000501L + 2 * i).r8());
            }
        }
    }

    @Test
    void theContextBitsAreIgnored() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            RegisterFile out = s.sysRd(MAX_TDMRS | 2L << FieldId.CONTEXT_CODE_SHIFT);

            assertSuccess(out.rax());
            assertEquals(48, out.r8());
            assertEquals(0x9100000100000009L, out.rdx());
        }
    }

    @Test
    void reservedBitsAndAnyLastElementOrLastFieldAreRefused() {
        List<Long> bits = new ArrayList<>();
        for (int bit : new int[] {24, 25, 26, 27, 28, 29, 30, 31, 34, 37, 38, 46, 47, 48, 49, 55, 62}) {
            bits.add(1L << bit);
        }
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            for (long bit : bits) {
                assertRefused(s.sysRd(MAX_TDMRS | bit));
            }
        }
    }

    @Test
    void aWrongElementSizeStillReadsAndTheNextIdKeepsTheCallersBitsInsideTheEntry() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            RegisterFile sized8 = s.sysRd(0x9100000300000008L);
            assertSuccess(sized8.rax());
            assertEquals(48, sized8.r8());
            assertEquals(0x9100000100000009L, sized8.rdx(), "the next entry's ID comes from the table");

            RegisterFile cmrAs16Bits = s.sysRd(0x9000000100000081L);
            assertSuccess(cmrAs16Bits.rax());
            assertEquals(0x1_0000_0000L, cmrAs16Bits.r8(), "the value keeps the field's own size");
            assertEquals(0x9000000100000082L, cmrAs16Bits.rdx());

            RegisterFile lastCmrBase = s.sysRd(0x900000010000009FL);
            assertSuccess(lastCmrBase.rax());
            assertEquals(0x9000000300000100L, lastCmrBase.rdx());
        }
    }

    @Test
    void nonArchIncSizeAndWriteMaskValidAreIgnored() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            long[] variants = {MAX_TDMRS & ~FieldId.NON_ARCH_BIT, MAX_TDMRS | FieldId.INC_SIZE_BIT,
                MAX_TDMRS | FieldId.WRITE_MASK_VALID_BIT};
            for (long id : variants) {
                RegisterFile out = s.sysRd(id);
                assertSuccess(out.rax());
                assertEquals(48, out.r8());
            }
            assertEquals(0x1000000300000081L, s.sysRd(CMR_BASE_0 & ~FieldId.NON_ARCH_BIT).rdx());
        }
    }

    @Test
    void aFieldTheTableDoesNotHaveIsRefused() {
        long[] unknown = {
            0x9100000100000013L, // PAMT_PAGE_BITMAP_ENTRY_BITS, a Dynamic PAMT field 1.5.05 lacks
            CMR_BASE_0 + 32, // one past CMR_BASE[31]
            0x3F00000100000000L, // a class with no fields
            0x0000000200FFFFFFL,
        };
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            for (long id : unknown) {
                assertRefused(s.sysRd(id));
            }
        }
    }

    @Test
    void valuesAreMaskedToTheElementSize() {
        ModuleSettings wide = new ModuleSettings(ModuleVersion.V1_5, 64, 16, 16, 16, 16, 0x1F0EBFL, 1, 5, 5, 0,
                0x1_2345_6789L, 0x1_2345, 0, 0, false, false);
        try (MetadataTestSupport s = new MetadataTestSupport(wide).initialized()) {
            assertEquals(0x2345_6789L, s.sysRd(0x8800000200000001L).r8());
            assertEquals(0x2345L, s.sysRd(0x8800000100000002L).r8());
        }
    }

    @Test
    void anLpWithoutLpInitGetsLpInitNotDoneWithTheDefaultOutputs() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5)) {
            s.sysInit();
            RegisterFile out = new RegisterFile().set(Gpr.RDX, MAX_TDMRS).set(Gpr.R8, 0x1234);
            s.call(3, Leaf.TDH_SYS_RD, out);

            assertStatus(StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value(), out.rax());
            assertEquals(FieldId.NULL, out.rdx());
            assertEquals(0, out.r8());
        }
    }

    /** A 6.8 kernel asking a 1.0 module for MAX_TDMRS: the failure canonical/tdx users saw. */
    @Test
    void aV1_0ModuleAnswersTheMetadataLeavesWithSysNotReady() {
        try (MetadataTestSupport s = new MetadataTestSupport(ModuleSettings.defaults(ModuleVersion.V1_0))
                .initialized()) {
            RegisterFile rd = new RegisterFile().set(Gpr.RDX, MAX_TDMRS);
            assertStatus(0xC000050500000000L, s.call(0, Leaf.TDH_SYS_RD, rd));
            assertEquals(MAX_TDMRS, rd.rdx());

            RegisterFile rdAll = new RegisterFile().set(Gpr.RDX, MetadataTestSupport.LIST_PA).set(Gpr.R8, -1L);
            assertStatus(0xC000050500000000L, s.call(0, Leaf.TDH_SYS_RDALL, rdAll));
        }
    }
}
