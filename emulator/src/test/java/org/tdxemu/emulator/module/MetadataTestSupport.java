package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * A module on a small sample platform, brought to a state through the real leaves, for the tests
 * of the enumeration leaves. Close it: it owns the host memory.
 */
final class MetadataTestSupport implements AutoCloseable {

    /** Where the tests put TDSYSINFO, the CMR array and the RDALL page: ordinary host memory. */
    static final long SYSINFO_PA = 0x1000_0000L;
    static final long CMR_ARRAY_PA = 0x1000_1000L;
    static final long LIST_PA = 0x1000_2000L;
    /** Below the KeyID bits and not SEAMRR, so a shared HPA, but no memory is installed there. */
    static final long MISSING_PA = 0x40_0000_0000L;
    /** Installed memory: the CMRs and the buffers all lie below. */
    static final long MEMORY_END = 0x2_0000_0000L;

    static final int PACKAGES = 2;
    static final int CPUS_PER_PACKAGE = 2;
    static final int FMS = 0xC06F2;
    static final List<Range> CMRS = List.of(new Range(0x10_0000L, 0x7780_0000L),
            new Range(0x1_0000_0000L, 0x1_8000_0000L), new Range(0x1_8000_0000L, 0x1_C000_0000L));

    /**
     * Values unlike the defaults and unlike one another, so that a field wired to the wrong
     * setting shows: 48 TDMRs, 12 reserved areas, PAMT entries of 16, 32 and 64 bytes.
     */
    static final ModuleSettings SETTINGS_1_5 = new ModuleSettings(ModuleVersion.V1_5, 48, 12, 16, 32, 64,
            0x1F0EBFL, 1, 5, 5, 3, 20240305, 744, 2, 1, true, false);

    /** {leaf, subleaf, EAX, EBX, ECX, EDX}: the 1.5.05 module's configurable leaves, CONFIG_DIRECT bits. */
    static final int[][] CPUID_CONFIGS_1_5 = {
        {0x1, -1, 0x0FFF3FFF, 0x00FF0000, 0, 0},
        {0x4, 0, 0xFFFFC3FF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFB},
        {0x4, 1, 0xFFFFC3FF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFB},
        {0x4, 2, 0xFFFFC3FF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFB},
        {0x4, 3, 0xFFFFC3FF, 0xFFFFF000, 0xFFFFFFFF, 0x7},
        {0x7, 0, 0, 0, 0, 0},
        {0x7, 1, 0, 0, 0, 0},
        {0xA, -1, 0, 0, 0, 0},
        {0x1C, -1, 0, 0, 0, 0},
        {0x80000008, -1, 0xFF, 0, 0, 0},
        {0x7, 2, 0, 0, 0, 0},
        {0x23, 0, 0, 0, 0, 0},
        {0x1F, 0, 0x1F, 0xFFFF, 0xFFFF, 0},
        {0x1F, 1, 0x1F, 0xFFFF, 0xFFFF, 0},
        {0x1F, 2, 0x1F, 0xFFFF, 0xFFFF, 0},
        {0x1F, 3, 0x1F, 0xFFFF, 0xFFFF, 0},
        {0x1F, 4, 0x1F, 0xFFFF, 0xFFFF, 0},
        {0x1F, 5, 0x1F, 0xFFFF, 0xFFFF, 0},
    };

    final SparseHostMemory memory;
    final TdxModule module;

    MetadataTestSupport(ModuleSettings settings) {
        this(samplePlatform().build(), settings);
    }

    MetadataTestSupport(Platform platform, ModuleSettings settings) {
        this.memory = new SparseHostMemory(List.of(new Range(0, MEMORY_END)), platform.memoryAddressBits());
        this.module = new TdxModule(platform, settings, memory);
    }

    static Platform.Builder samplePlatform() {
        return Platform.builder().cpus(PACKAGES, CPUS_PER_PACKAGE).cmrRanges(CMRS).cpuidFms(FMS);
    }

    /** TDH.SYS.INIT, then TDH.SYS.LP.INIT on every CPU: the state the kernel reads metadata in. */
    MetadataTestSupport initialized() {
        sysInit();
        for (int cpu = 0; cpu < PACKAGES * CPUS_PER_PACKAGE; cpu++) {
            lpInit(cpu);
        }
        return this;
    }

    void sysInit() {
        assertSuccess(call(0, Leaf.TDH_SYS_INIT, new RegisterFile()));
    }

    void lpInit(int cpu) {
        assertSuccess(call(cpu, Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
    }

    long call(int cpu, Leaf leaf, RegisterFile registers) {
        registers.set(Gpr.RAX, leaf.rax());
        return module.call(cpu, registers);
    }

    /** TDH.SYS.RD of {@code fieldId} on CPU 0; the registers as the call left them. */
    RegisterFile sysRd(long fieldId) {
        return sysRd(0, fieldId);
    }

    RegisterFile sysRd(int cpu, long fieldId) {
        RegisterFile registers = new RegisterFile().set(Gpr.RDX, fieldId);
        call(cpu, Leaf.TDH_SYS_RD, registers);
        return registers;
    }

    /** One element TDH.SYS.RD read: the ID asked for and the value it gave. */
    record ReadElement(long id, long value) {
    }

    /** Every element, from the null ID on, following RDX until it is the null ID; asserts each call succeeds. */
    List<ReadElement> walk() {
        return walk(0);
    }

    List<ReadElement> walk(int cpu) {
        RegisterFile first = sysRd(cpu, FieldId.NULL);
        assertStatus(StatusCode.TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT.value(), first.rax());
        List<ReadElement> elements = new ArrayList<>();
        long id = first.rdx();
        while (id != FieldId.NULL) {
            RegisterFile read = sysRd(cpu, id);
            assertSuccess(read.rax());
            elements.add(new ReadElement(id, read.r8()));
            id = read.rdx();
        }
        return elements;
    }

    /** The null field ID with its (ignored) context bits set to {@code context}. */
    static long nullId(long context) {
        return FieldId.NULL & ~FieldId.CONTEXT_CODE_MASK | context << FieldId.CONTEXT_CODE_SHIFT;
    }

    /** Fills {@code length} bytes at {@code pa} with {@code pattern}, to see what a leaf writes. */
    void scribble(long pa, int length, byte pattern) {
        memory.fill(pa, length, pattern);
    }

    static byte[] filled(int length, byte pattern) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, pattern);
        return bytes;
    }

    static void assertSuccess(long status) {
        assertStatus(StatusCode.TDX_SUCCESS.value(), status);
    }

    static void assertStatus(long expected, long actual) {
        assertEquals(expected, actual, () -> String.format("expected 0x%016x (%s), got 0x%016x (%s)", expected,
                DecodedStatus.of(expected).summary(), actual, DecodedStatus.of(actual).summary()));
    }

    @Override
    public void close() {
        try {
            assertEquals(List.of(), module.internalErrors(), "exceptions inside SEAMCALLs");
        } finally {
            memory.close();
        }
    }
}
