package org.tdxemu.seamcall.metadata;

import java.util.Arrays;
import java.util.List;

/**
 * The global (SYS context) metadata fields, in the module's table order, which is the order
 * TDH.SYS.RD's "next field" walks (module-abi.md §6.2; 1.5.05 table, which adds
 * MAX_VCPUS_PER_TD to 1.5.01's). A field may be an array: {@link #fields()} consecutive field
 * codes of {@link #elements()} elements each; element k of field f has field code
 * {@code code + f * elements + k}.
 *
 * <p>Two fields stand only in the tables of modules that support Dynamic PAMT, after the PAMT
 * entry sizes ({@link #isDynamicPamtOnly()}, dynamic-pamt.md §2.1): {@link #table(boolean)} is a
 * module's table with or without them.
 */
public enum SysField {
    NUM_PKGS(0x0000000200000000L),
    PKG_FMS(0x0000000200000001L, 8, 1),
    VENDOR_ID(0x0800000200000000L),
    BUILD_DATE(0x8800000200000001L),
    BUILD_NUM(0x8800000100000002L),
    MINOR_VERSION(0x0800000100000003L),
    MAJOR_VERSION(0x0800000100000004L),
    UPDATE_VERSION(0x0800000100000005L),
    INTERNAL_VERSION(0x0800000100000006L),
    MODULE_HV(0x8900000100000000L),
    MIN_UPDATE_HV(0x8900000100000001L),
    NO_DOWNGRADE(0x8900000000000002L),
    NUM_HANDOFF_PAGES(0x8900000100000003L),
    HANDOFF_DATA_VALID(0x8900000000000004L),
    HANDOFF_DATA_HV(0x8900000100000005L),
    HANDOFF_DATA_SIZE(0x8900000200000006L),
    SYS_ATTRIBUTES(0x0A00000200000000L),
    NUM_TDX_FEATURES(0x0A00000000000001L),
    TDX_FEATURES0(0x0A00000300000008L),
    NUM_CMRS(0x9000000100000000L),
    CMR_BASE(0x9000000300000080L, 32, 1),
    CMR_SIZE(0x9000000300000100L, 32, 1),
    MAX_TDMRS(0x9100000100000008L),
    MAX_RESERVED_PER_TDMR(0x9100000100000009L),
    PAMT_4K_ENTRY_SIZE(0x9100000100000010L),
    PAMT_2M_ENTRY_SIZE(0x9100000100000011L),
    PAMT_1G_ENTRY_SIZE(0x9100000100000012L),
    /** Bits of the 4K-level bitmap per 4 KiB page; the Dynamic PAMT series reads it as 0x9100000100000013. */
    PAMT_PAGE_BITMAP_ENTRY_BITS(0x9100000000000013L),
    /** The fewest HKID bits with which Dynamic PAMT can be enabled; no kernel reads it. */
    MIN_DYNAMIC_PAMT_NUM_HKID_BITS(0x9100000000000014L),
    TDR_BASE_SIZE(0x9800000100000000L),
    TDCS_BASE_SIZE(0x9800000100000100L),
    TDCS_SIZE_PER_L2_VM(0x9800000100000101L),
    TDVPS_BASE_SIZE(0x9800000100000200L),
    TDVPS_SIZE_PER_L2_VM(0x9800000100000201L),
    ATTRIBUTES_FIXED0(0x1900000300000000L),
    ATTRIBUTES_FIXED1(0x1900000300000001L),
    XFAM_FIXED0(0x1900000300000002L),
    XFAM_FIXED1(0x1900000300000003L),
    NUM_CPUID_CONFIG(0x9900000100000004L),
    CONFIG_FLAGS_FIXED0(0x9900000300000006L),
    CONFIG_FLAGS_FIXED1(0x9900000300000007L),
    /** Not in 1.5.01; present from 1.5.05 (module-abi.md §7 item 8). */
    MAX_VCPUS_PER_TD(0x9900000100000008L),
    CPUID_CONFIG_LEAVES(0x9900000300000400L, 32, 1),
    CPUID_CONFIG_VALUES(0x9900000300000500L, 32, 2),
    IA32_ARCH_CAPABILITIES_CONFIG_MASK(0x9900000300000600L),
    NUM_ALLOWED_FMS(0x9900000100000800L),
    NUM_DISALLOWED_FMS(0x9900000100000801L),
    ALLOWED_FMS(0x9900000300000810L, 64, 1),
    DISALLOWED_FMS(0x9900000300000850L, 64, 1),
    MIG_ATTRIBUTES(0xA000000300000000L),
    MIN_EXPORT_VERSION(0x2000000100000001L),
    MAX_EXPORT_VERSION(0x2000000100000002L),
    MIN_IMPORT_VERSION(0x2000000100000003L),
    MAX_IMPORT_VERSION(0x2000000100000004L),
    MAX_MIGS(0xA000000100000010L),
    NUM_IMMUTABLE_STATE_PAGES(0xA000000000000020L),
    NUM_TD_STATE_PAGES(0xA000000000000021L),
    NUM_VP_STATE_PAGES(0xA000000000000022L),
    MAX_SERV_TDS(0xA100000100000000L),
    SERVTD_ATTR_FIXED0(0xA100000300000001L),
    SERVTD_ATTR_FIXED1(0xA100000300000002L),
    GUEST_L2_GPA_ATTR_MASK(0xA200000100000000L),
    VM_CTLS_FIXED0(0xA200000300000001L),
    VM_CTLS_FIXED1(0xA200000300000002L),
    /** Spelled "VPCU" in the module's table. */
    VPCU_L2_CTLS_FIXED0(0xA200000300000003L),
    VCPU_L2_CTLS_FIXED1(0xA200000300000004L),
    /** Spelled "VPCU" in the module's table. */
    VPCU_L2_DEBUG_CTLS_FIXED0(0xA200000300000005L),
    VCPU_L2_DEBUG_CTLS_FIXED1(0xA200000300000006L);

    private final FieldId id;
    private final int fields;
    private final int elements;

    SysField(long id) {
        this(id, 1, 1);
    }

    SysField(long id, int fields, int elements) {
        this.id = new FieldId(id);
        this.fields = fields;
        this.elements = elements;
    }

    private static final List<SysField> WITHOUT_DYNAMIC_PAMT = Arrays.stream(values())
            .filter(f -> !f.isDynamicPamtOnly()).toList();
    private static final List<SysField> WITH_DYNAMIC_PAMT = List.of(values());

    /** A module's table in order: the 1.5.05 table, with the Dynamic PAMT fields when the module supports it. */
    public static List<SysField> table(boolean dynamicPamt) {
        return dynamicPamt ? WITH_DYNAMIC_PAMT : WITHOUT_DYNAMIC_PAMT;
    }

    /** Whether the field stands only in the table of a module that supports Dynamic PAMT. */
    public boolean isDynamicPamtOnly() {
        return this == PAMT_PAGE_BITMAP_ENTRY_BITS || this == MIN_DYNAMIC_PAMT_NUM_HKID_BITS;
    }

    /** The ID of the first element of the first field. */
    public FieldId id() {
        return id;
    }

    public int fields() {
        return fields;
    }

    public int elements() {
        return elements;
    }

    public int elementBytes() {
        return id.elementBytes();
    }

    /** The ID of element {@code element} of field {@code field} (for single fields: 0, 0). */
    public FieldId id(int field, int element) {
        if (field < 0 || field >= fields || element < 0 || element >= elements) {
            throw new IndexOutOfBoundsException(name() + " has " + fields + " fields of " + elements
                    + " elements: " + field + ", " + element);
        }
        return id.plusFieldCode(field * elements + element);
    }
}
