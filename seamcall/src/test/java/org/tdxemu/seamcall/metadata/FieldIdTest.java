package org.tdxemu.seamcall.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FieldIdTest {

    @Test
    void decodesMaxTdmrs() {
        FieldId id = new FieldId(0x9100000100000008L);
        assertEquals(0x08, id.fieldCode());
        assertEquals(1, id.elementSizeCode());
        assertEquals(2, id.elementBytes());
        assertEquals(17, id.classCode());
        assertEquals(FieldId.CONTEXT_SYS, id.contextCode());
        assertTrue(id.nonArch());
        assertFalse(id.hasReservedBits());
        assertEquals(0, id.lastElementInField());
        assertEquals(0, id.lastFieldInSequence());
        assertEquals(id, FieldId.of(17, 0x08, 1, true));
    }

    @Test
    void encodesEveryFieldAtItsBits() {
        assertEquals(0x0800000100000003L, FieldId.of(8, 3, 1, false).raw());
        assertEquals(0x0A00000300000008L, FieldId.of(10, 8, 3, false).raw());
        assertEquals(0x8800000200000001L, FieldId.of(8, 1, 2, true).raw());
        assertEquals(0x9900000300000500L, FieldId.of(25, 0x500, 3, true).raw());
        assertEquals(0x1900000300000003L, FieldId.of(25, 3, 3, false).raw());
        FieldId seq = new FieldId(0x9000000300000080L).withLastElementInField(0).withLastFieldInSequence(31);
        assertEquals(0x9000000300000080L | 31L << 38, seq.raw());
        assertEquals(31, seq.lastFieldInSequence());
        assertEquals(5, new FieldId(5L << 34).lastElementInField());
        assertTrue(new FieldId(1L << 50).incSize());
        assertTrue(new FieldId(1L << 51).writeMaskValid());
        assertEquals(FieldId.CONTEXT_VCPU, new FieldId(0x9100000100000008L).withContext(2).contextCode());
        assertEquals(0x9900000300000405L, new FieldId(0x9900000300000400L).plusFieldCode(5).raw());
    }

    @Test
    void reservedBitsAre31To24And49To47And55And62() {
        for (int bit = 0; bit < 64; bit++) {
            boolean reserved = (bit >= 24 && bit <= 31) || (bit >= 47 && bit <= 49) || bit == 55 || bit == 62;
            assertEquals(reserved, new FieldId(1L << bit).hasReservedBits(), "bit " + bit);
        }
    }

    @Test
    void theNullIdIgnoresItsContextBits() {
        assertTrue(new FieldId(-1L).isNull());
        assertTrue(new FieldId(-1L & ~FieldId.CONTEXT_CODE_MASK).isNull());
        assertTrue(new FieldId(-1L).withContext(1).isNull());
        assertFalse(new FieldId(-1L & ~1L).isNull());
    }
}
