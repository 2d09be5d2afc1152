package org.tdxemu.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.memory.UnbackedAddressException;

class SparseHostMemoryTest {

    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;

    /** A pool of its own, so its figures are this test's. */
    private final PagePool pool = new PagePool();

    private SparseHostMemory memory(List<Range> installed, int addressBits) {
        return new SparseHostMemory(installed, addressBits, pool.allocator());
    }

    private long activeBuffers() {
        return pool.liveBuffers();
    }

    @AfterEach
    void everyBufferWasReturned() {
        assertEquals(0, activeBuffers(), "buffers still allocated after the test closed its memory");
    }

    @Test
    void readsAndWritesLittleEndianAtEveryWidth() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            m.write64(0x1000, 0x0807060504030201L);
            assertEquals(0x01, m.read8(0x1000));
            assertEquals(0x0201, m.read16(0x1000));
            assertEquals(0x04030201L, m.read32(0x1000));
            assertEquals(0x0807060504030201L, m.read64(0x1000));
            m.write8(0x2000, 0x1FF);
            m.write16(0x2002, 0xABCDE);
            m.write32(0x2004, 0x1_8765_4321L);
            assertEquals(0xFF, m.read8(0x2000));
            assertEquals(0xBCDE, m.read16(0x2002));
            assertEquals(0x8765_4321L, m.read32(0x2004));
            assertArrayEquals(new byte[] {(byte) 0xFF, 0, (byte) 0xDE, (byte) 0xBC, 0x21, 0x43, 0x65, (byte) 0x87},
                    m.read(0x2000, 8));
            assertEquals(0xFFFF_FFFFL, readAfterWrite32(m, 0x3000, 0xFFFF_FFFFL));
        }
    }

    private static long readAfterWrite32(SparseHostMemory m, long pa, long v) {
        m.write32(pa, v);
        return m.read32(pa);
    }

    @Test
    void accessesMayStraddlePages() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            m.write64(0x1FFD, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, m.read64(0x1FFD));
            assertEquals(0x88, m.read8(0x1FFD));
            assertEquals(0x55, m.read8(0x2000));
            assertEquals(2, m.pageCount());
            m.write32(0x3FFE, 0xAABBCCDDL);
            assertEquals(0xAABBCCDDL, m.read32(0x3FFE));
            m.write16(0x5FFF, 0x1234);
            assertEquals(0x1234, m.read16(0x5FFF));
            byte[] bytes = new byte[10_000];
            new Random(7).nextBytes(bytes);
            m.write(0x7F00, bytes);
            assertArrayEquals(bytes, m.read(0x7F00, bytes.length));
        }
    }

    @Test
    void neverWrittenMemoryReadsAsZeroAndCostsNothing() {
        try (SparseHostMemory m = memory(List.of(new Range(0, 64 * TIB)), 52)) {
            assertEquals(0, m.read64(40 * TIB + 8));
            assertEquals(0, m.read8(64 * TIB - 1));
            assertArrayEquals(new byte[4096 * 3], m.read(TIB - 100, 4096 * 3));
            assertEquals(0, m.bytesHeld());
        }
    }

    @Test
    void writingZerosToAnAbsentPageAllocatesNothing() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            m.write8(0x1000, 0);
            m.write16(0x1000, 0x10000);
            m.write32(0x1000, 0x1_0000_0000L);
            m.write64(0x1FFC, 0);
            m.write(0x4000, new byte[20_000]);
            m.fill(0x10000, 1 << 20, (byte) 0);
            m.copy(0x200000, 0x300000, 1 << 20);
            assertEquals(0, m.bytesHeld());
            m.write64(0x1000, 5);
            m.write64(0x1000, 0);
            assertEquals(4096, m.bytesHeld(), "a page once written stays held");
            assertEquals(0, m.read64(0x1000));
        }
    }

    @Test
    void aThousandPagesAcross64TibHoldAThousandPagesOfBuffers() {
        Random random = new Random(2026);
        Set<Long> frames = new HashSet<>();
        while (frames.size() < 1000) {
            frames.add(random.nextLong(64 * TIB >>> 12));
        }
        try (SparseHostMemory m = memory(List.of(new Range(0, 64 * TIB)), 52)) {
            for (long frame : frames) {
                m.write64((frame << 12) + (frame % 512) * 8, frame | 1L << 63);
            }
            assertEquals(1000, m.pageCount());
            assertEquals(1000L * 4096, m.bytesHeld());
            // The documented overhead: the pool reserves whole 4 MiB chunks, less than one beyond what is held.
            long chunk = pool.metric().chunkSize();
            assertEquals(4L << 20, chunk);
            long reserved = pool.metric().usedDirectMemory();
            assertTrue(reserved >= m.bytesHeld() && reserved < m.bytesHeld() + chunk,
                    "direct memory reserved: " + reserved);
            for (long frame : frames) {
                assertEquals(frame | 1L << 63, m.read64((frame << 12) + (frame % 512) * 8));
            }
            assertEquals(1000, activeBuffers());
        }
        assertEquals(0, activeBuffers());
    }

    @Test
    void thePageMapTakesAtMost43HeapBytesPerPageHeld() {
        try (SparseHostMemory m = memory(List.of(new Range(0, 64 * TIB)), 52)) {
            assertEquals(64 * 16, m.pageMapBytes(), "an empty map: 64 slots of two longs");
            Random random = new Random(15);
            byte[] pattern = {7};
            for (int i = 0; i < 20_000; i++) {
                m.fill(random.nextLong(64 * TIB >>> 12) << 12, 4096, pattern);
                assertTrue(m.pageMapBytes() <= Math.max(64 * 16, 43L * m.pageCount()),
                        m.pageMapBytes() + " bytes for " + m.pageCount() + " pages");
            }
            assertEquals(20_000, m.pageCount());
            assertEquals(1, m.bufferCount());
        }
    }

    @Test
    void pagesDroppedAndMappedAgainKeepTheirContent() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            byte[] pattern = {1, 2};
            for (int round = 0; round < 3; round++) {
                m.fill(0, 1000 * 4096L, pattern);
                assertEquals(1000, m.pageCount());
                m.fill(0, 500 * 4096L, (byte) 0);
                assertEquals(500, m.pageCount(), "the zeroed half is dropped");
                assertEquals(0, m.read64(499 * 4096L));
                assertEquals(0x0201020102010201L, m.read64(500 * 4096L));
            }
            assertTrue(m.pageMapBytes() <= 43L * 1000, m.pageMapBytes() + " bytes");
        }
    }

    @Test
    void aZeroFillOfATebibyteHoldsNothing() {
        try (SparseHostMemory m = memory(List.of(new Range(0, 2 * TIB)), 52)) {
            m.fill(0, TIB, (byte) 0);
            assertEquals(0, m.bytesHeld());
            m.write64(TIB / 2, -1L);
            m.fill(0, TIB, (byte) 0);
            assertEquals(0, m.read64(TIB / 2));
            assertEquals(4096, m.bytesHeld());
        }
    }

    @Test
    void aNonZeroFillWritesEveryByteAndNoMore() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            m.fill(0x1F00, 0x300, (byte) 0xA5);
            assertEquals(0, m.read8(0x1EFF));
            assertEquals(0xA5, m.read8(0x1F00));
            assertEquals(0xA5, m.read8(0x21FF));
            assertEquals(0, m.read8(0x2200));
            assertEquals(2, m.pageCount());
        }
    }

    @Test
    void copyMovesBytesLikeMemmoveInBothDirections() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            byte[] data = new byte[9000];
            new Random(1).nextBytes(data);
            m.write(0x10F00, data);
            m.copy(0x10F00, 0x11000, data.length);
            assertArrayEquals(data, m.read(0x11000, data.length));
            m.write(0x40000, data);
            m.copy(0x40000, 0x3FF80, data.length);
            assertArrayEquals(data, m.read(0x3FF80, data.length));
            m.copy(0x900000, 0x11000, 4096);
            assertArrayEquals(new byte[4096], m.read(0x11000, 4096), "copying never-written memory writes zeros");
        }
    }

    @Test
    void anAccessOutsideEveryInstalledRangeNamesTheAddress() {
        List<Range> installed = List.of(new Range(0x100000, 0x77800000), new Range(0x100000000L, 0x180000000L));
        try (SparseHostMemory m = memory(installed, 52)) {
            UnbackedAddressException below = assertThrows(UnbackedAddressException.class, () -> m.read64(0xFF000));
            assertEquals("no memory at physical address 0xff000", below.getMessage());
            assertEquals(0xFF000, below.address());
            UnbackedAddressException gap = assertThrows(UnbackedAddressException.class,
                    () -> m.write64(0x80000000L, 1));
            assertEquals("no memory at physical address 0x80000000", gap.getMessage());
            UnbackedAddressException straddle = assertThrows(UnbackedAddressException.class,
                    () -> m.read64(0x777FFFFC));
            assertEquals("no memory at physical address 0x77800000", straddle.getMessage());
            UnbackedAddressException bulk = assertThrows(UnbackedAddressException.class,
                    () -> m.fill(0x17FFFF000L, 0x2000, (byte) 1));
            assertEquals(0x180000000L, bulk.address());
            UnbackedAddressException beyond = assertThrows(UnbackedAddressException.class,
                    () -> m.read8(1L << 52));
            assertEquals("no memory at physical address 0x10000000000000", beyond.getMessage());
            assertThrows(UnbackedAddressException.class, () -> m.read8(-1L));
            assertFalse(m.isBacked(0x777FFFFC, 8));
            assertTrue(m.isBacked(0x777FFFF8, 8));
            assertFalse(m.isBacked(1L << 52, 0));
            assertEquals(0, m.bytesHeld(), "a failed write stores nothing");
        }
    }

    @Test
    void adjacentInstalledRangesBehaveAsOne() {
        try (SparseHostMemory m = memory(List.of(new Range(0, 0x1000), new Range(0x1000, 0x3000)), 52)) {
            m.write64(0xFFC, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, m.read64(0xFFC));
            assertEquals(List.of(new Range(0, 0x3000)), m.installed());
        }
    }

    @Test
    void keyIdBitsAboveTheAddressWidthAliasTheSameByte() {
        // 6 KeyID bits: the module takes the HKID from bits 51:46, so memory decodes 46 bits.
        try (SparseHostMemory m = memory(List.of(new Range(0, 4 * GIB)), 52 - 6)) {
            long hkid = 33;
            long withKey = 0x1234_5678L | hkid << 46;
            m.write64(withKey, 0xCAFE);
            assertEquals(0xCAFE, m.read64(0x1234_5678L));
            assertEquals(0xCAFE, m.read64(0x1234_5678L | 63L << 46));
            assertEquals(1, m.pageCount());
            UnbackedAddressException e = assertThrows(UnbackedAddressException.class,
                    () -> m.read64(5 * GIB | hkid << 46));
            assertEquals(String.format("no memory at physical address 0x%x", 5 * GIB | hkid << 46), e.getMessage());
        }
    }

    @Test
    void closeReleasesEveryBuffer() {
        SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52);
        for (int i = 0; i < 50; i++) {
            m.write64(i * 0x10000L, i + 1);
        }
        assertEquals(50, activeBuffers());
        m.close();
        assertEquals(0, activeBuffers());
        assertEquals(0, m.bytesHeld());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.read64(0));
        assertEquals("host memory is closed", e.getMessage());
    }

    @Test
    void constructionRefusesRangesItCannotHold() {
        assertEquals("installed range [0x1000, 0x1800) is empty or not 4 KiB aligned",
                assertThrows(IllegalArgumentException.class,
                        () -> memory(List.of(new Range(0x1000, 0x1800)), 52)).getMessage());
        assertEquals("installed range [0x1000, 0x3000) is unsorted or overlaps [0x0, 0x2000)",
                assertThrows(IllegalArgumentException.class,
                        () -> memory(List.of(new Range(0, 0x2000), new Range(0x1000, 0x3000)), 52)).getMessage());
        assertEquals("installed range [0x0, 0x800000000000) ends above the 46-bit address space",
                assertThrows(IllegalArgumentException.class,
                        () -> memory(List.of(new Range(0, 1L << 47)), 46)).getMessage());
        assertEquals("address width must be 12 to 52 bits: 53",
                assertThrows(IllegalArgumentException.class, () -> memory(List.of(), 53)).getMessage());
    }

    @Test
    void concurrentWritersToTheSamePagesLoseNothing() throws Exception {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                Future<?>[] done = new Future<?>[threads];
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done[t] = pool.submit(() -> {
                        for (long page = 0; page < 256; page++) {
                            m.write64(page * 4096 + thread * 8L, page << 8 | thread);
                        }
                    });
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(256, m.pageCount());
            for (long page = 0; page < 256; page++) {
                for (int thread = 0; thread < threads; thread++) {
                    assertEquals(page << 8 | thread, m.read64(page * 4096 + thread * 8L));
                }
            }
        }
    }

    // ---- fills with a repeated pattern share whole pages ---------------------------------------

    /** A PT_RSVD PAMT entry: 16 bytes, byte 2 = 1. */
    private static byte[] reservedEntry() {
        byte[] entry = new byte[16];
        entry[2] = 1;
        return entry;
    }

    private static byte[] repeated(byte[] pattern, int phase, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = pattern[(phase + i) % pattern.length];
        }
        return bytes;
    }

    @Test
    void aPatternFillOfAGibibyteHoldsOneBufferAndReadsBackExactly() {
        try (SparseHostMemory m = memory(List.of(new Range(0, 4 * GIB)), 52)) {
            byte[] entry = reservedEntry();
            m.fill(GIB, GIB, entry);
            assertEquals(262_144, m.pageCount());
            assertEquals(1, m.bufferCount());
            assertEquals(4096, m.bytesHeld());
            assertEquals(1, activeBuffers());
            assertArrayEquals(repeated(entry, 0, 3 * 4096), m.read(GIB + 5 * 4096, 3 * 4096));
            assertEquals(0x10000L, m.read64(2 * GIB - 16));
            assertEquals(0, m.read8(2 * GIB), "the fill stops at its end");
            assertEquals(0, m.read8(GIB - 1), "and starts at its start");
            // The same content elsewhere maps the same buffer.
            m.fill(3 * GIB, 8 * 4096, entry);
            assertEquals(1, m.bufferCount());
        }
    }

    @Test
    void aPartialWriteToASharedPageCopiesThatPageOnly() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            byte[] entry = reservedEntry();
            m.fill(0, 4 * 4096, entry);
            m.write64(4096 + 8, 0x1122334455667788L);
            assertEquals(2, m.bufferCount());
            assertEquals(4, m.pageCount());
            byte[] expected = repeated(entry, 0, 4 * 4096);
            for (int i = 0; i < 8; i++) {
                expected[4096 + 8 + i] = (byte) (0x88 - 0x11 * i);
            }
            assertArrayEquals(expected, m.read(0, 4 * 4096));
            // Writing to the private copy again allocates nothing more.
            m.write8(4096 + 100, 7);
            assertEquals(2, m.bufferCount());
        }
    }

    @Test
    void zeroFillsDropWholeSharedPagesAndCopyPartlyZeroedOnes() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            byte[] entry = reservedEntry();
            m.fill(0, 4 * 4096, entry);
            m.fill(4096, 4096, (byte) 0);
            assertEquals(3, m.pageCount());
            assertEquals(1, m.bufferCount(), "a shared buffer is kept until close, mapped or not");
            assertArrayEquals(new byte[4096], m.read(4096, 4096));
            m.fill(2 * 4096 + 16, 32, new byte[] {0});
            assertEquals(2, m.bufferCount());
            byte[] expected = repeated(entry, 0, 4096);
            Arrays.fill(expected, 16, 48, (byte) 0);
            assertArrayEquals(expected, m.read(2 * 4096, 4096));
            m.write(3 * 4096, new byte[4096]);
            assertArrayEquals(new byte[4096], m.read(3 * 4096, 4096));
            assertEquals(3, m.bufferCount(), "a whole-page write of zeros still needs a page of its own");
        }
    }

    @Test
    void aPatternFillOverAPrivatePageWritesIntoIt() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            m.write64(8, -1L);
            m.fill(0, 2 * 4096, reservedEntry());
            assertEquals(2, m.bufferCount(), "the private page and one shared page");
            assertArrayEquals(repeated(reservedEntry(), 0, 2 * 4096), m.read(0, 2 * 4096));
            m.fill(0, 4096, (byte) 0);
            assertArrayEquals(new byte[4096], m.read(0, 4096));
            assertEquals(2, m.pageCount(), "a private page stays held, as before");
        }
    }

    @Test
    void aPatternThatDoesNotDivideAPageFallsOnEachPageWhereItShould() {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            byte[] pattern = {1, 2, 3, 4, 5, 6, 7};
            long start = 4096 - 10;
            int length = 6 * 4096 + 20;
            m.fill(start, length, pattern);
            assertArrayEquals(repeated(pattern, 0, length), m.read(start, length));
            assertEquals(0, m.read8(start - 1));
            assertEquals(0, m.read8(start + length));
            // 6 whole pages at 6 different phases of a 7-byte pattern, and the two partial pages.
            assertEquals(6 + 2, m.bufferCount());
            assertEquals(8, m.pageCount());
        }
    }

    @Test
    void aPatternFillReachingMissingMemoryWritesNothing() {
        try (SparseHostMemory m = memory(List.of(new Range(0, 2 * 4096)), 52)) {
            UnbackedAddressException e = assertThrows(UnbackedAddressException.class,
                    () -> m.fill(4096, 2 * 4096, reservedEntry()));
            assertEquals(2 * 4096, e.address());
            assertEquals(0, m.bytesHeld());
            assertEquals("an empty fill pattern",
                    assertThrows(IllegalArgumentException.class, () -> m.fill(0, 16, new byte[0])).getMessage());
        }
    }

    @Test
    void closeReleasesSharedBuffersToo() {
        SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52);
        m.fill(0, 64 * 4096, reservedEntry());
        m.fill(64 * 4096, 64 * 4096, (byte) 0x5A);
        m.write8(3, 9);
        assertEquals(3, activeBuffers());
        m.close();
        assertEquals(0, activeBuffers());
        assertEquals(0, m.bytesHeld());
        assertEquals(0, m.pageCount());
    }

    /**
     * Threads racing whole-page fills, partial writes and zero fills over the same few pages:
     * nothing throws, no buffer is touched after it was released (paranoid leak detection would
     * say so), every buffer counted is one the pool handed out, and close gives all back.
     */
    @Test
    void racingFillsCopiesAndZeroFillsNeverTouchAReleasedBuffer() throws Exception {
        try (SparseHostMemory m = memory(List.of(new Range(0, GIB)), 52)) {
            int threads = 4;
            int pages = 16;
            byte[][] patterns = {reservedEntry(), {(byte) 0xAB}, {1, 2, 3}};
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                Future<?>[] done = new Future<?>[threads];
                for (int t = 0; t < threads; t++) {
                    long seed = t;
                    done[t] = pool.submit(() -> {
                        Random random = new Random(seed);
                        for (int i = 0; i < 20_000; i++) {
                            long page = random.nextInt(pages) * 4096L;
                            switch (random.nextInt(4)) {
                                case 0 -> m.fill(page, 4096, patterns[random.nextInt(patterns.length)]);
                                case 1 -> m.write64(page + random.nextInt(512) * 8L, random.nextLong());
                                case 2 -> m.fill(page, 4096, (byte) 0);
                                default -> m.read64(page + random.nextInt(512) * 8L);
                            }
                        }
                    });
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(m.bufferCount(), activeBuffers());
            assertTrue(m.pageCount() <= pages);
        }
    }
}
