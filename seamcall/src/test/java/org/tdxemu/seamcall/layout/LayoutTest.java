package org.tdxemu.seamcall.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.memory.ArrayMemory;

/**
 * Pins every offset and size of the architectural structures against the reference tables
 * (module-abi.md §5, kernel-init.md §2), through the bytes a view writes.
 */
class LayoutTest {

    private static final long BASE = 0x10_0000L;
    private final ArrayMemory memory = new ArrayMemory(BASE, 8192);

    /** The eight little-endian bytes of 0x0807060504030201 plus {@code tag << 56}. */
    private static long tagged(int tag) {
        return 0x0007060504030201L | (long) tag << 56;
    }

    private void assertBytesAt(long pa, long value, int width) {
        byte[] expected = new byte[width];
        for (int i = 0; i < width; i++) {
            expected[i] = (byte) (value >>> (8 * i));
        }
        assertArrayEquals(expected, memory.snapshot(pa, width), String.format("bytes at 0x%x", pa));
    }

    @Test
    void tdmrInfoFieldsSitAtTheReferenceOffsets() {
        TdmrInfo tdmr = TdmrInfo.at(memory, BASE + 512);
        tdmr.base(tagged(1)).size(tagged(2))
                .pamtBase(PageSize.SIZE_1G, tagged(3)).pamtSize(PageSize.SIZE_1G, tagged(4))
                .pamtBase(PageSize.SIZE_2M, tagged(5)).pamtSize(PageSize.SIZE_2M, tagged(6))
                .pamtBase(PageSize.SIZE_4K, tagged(7)).pamtSize(PageSize.SIZE_4K, tagged(8))
                .reservedArea(0, tagged(9), tagged(10)).reservedArea(15, tagged(11), tagged(12));
        long at = BASE + 512;
        assertBytesAt(at + 0x00, tagged(1), 8);
        assertBytesAt(at + 0x08, tagged(2), 8);
        assertBytesAt(at + 0x10, tagged(3), 8);
        assertBytesAt(at + 0x18, tagged(4), 8);
        assertBytesAt(at + 0x20, tagged(5), 8);
        assertBytesAt(at + 0x28, tagged(6), 8);
        assertBytesAt(at + 0x30, tagged(7), 8);
        assertBytesAt(at + 0x38, tagged(8), 8);
        assertBytesAt(at + 0x40, tagged(9), 8);
        assertBytesAt(at + 0x48, tagged(10), 8);
        assertBytesAt(at + 0x40 + 16 * 15, tagged(11), 8);
        assertBytesAt(at + 0x48 + 16 * 15, tagged(12), 8);
        assertEquals(tagged(7), tdmr.pamtBase(PageSize.SIZE_4K));
        assertEquals(tagged(12), tdmr.reservedSize(15));
        assertEquals(tagged(11), tdmr.reservedOffset(15));
        assertEquals(320, TdmrInfo.MODULE_BYTES);
        assertEquals(512, TdmrInfo.ALIGNMENT);
        assertEquals(64, TdmrInfo.HEADER_BYTES);
    }

    @Test
    void tdmrPointerArrayIsPackedU64s() {
        TdmrPointerArray array = TdmrPointerArray.at(memory, BASE);
        array.set(0, 0x1234_5000L).set(63, 0xABCD_E200L);
        assertBytesAt(BASE, 0x1234_5000L, 8);
        assertBytesAt(BASE + 63 * 8, 0xABCD_E200L, 8);
        assertEquals(0xABCD_E200L, array.get(63));
        assertEquals(64, TdmrPointerArray.MAX_ENTRIES);
        assertEquals(512, TdmrPointerArray.ALIGNMENT);
    }

    @Test
    void cmrInfoEntriesAreBaseThenSize() {
        CmrInfoArray cmrs = CmrInfoArray.at(memory, BASE);
        cmrs.set(31, 0x1_0000_0000L, 0x3e00_0000L);
        assertBytesAt(BASE + 31 * 16, 0x1_0000_0000L, 8);
        assertBytesAt(BASE + 31 * 16 + 8, 0x3e00_0000L, 8);
        assertEquals(0x3e00_0000L, cmrs.size(31));
        assertEquals(32, CmrInfoArray.MAX_CMRS);
        assertEquals(512, CmrInfoArray.BYTES);
        assertEquals(512, CmrInfoArray.ALIGNMENT);
    }

    @Test
    void tdSysInfoFieldsSitAtTheReferenceOffsets() {
        TdSysInfo info = TdSysInfo.at(memory, BASE + 1024);
        long at = BASE + 1024;
        info.attributes(0x8000_0000L).vendorId(0x8086).buildDate(20231008).buildNum(0x1234)
                .minorVersion(5).majorVersion(1).sysRd(1).maxTdmrs(64).maxReservedPerTdmr(16).pamtEntrySize(16)
                .tdcsBaseSize(24576).tdvpsBaseSize(24576).tdvpsXfamDependentSize(0x7F)
                .attributesFixed0(0x8000000070000001L).attributesFixed1(tagged(1))
                .xfamFixed0(0x0006DBE7L).xfamFixed1(0x3).numCpuidConfig(12);
        assertBytesAt(at + 0, 0x8000_0000L, 4);
        assertBytesAt(at + 4, 0x8086, 4);
        assertBytesAt(at + 8, 20231008, 4);
        assertBytesAt(at + 12, 0x1234, 2);
        assertBytesAt(at + 14, 5, 2);
        assertBytesAt(at + 16, 1, 2);
        assertBytesAt(at + 18, 1, 1);
        assertBytesAt(at + 32, 64, 2);
        assertBytesAt(at + 34, 16, 2);
        assertBytesAt(at + 36, 16, 2);
        assertBytesAt(at + 48, 24576, 2);
        assertBytesAt(at + 52, 24576, 2);
        assertBytesAt(at + 54, 0x7F, 1);
        assertBytesAt(at + 64, 0x8000000070000001L, 8);
        assertBytesAt(at + 72, tagged(1), 8);
        assertBytesAt(at + 80, 0x0006DBE7L, 8);
        assertBytesAt(at + 88, 0x3, 8);
        assertBytesAt(at + 128, 12, 4);
        CpuidConfig leaf7 = new CpuidConfig(0x7, 1, 0x11, 0x22, 0x33, 0xFFFF_FFFF);
        info.cpuidConfig(2, leaf7);
        long entry = at + 132 + 2 * 24;
        assertBytesAt(entry, 0x7, 4);
        assertBytesAt(entry + 4, 1, 4);
        assertBytesAt(entry + 8, 0x11, 4);
        assertBytesAt(entry + 12, 0x22, 4);
        assertBytesAt(entry + 16, 0x33, 4);
        assertBytesAt(entry + 20, 0xFFFF_FFFFL, 4);
        assertEquals(leaf7, info.cpuidConfig(2));
        assertEquals(0x8000_0000L, info.attributes());
        assertEquals(24576, info.tdvpsBaseSize());
        assertEquals(1024, TdSysInfo.BYTES);
        assertEquals(1024, TdSysInfo.ALIGNMENT);
        assertEquals(37, TdSysInfo.MAX_CPUID_CONFIGS);
        assertThrows(IndexOutOfBoundsException.class, () -> info.cpuidConfig(37));
    }

    @Test
    void pamtEntryHoldsLockTypeOwnerAndEpoch() {
        PamtEntry entry = PamtEntry.at(memory, BASE + 32);
        entry.pageType(PageType.PT_RSVD).ownerPfn(0xAB_1234_5678L).bepoch(tagged(9));
        assertBytesAt(BASE + 32, 0, 2);
        assertBytesAt(BASE + 34, 1, 1);
        assertBytesAt(BASE + 35, 0xAB_1234_5678L, 5);
        assertBytesAt(BASE + 40, tagged(9), 8);
        assertEquals(0xAB_1234_5678L, entry.ownerPfn());
        assertEquals(Optional.of(PageType.PT_RSVD), entry.pageType());
        assertEquals(16, PamtEntry.BYTES);
        assertThrows(IllegalArgumentException.class, () -> entry.ownerPfn(1L << 40));
    }

    @Test
    void pageTypesAndSizesHaveTheirArchitecturalCodes() {
        assertEquals(0, PageType.PT_NDA.code());
        assertEquals(1, PageType.PT_RSVD.code());
        assertEquals(3, PageType.PT_REG.code());
        assertEquals(8, PageType.PT_EPT.code());
        assertEquals(Optional.empty(), PageType.ofCode(2));
        assertEquals(0, PageSize.SIZE_4K.code());
        assertEquals(2, PageSize.SIZE_1G.code());
        assertEquals(1L << 21, PageSize.SIZE_2M.bytes());
        assertEquals("1G", PageSize.SIZE_1G.label());
    }
}
