package org.tdxemu.seamcall.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SysFieldTest {

    /** One row of the SYS field table: the field ID of its first element, element size, shape. */
    private record Row(String name, long id, int elementBytes, int fields, int elements) {
    }

    /**
     * The rows of module-abi.md §6.2 in table order, written out here so that {@link SysField} is
     * held to values typed independently of it. The table gives the four migration version fields
     * (entries 47–50) one row, listed here as MIN_EXPORT_VERSION, and has a row for 1.5.05's
     * MAX_VCPUS_PER_TD: 63 rows for 66 fields.
     */
    private static final List<Row> TABLE = List.of(
            new Row("NUM_PKGS", 0x0000000200000000L, 4, 1, 1),
            new Row("PKG_FMS", 0x0000000200000001L, 4, 8, 1),
            new Row("VENDOR_ID", 0x0800000200000000L, 4, 1, 1),
            new Row("BUILD_DATE", 0x8800000200000001L, 4, 1, 1),
            new Row("BUILD_NUM", 0x8800000100000002L, 2, 1, 1),
            new Row("MINOR_VERSION", 0x0800000100000003L, 2, 1, 1),
            new Row("MAJOR_VERSION", 0x0800000100000004L, 2, 1, 1),
            new Row("UPDATE_VERSION", 0x0800000100000005L, 2, 1, 1),
            new Row("INTERNAL_VERSION", 0x0800000100000006L, 2, 1, 1),
            new Row("MODULE_HV", 0x8900000100000000L, 2, 1, 1),
            new Row("MIN_UPDATE_HV", 0x8900000100000001L, 2, 1, 1),
            new Row("NO_DOWNGRADE", 0x8900000000000002L, 1, 1, 1),
            new Row("NUM_HANDOFF_PAGES", 0x8900000100000003L, 2, 1, 1),
            new Row("HANDOFF_DATA_VALID", 0x8900000000000004L, 1, 1, 1),
            new Row("HANDOFF_DATA_HV", 0x8900000100000005L, 2, 1, 1),
            new Row("HANDOFF_DATA_SIZE", 0x8900000200000006L, 4, 1, 1),
            new Row("SYS_ATTRIBUTES", 0x0A00000200000000L, 4, 1, 1),
            new Row("NUM_TDX_FEATURES", 0x0A00000000000001L, 1, 1, 1),
            new Row("TDX_FEATURES0", 0x0A00000300000008L, 8, 1, 1),
            new Row("NUM_CMRS", 0x9000000100000000L, 2, 1, 1),
            new Row("CMR_BASE", 0x9000000300000080L, 8, 32, 1),
            new Row("CMR_SIZE", 0x9000000300000100L, 8, 32, 1),
            new Row("MAX_TDMRS", 0x9100000100000008L, 2, 1, 1),
            new Row("MAX_RESERVED_PER_TDMR", 0x9100000100000009L, 2, 1, 1),
            new Row("PAMT_4K_ENTRY_SIZE", 0x9100000100000010L, 2, 1, 1),
            new Row("PAMT_2M_ENTRY_SIZE", 0x9100000100000011L, 2, 1, 1),
            new Row("PAMT_1G_ENTRY_SIZE", 0x9100000100000012L, 2, 1, 1),
            new Row("TDR_BASE_SIZE", 0x9800000100000000L, 2, 1, 1),
            new Row("TDCS_BASE_SIZE", 0x9800000100000100L, 2, 1, 1),
            new Row("TDCS_SIZE_PER_L2_VM", 0x9800000100000101L, 2, 1, 1),
            new Row("TDVPS_BASE_SIZE", 0x9800000100000200L, 2, 1, 1),
            new Row("TDVPS_SIZE_PER_L2_VM", 0x9800000100000201L, 2, 1, 1),
            new Row("ATTRIBUTES_FIXED0", 0x1900000300000000L, 8, 1, 1),
            new Row("ATTRIBUTES_FIXED1", 0x1900000300000001L, 8, 1, 1),
            new Row("XFAM_FIXED0", 0x1900000300000002L, 8, 1, 1),
            new Row("XFAM_FIXED1", 0x1900000300000003L, 8, 1, 1),
            new Row("NUM_CPUID_CONFIG", 0x9900000100000004L, 2, 1, 1),
            new Row("CONFIG_FLAGS_FIXED0", 0x9900000300000006L, 8, 1, 1),
            new Row("CONFIG_FLAGS_FIXED1", 0x9900000300000007L, 8, 1, 1),
            new Row("MAX_VCPUS_PER_TD", 0x9900000100000008L, 2, 1, 1),
            new Row("CPUID_CONFIG_LEAVES", 0x9900000300000400L, 8, 32, 1),
            new Row("CPUID_CONFIG_VALUES", 0x9900000300000500L, 8, 32, 2),
            new Row("IA32_ARCH_CAPABILITIES_CONFIG_MASK", 0x9900000300000600L, 8, 1, 1),
            new Row("NUM_ALLOWED_FMS", 0x9900000100000800L, 2, 1, 1),
            new Row("NUM_DISALLOWED_FMS", 0x9900000100000801L, 2, 1, 1),
            new Row("ALLOWED_FMS", 0x9900000300000810L, 8, 64, 1),
            new Row("DISALLOWED_FMS", 0x9900000300000850L, 8, 64, 1),
            new Row("MIG_ATTRIBUTES", 0xA000000300000000L, 8, 1, 1),
            new Row("MIN_EXPORT_VERSION", 0x2000000100000001L, 2, 1, 1),
            new Row("MAX_MIGS", 0xA000000100000010L, 2, 1, 1),
            new Row("NUM_IMMUTABLE_STATE_PAGES", 0xA000000000000020L, 1, 1, 1),
            new Row("NUM_TD_STATE_PAGES", 0xA000000000000021L, 1, 1, 1),
            new Row("NUM_VP_STATE_PAGES", 0xA000000000000022L, 1, 1, 1),
            new Row("MAX_SERV_TDS", 0xA100000100000000L, 2, 1, 1),
            new Row("SERVTD_ATTR_FIXED0", 0xA100000300000001L, 8, 1, 1),
            new Row("SERVTD_ATTR_FIXED1", 0xA100000300000002L, 8, 1, 1),
            new Row("GUEST_L2_GPA_ATTR_MASK", 0xA200000100000000L, 2, 1, 1),
            new Row("VM_CTLS_FIXED0", 0xA200000300000001L, 8, 1, 1),
            new Row("VM_CTLS_FIXED1", 0xA200000300000002L, 8, 1, 1),
            new Row("VPCU_L2_CTLS_FIXED0", 0xA200000300000003L, 8, 1, 1),
            new Row("VCPU_L2_CTLS_FIXED1", 0xA200000300000004L, 8, 1, 1),
            new Row("VPCU_L2_DEBUG_CTLS_FIXED0", 0xA200000300000005L, 8, 1, 1),
            new Row("VCPU_L2_DEBUG_CTLS_FIXED1", 0xA200000300000006L, 8, 1, 1));

    @Test
    void everyFieldOfTheReferenceTableHasItsIdSizeAndShapeInTableOrder() {
        assertEquals(63, TABLE.size());
        int index = 0;
        for (Row row : TABLE) {
            SysField field = SysField.valueOf(row.name());
            while (SysField.values()[index] != field) {
                index++;
            }
            assertEquals(row.id(), field.id().raw(), () -> String.format("%s is 0x%016X", row.name(), row.id()));
            assertEquals(row.elementBytes(), field.elementBytes(), row.name());
            assertEquals(row.fields(), field.fields(), row.name());
            assertEquals(row.elements(), field.elements(), row.name());
        }
        assertEquals(66, SysField.table(false).size());
    }

    /** dynamic-pamt.md §2.1: two 8-bit fields after the PAMT entry sizes, in the tables of modules that have it. */
    @Test
    void aModuleWithDynamicPamtHasTwoMoreFieldsAfterThePamtEntrySizes() {
        List<SysField> table = SysField.table(true);
        assertEquals(68, table.size());
        int at = table.indexOf(SysField.PAMT_1G_ENTRY_SIZE) + 1;
        assertEquals(List.of(SysField.PAMT_PAGE_BITMAP_ENTRY_BITS, SysField.MIN_DYNAMIC_PAMT_NUM_HKID_BITS),
                table.subList(at, at + 2));
        assertEquals(0x9100000000000013L, SysField.PAMT_PAGE_BITMAP_ENTRY_BITS.id().raw());
        assertEquals(0x9100000000000014L, SysField.MIN_DYNAMIC_PAMT_NUM_HKID_BITS.id().raw());
        assertEquals(1, SysField.PAMT_PAGE_BITMAP_ENTRY_BITS.elementBytes());
        assertEquals(1, SysField.MIN_DYNAMIC_PAMT_NUM_HKID_BITS.elementBytes());
        List<SysField> without = new ArrayList<>(table);
        without.removeIf(SysField::isDynamicPamtOnly);
        assertEquals(SysField.table(false), without);
    }

    @Test
    void theMigrationVersionFieldsFollowEachOtherWithConsecutiveCodes() {
        List<SysField> versions = List.of(SysField.MIN_EXPORT_VERSION, SysField.MAX_EXPORT_VERSION,
                SysField.MIN_IMPORT_VERSION, SysField.MAX_IMPORT_VERSION);
        for (int k = 0; k < versions.size(); k++) {
            SysField field = versions.get(k);
            assertEquals(SysField.MIN_EXPORT_VERSION.ordinal() + k, field.ordinal(), field.name());
            assertEquals(0x2000000100000001L + k, field.id().raw(), field.name());
            assertEquals(2, field.elementBytes(), field.name());
            assertEquals(1, field.fields() * field.elements(), field.name());
        }
    }

    @Test
    void arrayElementsHaveConsecutiveFieldCodes() {
        assertEquals(0x9900000300000500L + 2 * 3 + 1, SysField.CPUID_CONFIG_VALUES.id(3, 1).raw());
        assertEquals(0x9000000300000080L + 31, SysField.CMR_BASE.id(31, 0).raw());
        assertThrows(IndexOutOfBoundsException.class, () -> SysField.CMR_BASE.id(32, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> SysField.MAX_TDMRS.id(0, 1));
    }
}
