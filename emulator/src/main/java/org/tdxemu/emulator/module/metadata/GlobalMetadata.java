package org.tdxemu.emulator.module.metadata;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToLongFunction;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.seamcall.layout.CmrInfoArray;
import org.tdxemu.seamcall.layout.CpuidConfig;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.metadata.SysField;

/**
 * The module's global (SYS context) metadata: every element of every field of the 1.5.05 table
 * ({@link SysField#table}, in table order; with the two Dynamic PAMT fields when the build supports
 * it) with the value TDH.SYS.RD reports for it (module-abi.md
 * §6.2), already masked to the element size as the module's read masks do. It is computed once
 * from the platform and the build settings and never changes, so the leaves that read it need no
 * lock. TDH.SYS.INFO takes its values from here too; a 1.0 module has no TDH.SYS.RD, and its table
 * is read by TDH.SYS.INFO alone.
 *
 * <p>Where the reference gives no number, these are the choices:
 * <ul>
 *   <li>PKG_FMS: slots 0 … NUM_PKGS−1 hold the platform's FMS (every package has the same);
 *       the slots of absent packages hold 0, as MCHECK's zeroed table would.</li>
 *   <li>The handoff header: no module ever handed state to this one, so NUM_HANDOFF_PAGES,
 *       HANDOFF_DATA_VALID, HANDOFF_DATA_HV and HANDOFF_DATA_SIZE are 0.</li>
 *   <li>XFAM_FIXED0: the platform is taken to support every XCR0 and IA32_XSS feature the module
 *       knows, so it is the module's mask itself. ATTRIBUTES_FIXED0 leaves out LASS (bit 27): the
 *       platform has no LASS.</li>
 *   <li>ALLOWED_FMS: the module's list of known FMS (intel/tdx-module {@code
 *       src/common/helpers/cpuid_fms.c}, newest first). NUM_ALLOWED_FMS counts the platform's
 *       family and model and every older one; element 0 is the platform's own FMS. A platform
 *       whose family and model the list lacks (the real module stops with a fatal error there)
 *       gets NUM_ALLOWED_FMS = 1 and only its own FMS.</li>
 *   <li>CPUID_CONFIG_VALUES: CONFIG_DIRECT only, see {@link CpuidConfigurable}.</li>
 *   <li>MIN_DYNAMIC_PAMT_NUM_HKID_BITS: {@code max_pa - 48} with the module's MAX_PA of 52 bits,
 *       so 4 (dynamic-pamt.md §2.1).</li>
 * </ul>
 */
public final class GlobalMetadata {

    static final long VENDOR_ID_INTEL = 0x8086;
    static final int MAX_VCPUS_PER_TD = 576;
    /** CPUID_CONFIG_LEAVES beyond NUM_CPUID_CONFIG read as all ones: "no leaf", not an error. */
    static final long NO_CPUID_LEAF = -1L;

    private static final int PAGE_BYTES = (int) PageSize.SIZE_4K.bytes();
    private static final int TDR_PAGES = 1;
    private static final int TDCS_PAGES_PER_L2_VM = 1;
    private static final int TDVPS_PAGES = 6;
    private static final int TDVPS_PAGES_PER_L2_VM = 3;
    private static final int NUM_TDX_FEATURES = 1;
    private static final long XFAM_FIXED0 = 0x0006DBE7L;
    private static final long XFAM_FIXED1 = 0x3L;
    private static final long CONFIG_FLAGS_FIXED0 = 0x7L;
    private static final long IA32_ARCH_CAPABILITIES_CONFIG_MASK = 1L << 4 | 1L << 19 | 1L << 20 | 1L << 24;
    private static final int MAX_MIGS = 512;
    private static final int NUM_IMMUTABLE_STATE_PAGES = 3;
    private static final int NUM_TD_STATE_PAGES = 2;
    private static final int NUM_VP_STATE_PAGES = 5;
    private static final int MAX_SERV_TDS = 1;
    private static final long SERVTD_ATTR_FIXED0 = 0x000007FF00000001L;
    private static final long GUEST_L2_GPA_ATTR_MASK = 0x807FL;
    private static final long VM_CTLS_FIXED0 = 0x1L;
    private static final long VCPU_L2_CTLS_FIXED0 = 0x3L;
    private static final long VCPU_L2_DEBUG_CTLS_FIXED0 = 0x7L;
    /** The FMS of the platforms the module knows, newest first, each with its latest stepping. */
    private static final int[] KNOWN_FMS = {0xD06D0, 0xA06E0, 0xA06D0, 0xA06F0, 0xC06F2, 0x806F8};
    private static final int STEPPING_MASK = 0xF;

    /** Element {@code index} of a table entry, counting across the entry's fields. */
    public record Element(SysField field, int index) {
        public Element {
            if (index < 0 || index >= elementCount(field)) {
                throw new IndexOutOfBoundsException(field + " has " + elementCount(field) + " elements: " + index);
            }
        }

        public int fieldNumber() {
            return index / field.elements();
        }

        public int elementInField() {
            return index % field.elements();
        }

        public boolean startsField() {
            return elementInField() == 0;
        }

        /** The table's ID of this element. */
        public FieldId id() {
            return field.id(fieldNumber(), elementInField());
        }
    }

    /** The entries this build's table has, in order. */
    private final List<SysField> table;
    private final Map<SysField, long[]> values;
    private final List<CpuidConfig> cpuidConfigs;
    private final ModuleVersion version;

    private GlobalMetadata(List<SysField> table, Map<SysField, long[]> values, List<CpuidConfig> cpuidConfigs,
                           ModuleVersion version) {
        this.table = table;
        this.values = values;
        this.cpuidConfigs = cpuidConfigs;
        this.version = version;
    }

    public static GlobalMetadata of(Platform platform, ModuleSettings settings) {
        List<CpuidConfig> cpuidConfigs = CpuidConfigurable.of(settings.version());
        if (cpuidConfigs.size() > SysField.CPUID_CONFIG_LEAVES.fields()) {
            throw new IllegalStateException(cpuidConfigs.size() + " configurable CPUID leaves do not fit "
                    + SysField.CPUID_CONFIG_LEAVES.fields() + " CPUID_CONFIG_LEAVES");
        }
        if (platform.cmrSlots().size() != SysField.CMR_BASE.fields()) {
            throw new IllegalStateException(platform.cmrSlots().size() + " CMR slots for "
                    + SysField.CMR_BASE.fields() + " CMR_BASE fields");
        }
        List<SysField> table = SysField.table(settings.dynamicPamt());
        Map<SysField, long[]> values = new EnumMap<>(SysField.class);
        for (SysField field : table) {
            long[] elements = valuesOf(field, platform, settings, cpuidConfigs);
            if (elements.length != elementCount(field)) {
                throw new IllegalStateException(field + " has " + elementCount(field) + " elements, not "
                        + elements.length);
            }
            long mask = -1L >>> (Long.SIZE - Byte.SIZE * field.elementBytes());
            for (int i = 0; i < elements.length; i++) {
                elements[i] &= mask;
            }
            values.put(field, elements);
        }
        return new GlobalMetadata(table, values, cpuidConfigs, settings.version());
    }

    public static int elementCount(SysField field) {
        return field.fields() * field.elements();
    }

    /** The value of a single-element field. */
    public long value(SysField field) {
        return value(field, 0);
    }

    public long value(SysField field, int index) {
        return value(new Element(field, index));
    }

    public long value(Element element) {
        return values.get(element.field())[element.index()];
    }

    /** What TDH.SYS.INFO lists as CPUID_CONFIG, in index order. */
    public List<CpuidConfig> cpuidConfigs() {
        return cpuidConfigs;
    }

    /** TDSYSINFO's SYS_RD: whether TDH.SYS.RD and RDALL exist to enumerate the rest. */
    public boolean hasMetadataLeaves() {
        return version.hasMetadataLeaves();
    }

    public Element first() {
        return new Element(table.get(0), 0);
    }

    /**
     * The element a field ID names, looked up as the module does by class code and field code
     * alone: the first entry of that class whose field codes cover it.
     */
    public Optional<Element> find(FieldId id) {
        for (SysField field : table) {
            int offset = id.fieldCode() - field.id().fieldCode();
            if (field.id().classCode() == id.classCode() && offset >= 0 && offset < elementCount(field)) {
                return Optional.of(new Element(field, offset));
            }
        }
        return Optional.empty();
    }

    /** The element after this one in table order: the rest of its entry, then the next entry. */
    public Optional<Element> nextElement(Element element) {
        if (element.index() + 1 < elementCount(element.field())) {
            return Optional.of(new Element(element.field(), element.index() + 1));
        }
        return firstOfNextEntry(element.field());
    }

    /** The first element of the field after this element's field, in table order. */
    public Optional<Element> nextField(Element element) {
        if (element.fieldNumber() + 1 < element.field().fields()) {
            return Optional.of(new Element(element.field(), (element.fieldNumber() + 1) * element.field().elements()));
        }
        return firstOfNextEntry(element.field());
    }

    private Optional<Element> firstOfNextEntry(SysField field) {
        int next = table.indexOf(field) + 1;
        return next < table.size() ? Optional.of(new Element(table.get(next), 0)) : Optional.empty();
    }

    private static long[] valuesOf(SysField field, Platform platform, ModuleSettings settings,
                                   List<CpuidConfig> cpuid) {
        ModuleVersion version = settings.version();
        List<Cmr> cmrs = platform.cmrSlots();
        int platformFms = platform.cpuidFms();
        return switch (field) {
            case NUM_PKGS -> one(platform.packageCount());
            case PKG_FMS -> eachField(field, p -> p < platform.packageCount() ? platformFms : 0);
            case VENDOR_ID -> one(VENDOR_ID_INTEL);
            case BUILD_DATE -> one(settings.buildDate());
            case BUILD_NUM -> one(settings.buildNum());
            case MINOR_VERSION -> one(settings.minorVersion());
            case MAJOR_VERSION -> one(settings.majorVersion());
            case UPDATE_VERSION -> one(settings.updateVersion());
            case INTERNAL_VERSION -> one(settings.internalVersion());
            case MODULE_HV -> one(settings.moduleHv());
            case MIN_UPDATE_HV -> one(settings.minUpdateHv());
            case NO_DOWNGRADE -> one(settings.noDowngrade() ? 1 : 0);
            case NUM_HANDOFF_PAGES, HANDOFF_DATA_VALID, HANDOFF_DATA_HV, HANDOFF_DATA_SIZE -> one(0);
            case SYS_ATTRIBUTES -> one(0);
            case NUM_TDX_FEATURES -> one(NUM_TDX_FEATURES);
            case TDX_FEATURES0 -> one(settings.tdxFeatures0());
            case NUM_CMRS -> one(CmrInfoArray.MAX_CMRS);
            case CMR_BASE -> eachField(field, i -> cmrs.get(i).base());
            case CMR_SIZE -> eachField(field, i -> cmrs.get(i).size());
            case MAX_TDMRS -> one(settings.maxTdmrs());
            case MAX_RESERVED_PER_TDMR -> one(settings.maxReservedPerTdmr());
            case PAMT_4K_ENTRY_SIZE -> one(settings.pamt4kEntrySize());
            case PAMT_2M_ENTRY_SIZE -> one(settings.pamt2mEntrySize());
            case PAMT_1G_ENTRY_SIZE -> one(settings.pamt1gEntrySize());
            case PAMT_PAGE_BITMAP_ENTRY_BITS -> one(ModuleSettings.PAMT_PAGE_BITMAP_ENTRY_BITS);
            case MIN_DYNAMIC_PAMT_NUM_HKID_BITS -> one(Math.max(0, PhysicalAddress.MAX_BITS
                    - ModuleSettings.DYNAMIC_PAMT_MAX_HKID_START_BIT));
            case TDR_BASE_SIZE -> one(TDR_PAGES * PAGE_BYTES);
            case TDCS_BASE_SIZE -> one(tdcsPages(version) * PAGE_BYTES);
            case TDCS_SIZE_PER_L2_VM -> one(TDCS_PAGES_PER_L2_VM * PAGE_BYTES);
            case TDVPS_BASE_SIZE -> one(TDVPS_PAGES * PAGE_BYTES);
            case TDVPS_SIZE_PER_L2_VM -> one(TDVPS_PAGES_PER_L2_VM * PAGE_BYTES);
            case ATTRIBUTES_FIXED0 -> one(attributesFixed0(version));
            case ATTRIBUTES_FIXED1 -> one(0);
            case XFAM_FIXED0 -> one(XFAM_FIXED0);
            case XFAM_FIXED1 -> one(XFAM_FIXED1);
            case NUM_CPUID_CONFIG -> one(cpuid.size());
            case CONFIG_FLAGS_FIXED0 -> one(CONFIG_FLAGS_FIXED0);
            case CONFIG_FLAGS_FIXED1 -> one(0);
            case MAX_VCPUS_PER_TD -> one(MAX_VCPUS_PER_TD);
            case CPUID_CONFIG_LEAVES -> eachField(field, i -> i < cpuid.size() ? leafAndSubleaf(cpuid.get(i))
                    : NO_CPUID_LEAF);
            case CPUID_CONFIG_VALUES -> cpuidConfigValues(field, cpuid);
            case IA32_ARCH_CAPABILITIES_CONFIG_MASK -> one(IA32_ARCH_CAPABILITIES_CONFIG_MASK);
            case NUM_ALLOWED_FMS -> one(allowedFmsCount(platformFms));
            case NUM_DISALLOWED_FMS -> one(0);
            case ALLOWED_FMS -> eachField(field, i -> allowedFms(platformFms, i));
            case DISALLOWED_FMS -> eachField(field, i -> 0);
            case MIG_ATTRIBUTES, MIN_EXPORT_VERSION, MAX_EXPORT_VERSION, MIN_IMPORT_VERSION, MAX_IMPORT_VERSION ->
                    one(0);
            case MAX_MIGS -> one(MAX_MIGS);
            case NUM_IMMUTABLE_STATE_PAGES -> one(NUM_IMMUTABLE_STATE_PAGES);
            case NUM_TD_STATE_PAGES -> one(NUM_TD_STATE_PAGES);
            case NUM_VP_STATE_PAGES -> one(NUM_VP_STATE_PAGES);
            case MAX_SERV_TDS -> one(MAX_SERV_TDS);
            case SERVTD_ATTR_FIXED0 -> one(SERVTD_ATTR_FIXED0);
            case SERVTD_ATTR_FIXED1 -> one(0);
            case GUEST_L2_GPA_ATTR_MASK -> one(GUEST_L2_GPA_ATTR_MASK);
            case VM_CTLS_FIXED0 -> one(VM_CTLS_FIXED0);
            case VM_CTLS_FIXED1 -> one(0);
            case VPCU_L2_CTLS_FIXED0 -> one(VCPU_L2_CTLS_FIXED0);
            case VCPU_L2_CTLS_FIXED1 -> one(0);
            case VPCU_L2_DEBUG_CTLS_FIXED0 -> one(VCPU_L2_DEBUG_CTLS_FIXED0);
            case VCPU_L2_DEBUG_CTLS_FIXED1 -> one(0);
        };
    }

    /** 1.0's TDCS is 4 pages (module-abi.md §5.1). */
    private static int tdcsPages(ModuleVersion version) {
        return version == ModuleVersion.V1_0 ? 4 : 6;
    }

    /** DEBUG, SEPT_VE_DISABLE (28), PKS (30) and PERFMON (63); 1.5 adds MIGRATABLE (29). */
    private static long attributesFixed0(ModuleVersion version) {
        long common = 1L | 1L << 28 | 1L << 30 | 1L << 63;
        return version == ModuleVersion.V1_0 ? common : common | 1L << 29;
    }

    private static long leafAndSubleaf(CpuidConfig config) {
        return Integer.toUnsignedLong(config.leaf()) | (long) config.subleaf() << 32;
    }

    /** Element 0 is EAX | EBX << 32, element 1 ECX | EDX << 32; 0 beyond NUM_CPUID_CONFIG. */
    private static long[] cpuidConfigValues(SysField field, List<CpuidConfig> cpuid) {
        long[] values = new long[elementCount(field)];
        for (int i = 0; i < cpuid.size(); i++) {
            CpuidConfig c = cpuid.get(i);
            values[i * field.elements()] = Integer.toUnsignedLong(c.eax()) | (long) c.ebx() << 32;
            values[i * field.elements() + 1] = Integer.toUnsignedLong(c.ecx()) | (long) c.edx() << 32;
        }
        return values;
    }

    private static int knownFmsIndex(int platformFms) {
        for (int i = 0; i < KNOWN_FMS.length; i++) {
            if ((KNOWN_FMS[i] & ~STEPPING_MASK) == (platformFms & ~STEPPING_MASK)) {
                return i;
            }
        }
        return -1;
    }

    private static int allowedFmsCount(int platformFms) {
        int index = knownFmsIndex(platformFms);
        return index < 0 ? 1 : KNOWN_FMS.length - index;
    }

    private static long allowedFms(int platformFms, int i) {
        if (i == 0) {
            return platformFms;
        }
        int index = knownFmsIndex(platformFms);
        return index >= 0 && index + i < KNOWN_FMS.length ? KNOWN_FMS[index + i] : 0;
    }

    private static long[] one(long value) {
        return new long[] {value};
    }

    private static long[] eachField(SysField field, IntToLongFunction valueOfField) {
        if (field.elements() != 1) {
            throw new IllegalArgumentException(field + " has " + field.elements() + " elements per field");
        }
        long[] values = new long[field.fields()];
        for (int i = 0; i < values.length; i++) {
            values[i] = valueOfField.applyAsLong(i);
        }
        return values;
    }
}
