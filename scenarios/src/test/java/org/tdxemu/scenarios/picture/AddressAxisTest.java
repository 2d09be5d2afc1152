package org.tdxemu.scenarios.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.memory.Range;

class AddressAxisTest {

    private static final long KIB_4 = 4096;
    private static final long TIB_8 = 8L << 40;

    @Test
    void aFourKibHoleNextToEightTibOfRamIsDrawnAtLeastTheMinimumWideAndOnlyTheLongStretchIsCompressed() {
        AddressAxis axis = new AddressAxis(new TreeSet<>(List.of(0L, KIB_4, KIB_4 + TIB_8)), 100, 600);
        List<AddressAxis.Stretch> stretches = axis.stretches();
        assertEquals(2, stretches.size());
        assertEquals(new Range(0, KIB_4), stretches.get(0).range());
        assertTrue(stretches.get(0).width() >= AddressAxis.MIN_STRETCH, "4 KiB: " + stretches.get(0).width());
        assertTrue(stretches.get(1).width() > stretches.get(0).width(), "8 TiB is drawn wider than 4 KiB");
        assertFalse(stretches.get(0).compressed());
        assertTrue(stretches.get(1).compressed());
        assertEquals(100, axis.left());
        assertEquals(600, axis.right() - axis.left(), 1);
    }

    @Test
    void boundariesFallOnWholePixelsInOrderAndAddressesBetweenThemInProportion() {
        AddressAxis axis = new AddressAxis(new TreeSet<>(List.of(0L, 1L << 20, 0x77800000L, 0x80000000L, 1L << 32,
                0x1003e000000L)), 128.4, 1400);
        double previous = -1;
        for (long boundary : axis.boundaries()) {
            double x = axis.x(boundary);
            assertEquals(Math.rint(x), x, "0x" + Long.toHexString(boundary));
            assertTrue(x - previous >= AddressAxis.MIN_STRETCH || previous < 0);
            previous = x;
        }
        double quarter = axis.x(0x80000000L) + (axis.x(1L << 32) - axis.x(0x80000000L)) / 4;
        assertEquals(quarter, axis.x(0xa0000000L), 1e-9);
    }

    @Test
    void manyStretchesWidenTheAxisRatherThanDrawAnyNarrowerThanTheMinimum() {
        TreeSet<Long> boundaries = new TreeSet<>();
        for (long page = 0; page <= 200; page++) {
            boundaries.add(page * KIB_4);
        }
        AddressAxis axis = new AddressAxis(boundaries, 0, 1400);
        assertTrue(axis.stretches().stream().allMatch(s -> s.width() >= AddressAxis.MIN_STRETCH));
        assertTrue(axis.right() >= 200 * AddressAxis.MIN_STRETCH);
    }

    @Test
    void anAddressOffTheAxisIsAnError() {
        AddressAxis axis = new AddressAxis(new TreeSet<>(List.of(1L << 20, 1L << 30)), 0, 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> axis.x(0));
        assertEquals("0x0 is off the axis [0x100000, 0x40000000]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AddressAxis(new TreeSet<>(List.of(5L)), 0, 100));
    }

    @Test
    void subtractLeavesThePartsNothingCovers() {
        assertEquals(List.of(new Range(0, 0x100000), new Range(0x77800000L, 0x80000000L)),
                MemoryPicture.subtract(new Range(0, 0x80000000L), List.of(new Range(0x100000, 0x77800000L),
                        new Range(0x100000000L, 0x200000000L))));
        assertEquals(List.of(), MemoryPicture.subtract(new Range(0x1000, 0x2000), List.of(new Range(0, 0x3000))));
    }
}
