package org.tdxemu.seamcall.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.memory.ArrayMemory;
import org.tdxemu.seamcall.metadata.FieldId;

/** The RDALL list layout (module-abi.md §4.8), read back from bytes laid down by hand. */
class MetadataListTest {

    private static final long BASE = 0x20_0000L;
    private final ArrayMemory memory = new ArrayMemory(BASE, MetadataList.BUFFER_BYTES);

    @Test
    void readsTheListHeaderAndEachSequenceSizedByItsOwnHeader() {
        // A one-field sequence of 1 element, then 2 fields of 2 elements: 8 + (8 + 8) + (8 + 32) bytes.
        memory.write16(BASE, 64);
        memory.write16(BASE + 2, 2);
        memory.write64(BASE + 8, 0x0A00000300000008L);
        memory.write64(BASE + 16, 0x1F0EBFL);
        memory.write64(BASE + 24, 0x9900004700000500L);
        for (int i = 0; i < 4; i++) {
            memory.write64(BASE + 32 + 8L * i, 0x100 + i);
        }

        MetadataList list = MetadataList.at(memory, BASE);

        assertEquals(64, list.listBuffSize());
        assertEquals(2, list.numSequences());
        assertEquals(0, list.reserved());
        List<MetadataList.Sequence> sequences = list.sequences();
        assertEquals(new MetadataList.Sequence(new FieldId(0x0A00000300000008L), List.of(0x1F0EBFL)),
                sequences.get(0));
        MetadataList.Sequence cpuidValues = sequences.get(1);
        assertEquals(2, cpuidValues.fields());
        assertEquals(2, cpuidValues.elementsPerField());
        assertEquals(List.of(0x100L, 0x101L, 0x102L, 0x103L), cpuidValues.elements());
        assertEquals(40, cpuidValues.bytes());
    }

    /** One sequence of one element (24 bytes) under a list header that claims {@code listBuffSize}. */
    private String malformation(int listBuffSize) {
        memory.write16(BASE, listBuffSize);
        memory.write16(BASE + 2, 1);
        memory.write64(BASE + 8, 0x0000000200000000L);
        return assertThrows(IllegalStateException.class, () -> MetadataList.at(memory, BASE).sequences())
                .getMessage();
    }

    @Test
    void aListWhoseSequencesDoNotEndAtItsSizeIsMalformed() {
        assertEquals("sequence 0 at byte 8 ends at byte 24, past LIST_BUFF_SIZE 16", malformation(16));
        assertEquals("1 sequences end at byte 24, but LIST_BUFF_SIZE is 32", malformation(32));
    }

    @Test
    void aCopiedListParsesAsTheListInMemory() {
        memory.write16(BASE, 24);
        memory.write16(BASE + 2, 1);
        memory.write64(BASE + 8, 0x0000000200000000L);
        memory.write64(BASE + 16, 2);

        assertEquals(MetadataList.at(memory, BASE).sequences(), MetadataList.sequencesOf(memory.snapshot(BASE, 24)));
        assertThrows(IllegalArgumentException.class, () -> MetadataList.sequencesOf(memory.snapshot(BASE, 16)));
    }
}
