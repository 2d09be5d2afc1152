package org.tdxemu.seamcall.leaf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeafTest {

    @Test
    void numbersAreTheKernelsAndTheModules() {
        // kernel-init.md §2.7 and module-abi.md §4.
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("TDH.PHYMEM.PAGE.RDMD", 24), Map.entry("TDH.PHYMEM.PAGE.RECLAIM", 28),
                Map.entry("TDH.SYS.KEY.CONFIG", 31), Map.entry("TDH.SYS.INFO", 32), Map.entry("TDH.SYS.INIT", 33),
                Map.entry("TDH.SYS.RD", 34), Map.entry("TDH.SYS.LP.INIT", 35), Map.entry("TDH.SYS.TDMR.INIT", 36),
                Map.entry("TDH.SYS.RDALL", 37), Map.entry("TDH.PHYMEM.CACHE.WB", 40),
                Map.entry("TDH.SYS.LP.SHUTDOWN", 44), Map.entry("TDH.SYS.CONFIG", 45),
                Map.entry("TDH.SYS.SHUTDOWN", 52), Map.entry("TDH.SYS.UPDATE", 53), Map.entry("TDH.SYS.DISABLE", 69));
        assertEquals(expected.size(), Leaf.values().length);
        expected.forEach((name, number) -> {
            Leaf leaf = Leaf.ofName(name).orElseThrow();
            assertEquals(number, leaf.number(), name);
            assertEquals(Optional.of(leaf), Leaf.ofNumber(number));
            assertEquals(number.longValue(), leaf.rax());
        });
        assertEquals(Optional.empty(), Leaf.ofNumber(99));
        assertEquals(Optional.empty(), Leaf.ofName("TDH.SYS.NOPE"));
    }

    @Test
    void raxCarriesTheLeafInBits15To0AndTheVersionIn23To16() {
        assertEquals(0x2DL, LeafSelector.encode(45, 0));
        assertEquals(0x1_0022L, LeafSelector.encode(34, 1));
        LeafSelector s = LeafSelector.decode(0x0000_0001_0102_0021L);
        assertEquals(0x21, s.leafNumber());
        assertEquals(0x02, s.version());
        assertEquals(0x0000_0001_0100_0000L, s.reservedBits());
        assertTrue(s.hasReservedBits());
        assertEquals(0x0000_0001_0102_0021L, s.rax());
        assertEquals(Optional.of(Leaf.TDH_SYS_INIT), s.leaf());
        assertFalse(LeafSelector.decode(Leaf.TDH_SYS_CONFIG.rax()).hasReservedBits());
    }

    @Test
    void refusesFieldsThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> LeafSelector.encode(0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> LeafSelector.encode(1, 256));
        assertThrows(IllegalArgumentException.class, () -> new LeafSelector(1, 0, 0x1000));
    }
}
