package org.tdxemu.seamcall.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** PhysicalMemory's default pattern fill, as every implementation that does not override it gets it. */
class PatternFillTest {

    @Test
    void thePatternRepeatsFromTheFirstByteToTheLast() {
        ArrayMemory memory = new ArrayMemory(0x1000, 3 * 4096);
        byte[] pattern = {1, 2, 3, 4, 5};
        int length = 2 * 4096 + 3;
        memory.fill(0x1001, length, pattern);
        byte[] expected = new byte[length + 2];
        for (int i = 0; i < length; i++) {
            expected[i + 1] = pattern[i % pattern.length];
        }
        assertArrayEquals(expected, memory.snapshot(0x1000, length + 2));
    }

    @Test
    void aFillReachingMissingMemoryNamesTheFirstMissingByteAndWritesNothing() {
        ArrayMemory memory = new ArrayMemory(0x1000, 4096);
        UnbackedAddressException e = assertThrows(UnbackedAddressException.class,
                () -> memory.fill(0x1800, 4096, new byte[] {7}));
        assertEquals(0x2000, e.address());
        assertArrayEquals(new byte[4096], memory.snapshot(0x1000, 4096));
        assertEquals("an empty fill pattern",
                assertThrows(IllegalArgumentException.class, () -> memory.fill(0x1000, 1, new byte[0])).getMessage());
    }
}
