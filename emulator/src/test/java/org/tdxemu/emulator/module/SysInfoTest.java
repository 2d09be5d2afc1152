package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.emulator.module.MetadataTestSupport.CMR_ARRAY_PA;
import static org.tdxemu.emulator.module.MetadataTestSupport.MISSING_PA;
import static org.tdxemu.emulator.module.MetadataTestSupport.SETTINGS_1_5;
import static org.tdxemu.emulator.module.MetadataTestSupport.SYSINFO_PA;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertStatus;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertSuccess;
import static org.tdxemu.emulator.module.MetadataTestSupport.filled;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.INFO (module-abi.md §4.3): every byte it writes, and each check in order with its exact
 * status. Expected layouts are spelled out here with the reference's offsets (§5.1, §5.2), not taken
 * from the views the module writes through.
 */
class SysInfoTest {

    private static final int SYSINFO_BYTES = 1024;
    private static final int CMR_ARRAY_BYTES = 512;
    private static final byte GARBAGE = (byte) 0xA5;
    private static final long RCX_INVALID = 0xC000010000000001L;
    private static final long RDX_INVALID = 0xC000010000000002L;
    private static final long R8_INVALID = 0xC000010000000008L;
    private static final long R9_INVALID = 0xC000010000000009L;
    /** The first private KeyID of the sample platform (31 MKTME KeyIDs), in the HKID bits 51:46. */
    private static final long PRIVATE_HKID_BITS = 32L << 46;
    private static final long SHARED_HKID_BITS = 5L << 46;
    private static final Range SEAMRR = new Range(0x7800_0000L, 0x8000_0000L);

    /** {leaf, subleaf, EAX, EBX, ECX, EDX}: the 1.0 module's configurable leaves, CONFIG_DIRECT bits. */
    private static final int[][] CPUID_CONFIGS_1_0 = {
        {0x1, -1, 0, 0x00FF0000, 0, 0},
        {0x4, 0, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF},
        {0x4, 1, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF},
        {0x4, 2, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF},
        {0x4, 3, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF},
        {0x7, 0, 0, 0, 0, 0},
    };

    private static RegisterFile info(MetadataTestSupport s, int cpu, long rcx, long rdx, long r8, long r9) {
        RegisterFile registers = new RegisterFile().set(Gpr.RCX, rcx).set(Gpr.RDX, rdx).set(Gpr.R8, r8).set(Gpr.R9, r9);
        s.call(cpu, Leaf.TDH_SYS_INFO, registers);
        return registers;
    }

    private static RegisterFile info(MetadataTestSupport s, long rcx, long rdx, long r8, long r9) {
        return info(s, 0, rcx, rdx, r8, r9);
    }

    /** Both buffers full of garbage, so that every byte the leaf writes, zeros included, shows. */
    private static void scribbleBuffers(MetadataTestSupport s) {
        s.scribble(SYSINFO_PA, SYSINFO_BYTES, GARBAGE);
        s.scribble(CMR_ARRAY_PA, CMR_ARRAY_BYTES, GARBAGE);
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putCpuidConfigs(ByteBuffer sysInfo, int[][] configs) {
        sysInfo.putInt(128, configs.length);
        for (int i = 0; i < configs.length; i++) {
            for (int r = 0; r < 6; r++) {
                sysInfo.putInt(132 + 24 * i + 4 * r, configs[i][r]);
            }
        }
    }

    private static byte[] sampleCmrArray() {
        ByteBuffer cmrs = littleEndian(CMR_ARRAY_BYTES);
        cmrs.putLong(0, 0x10_0000L).putLong(8, 0x7770_0000L);
        cmrs.putLong(16, 0x1_0000_0000L).putLong(24, 0x8000_0000L);
        cmrs.putLong(32, 0x1_8000_0000L).putLong(40, 0x4000_0000L);
        return cmrs.array();
    }

    @Test
    void fillsEveryByteOfTdSysInfoAndAll32CmrSlots() {
        ByteBuffer expected = littleEndian(SYSINFO_BYTES);
        expected.putInt(4, 0x8086).putInt(8, 20240305).putShort(12, (short) 744).putShort(14, (short) 5)
                .putShort(16, (short) 1).put(18, (byte) 1);
        expected.putShort(32, (short) 48).putShort(34, (short) 12).putShort(36, (short) 16);
        expected.putShort(48, (short) 24576).putShort(52, (short) 24576);
        expected.putLong(64, 0x8000000070000001L).putLong(72, 0).putLong(80, 0x6DBE7L).putLong(88, 0x3L);
        putCpuidConfigs(expected, MetadataTestSupport.CPUID_CONFIGS_1_5);

        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            scribbleBuffers(s);
            RegisterFile out = info(s, SYSINFO_PA, SYSINFO_BYTES, CMR_ARRAY_PA, 32);

            assertSuccess(out.rax());
            assertEquals(1024, out.rdx());
            assertEquals(32, out.r9());
            assertEquals(SYSINFO_PA, out.rcx());
            assertEquals(CMR_ARRAY_PA, out.r8());
            assertArrayEquals(expected.array(), s.memory.read(SYSINFO_PA, SYSINFO_BYTES));
            assertArrayEquals(sampleCmrArray(), s.memory.read(CMR_ARRAY_PA, CMR_ARRAY_BYTES));
        }
    }

    @Test
    void aV1_0ModuleReportsNoSysRdFourTdcsPagesAndSixCpuidLeaves() {
        ByteBuffer expected = littleEndian(SYSINFO_BYTES);
        expected.putInt(4, 0x8086).putInt(8, 20210913).putShort(12, (short) 208).putShort(14, (short) 0)
                .putShort(16, (short) 1).put(18, (byte) 0);
        expected.putShort(32, (short) 64).putShort(34, (short) 16).putShort(36, (short) 16);
        expected.putShort(48, (short) 16384).putShort(52, (short) 24576);
        expected.putLong(64, 0x8000000050000001L).putLong(80, 0x6DBE7L).putLong(88, 0x3L);
        putCpuidConfigs(expected, CPUID_CONFIGS_1_0);

        try (MetadataTestSupport s = new MetadataTestSupport(ModuleSettings.defaults(ModuleVersion.V1_0))
                .initialized()) {
            scribbleBuffers(s);
            RegisterFile out = info(s, SYSINFO_PA, SYSINFO_BYTES, CMR_ARRAY_PA, 32);

            assertSuccess(out.rax());
            assertArrayEquals(expected.array(), s.memory.read(SYSINFO_PA, SYSINFO_BYTES));
            assertArrayEquals(sampleCmrArray(), s.memory.read(CMR_ARRAY_PA, CMR_ARRAY_BYTES));
        }
    }

    @Test
    void anLpWithoutLpInitGetsLpInitNotDoneAndNothingIsWritten() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5)) {
            scribbleBuffers(s);
            RegisterFile beforeSysInit = info(s, SYSINFO_PA, SYSINFO_BYTES, CMR_ARRAY_PA, 32);
            assertStatus(StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value(), beforeSysInit.rax());

            s.sysInit();
            s.lpInit(0);
            RegisterFile otherLp = info(s, 1, SYSINFO_PA, SYSINFO_BYTES, CMR_ARRAY_PA, 32);

            assertStatus(StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value(), otherLp.rax());
            assertEquals(0, otherLp.rdx());
            assertEquals(0, otherLp.r9());
            assertArrayEquals(filled(SYSINFO_BYTES, GARBAGE), s.memory.read(SYSINFO_PA, SYSINFO_BYTES));
            assertArrayEquals(filled(CMR_ARRAY_BYTES, GARBAGE), s.memory.read(CMR_ARRAY_PA, CMR_ARRAY_BYTES));
        }
    }

    @Test
    void rcxMustBeASharedHpaAlignedTo1024() {
        try (MetadataTestSupport s = new MetadataTestSupport(MetadataTestSupport.samplePlatform().seamrr(SEAMRR)
                .build(), SETTINGS_1_5).initialized()) {
            scribbleBuffers(s);
            for (long rcx : new long[] {SYSINFO_PA + 512, SYSINFO_PA | 1L << 52, SYSINFO_PA | PRIVATE_HKID_BITS,
                SEAMRR.start(), SEAMRR.start() | SHARED_HKID_BITS}) {
                RegisterFile out = info(s, rcx, SYSINFO_BYTES, CMR_ARRAY_PA, 32);

                assertStatus(RCX_INVALID, out.rax());
                assertEquals(0, out.rdx());
                assertEquals(0, out.r9());
            }
            assertArrayEquals(filled(SYSINFO_BYTES, GARBAGE), s.memory.read(SYSINFO_PA, SYSINFO_BYTES));
            assertSuccess(info(s, SYSINFO_PA | SHARED_HKID_BITS, SYSINFO_BYTES, CMR_ARRAY_PA, 32).rax());
        }
    }

    @Test
    void rdxMustBeAtLeast1024AndIsCheckedAfterRcx() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            scribbleBuffers(s);
            assertStatus(RCX_INVALID, info(s, SYSINFO_PA + 512, 1023, CMR_ARRAY_PA, 32).rax());
            RegisterFile out = info(s, SYSINFO_PA, 1023, CMR_ARRAY_PA, 32);

            assertStatus(RDX_INVALID, out.rax());
            assertEquals(0, out.rdx());
            assertArrayEquals(filled(SYSINFO_BYTES, GARBAGE), s.memory.read(SYSINFO_PA, SYSINFO_BYTES));
            assertSuccess(info(s, SYSINFO_PA, -1L, CMR_ARRAY_PA, 32).rax());
        }
    }

    /** The zero fill of TDSYSINFO survives a failure of the checks after it; the CMR array is untouched. */
    private static void assertFailedWithTdSysInfoZeroed(MetadataTestSupport s, long status, RegisterFile out) {
        assertStatus(status, out.rax());
        assertEquals(0, out.rdx());
        assertEquals(0, out.r9());
        assertArrayEquals(new byte[SYSINFO_BYTES], s.memory.read(SYSINFO_PA, SYSINFO_BYTES));
        assertArrayEquals(filled(CMR_ARRAY_BYTES, GARBAGE), s.memory.read(CMR_ARRAY_PA, CMR_ARRAY_BYTES));
    }

    @Test
    void aBadCmrArrayFailsOnlyAfterTdSysInfoWasZeroed() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            for (long r8 : new long[] {CMR_ARRAY_PA + 256, CMR_ARRAY_PA | PRIVATE_HKID_BITS, CMR_ARRAY_PA | 1L << 52}) {
                scribbleBuffers(s);
                assertFailedWithTdSysInfoZeroed(s, R8_INVALID, info(s, SYSINFO_PA, SYSINFO_BYTES, r8, 31));
            }
        }
    }

    @Test
    void fewerThan32CmrEntriesFailsAfterTdSysInfoWasZeroed() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            scribbleBuffers(s);
            assertFailedWithTdSysInfoZeroed(s, R9_INVALID, info(s, SYSINFO_PA, SYSINFO_BYTES, CMR_ARRAY_PA, 31));
            assertSuccess(info(s, SYSINFO_PA, SYSINFO_BYTES, CMR_ARRAY_PA, 1L << 40).rax());
        }
    }

    @Test
    void buffersWithNoMemoryBehindThemSucceedAsOnTheBus() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            RegisterFile out = info(s, MISSING_PA, SYSINFO_BYTES, MISSING_PA + 0x1000, 32);

            assertSuccess(out.rax());
            assertEquals(1024, out.rdx());
            assertEquals(32, out.r9());
            assertEquals(0, s.memory.pageCount());
        }
    }
}
