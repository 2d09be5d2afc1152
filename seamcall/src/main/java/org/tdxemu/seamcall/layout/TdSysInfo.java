package org.tdxemu.seamcall.layout;

import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * A view of TDSYSINFO_STRUCT, the 1024-byte output of TDH.SYS.INFO (module-abi.md §5.1,
 * kernel-init.md §2.3). Unsigned fields are returned zero-extended.
 */
public final class TdSysInfo {

    public static final int ATTRIBUTES = 0;
    public static final int VENDOR_ID = 4;
    public static final int BUILD_DATE = 8;
    public static final int BUILD_NUM = 12;
    public static final int MINOR_VERSION = 14;
    public static final int MAJOR_VERSION = 16;
    public static final int SYS_RD = 18;
    public static final int MAX_TDMRS = 32;
    public static final int MAX_RESERVED_PER_TDMR = 34;
    public static final int PAMT_ENTRY_SIZE = 36;
    public static final int TDCS_BASE_SIZE = 48;
    public static final int TDVPS_BASE_SIZE = 52;
    public static final int TDVPS_XFAM_DEPENDENT_SIZE = 54;
    public static final int ATTRIBUTES_FIXED0 = 64;
    public static final int ATTRIBUTES_FIXED1 = 72;
    public static final int XFAM_FIXED0 = 80;
    public static final int XFAM_FIXED1 = 88;
    public static final int NUM_CPUID_CONFIG = 128;
    public static final int CPUID_CONFIGS = 132;

    public static final int CPUID_CONFIG_LEAF = 0;
    public static final int CPUID_CONFIG_SUBLEAF = 4;
    public static final int CPUID_CONFIG_EAX = 8;
    public static final int CPUID_CONFIG_EBX = 12;
    public static final int CPUID_CONFIG_ECX = 16;
    public static final int CPUID_CONFIG_EDX = 20;
    public static final int CPUID_CONFIG_BYTES = 24;

    public static final int BYTES = 1024;
    public static final int ALIGNMENT = 1024;
    /** How many CPUID_CONFIG entries fit before the end of the structure. */
    public static final int MAX_CPUID_CONFIGS = (BYTES - CPUID_CONFIGS) / CPUID_CONFIG_BYTES;

    private final PhysicalMemory memory;
    private final long pa;

    private TdSysInfo(PhysicalMemory memory, long pa) {
        this.memory = memory;
        this.pa = pa;
    }

    public static TdSysInfo at(PhysicalMemory memory, long pa) {
        return new TdSysInfo(memory, pa);
    }

    public long address() {
        return pa;
    }

    public long attributes() {
        return memory.read32(pa + ATTRIBUTES);
    }

    public TdSysInfo attributes(long value) {
        memory.write32(pa + ATTRIBUTES, value);
        return this;
    }

    public long vendorId() {
        return memory.read32(pa + VENDOR_ID);
    }

    public TdSysInfo vendorId(long value) {
        memory.write32(pa + VENDOR_ID, value);
        return this;
    }

    public long buildDate() {
        return memory.read32(pa + BUILD_DATE);
    }

    public TdSysInfo buildDate(long value) {
        memory.write32(pa + BUILD_DATE, value);
        return this;
    }

    public int buildNum() {
        return memory.read16(pa + BUILD_NUM);
    }

    public TdSysInfo buildNum(int value) {
        memory.write16(pa + BUILD_NUM, value);
        return this;
    }

    public int minorVersion() {
        return memory.read16(pa + MINOR_VERSION);
    }

    public TdSysInfo minorVersion(int value) {
        memory.write16(pa + MINOR_VERSION, value);
        return this;
    }

    public int majorVersion() {
        return memory.read16(pa + MAJOR_VERSION);
    }

    public TdSysInfo majorVersion(int value) {
        memory.write16(pa + MAJOR_VERSION, value);
        return this;
    }

    public int sysRd() {
        return memory.read8(pa + SYS_RD);
    }

    public TdSysInfo sysRd(int value) {
        memory.write8(pa + SYS_RD, value);
        return this;
    }

    public int maxTdmrs() {
        return memory.read16(pa + MAX_TDMRS);
    }

    public TdSysInfo maxTdmrs(int value) {
        memory.write16(pa + MAX_TDMRS, value);
        return this;
    }

    public int maxReservedPerTdmr() {
        return memory.read16(pa + MAX_RESERVED_PER_TDMR);
    }

    public TdSysInfo maxReservedPerTdmr(int value) {
        memory.write16(pa + MAX_RESERVED_PER_TDMR, value);
        return this;
    }

    /** One entry size for the PAMTs of all three page sizes. */
    public int pamtEntrySize() {
        return memory.read16(pa + PAMT_ENTRY_SIZE);
    }

    public TdSysInfo pamtEntrySize(int value) {
        memory.write16(pa + PAMT_ENTRY_SIZE, value);
        return this;
    }

    public int tdcsBaseSize() {
        return memory.read16(pa + TDCS_BASE_SIZE);
    }

    public TdSysInfo tdcsBaseSize(int value) {
        memory.write16(pa + TDCS_BASE_SIZE, value);
        return this;
    }

    public int tdvpsBaseSize() {
        return memory.read16(pa + TDVPS_BASE_SIZE);
    }

    public TdSysInfo tdvpsBaseSize(int value) {
        memory.write16(pa + TDVPS_BASE_SIZE, value);
        return this;
    }

    public int tdvpsXfamDependentSize() {
        return memory.read8(pa + TDVPS_XFAM_DEPENDENT_SIZE);
    }

    public TdSysInfo tdvpsXfamDependentSize(int value) {
        memory.write8(pa + TDVPS_XFAM_DEPENDENT_SIZE, value);
        return this;
    }

    public long attributesFixed0() {
        return memory.read64(pa + ATTRIBUTES_FIXED0);
    }

    public TdSysInfo attributesFixed0(long value) {
        memory.write64(pa + ATTRIBUTES_FIXED0, value);
        return this;
    }

    public long attributesFixed1() {
        return memory.read64(pa + ATTRIBUTES_FIXED1);
    }

    public TdSysInfo attributesFixed1(long value) {
        memory.write64(pa + ATTRIBUTES_FIXED1, value);
        return this;
    }

    public long xfamFixed0() {
        return memory.read64(pa + XFAM_FIXED0);
    }

    public TdSysInfo xfamFixed0(long value) {
        memory.write64(pa + XFAM_FIXED0, value);
        return this;
    }

    public long xfamFixed1() {
        return memory.read64(pa + XFAM_FIXED1);
    }

    public TdSysInfo xfamFixed1(long value) {
        memory.write64(pa + XFAM_FIXED1, value);
        return this;
    }

    public long numCpuidConfig() {
        return memory.read32(pa + NUM_CPUID_CONFIG);
    }

    public TdSysInfo numCpuidConfig(long value) {
        memory.write32(pa + NUM_CPUID_CONFIG, value);
        return this;
    }

    public static long cpuidConfigOffset(int index) {
        if (index < 0 || index >= MAX_CPUID_CONFIGS) {
            throw new IndexOutOfBoundsException("CPUID_CONFIG index " + index + " of " + MAX_CPUID_CONFIGS);
        }
        return CPUID_CONFIGS + (long) index * CPUID_CONFIG_BYTES;
    }

    public CpuidConfig cpuidConfig(int index) {
        long entry = pa + cpuidConfigOffset(index);
        return new CpuidConfig((int) memory.read32(entry + CPUID_CONFIG_LEAF),
                (int) memory.read32(entry + CPUID_CONFIG_SUBLEAF), (int) memory.read32(entry + CPUID_CONFIG_EAX),
                (int) memory.read32(entry + CPUID_CONFIG_EBX), (int) memory.read32(entry + CPUID_CONFIG_ECX),
                (int) memory.read32(entry + CPUID_CONFIG_EDX));
    }

    public TdSysInfo cpuidConfig(int index, CpuidConfig config) {
        long entry = pa + cpuidConfigOffset(index);
        memory.write32(entry + CPUID_CONFIG_LEAF, Integer.toUnsignedLong(config.leaf()));
        memory.write32(entry + CPUID_CONFIG_SUBLEAF, Integer.toUnsignedLong(config.subleaf()));
        memory.write32(entry + CPUID_CONFIG_EAX, Integer.toUnsignedLong(config.eax()));
        memory.write32(entry + CPUID_CONFIG_EBX, Integer.toUnsignedLong(config.ebx()));
        memory.write32(entry + CPUID_CONFIG_ECX, Integer.toUnsignedLong(config.ecx()));
        memory.write32(entry + CPUID_CONFIG_EDX, Integer.toUnsignedLong(config.edx()));
        return this;
    }
}
