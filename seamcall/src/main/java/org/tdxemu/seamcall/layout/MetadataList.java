package org.tdxemu.seamcall.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.metadata.FieldId;

/**
 * A view of the metadata list that TDH.SYS.RDALL writes into its 4 KiB buffer (module-abi.md
 * §4.8): an 8-byte list header, then sequences. The list header is u16 LIST_BUFF_SIZE (the bytes
 * the list uses, this header included), u16 NUM_SEQUENCES and a reserved u32 of zero. A sequence is
 * an 8-byte header, the field ID of its first field whose LAST_ELEMENT_IN_FIELD and
 * LAST_FIELD_IN_SEQUENCE give its shape, followed by one u64 per element whatever the element size.
 */
public final class MetadataList {

    public static final int LIST_BUFF_SIZE = 0;
    public static final int NUM_SEQUENCES = 2;
    public static final int RESERVED = 4;
    public static final int HEADER_BYTES = 8;
    public static final int SEQUENCE_HEADER_BYTES = 8;
    public static final int ELEMENT_BYTES = 8;
    /** TDH.SYS.RDALL's buffer: one 4 KiB page, 4 KiB-aligned. */
    public static final int BUFFER_BYTES = (int) PageSize.SIZE_4K.bytes();
    public static final int ALIGNMENT = BUFFER_BYTES;

    /** One sequence: its header and its elements, fields one after another. */
    public record Sequence(FieldId header, List<Long> elements) {
        public Sequence {
            elements = List.copyOf(elements);
        }

        public int fields() {
            return header.lastFieldInSequence() + 1;
        }

        public int elementsPerField() {
            return header.lastElementInField() + 1;
        }

        public int bytes() {
            return SEQUENCE_HEADER_BYTES + elements.size() * ELEMENT_BYTES;
        }
    }

    private final PhysicalMemory memory;
    private final long pa;

    private MetadataList(PhysicalMemory memory, long pa) {
        this.memory = memory;
        this.pa = pa;
    }

    public static MetadataList at(PhysicalMemory memory, long pa) {
        return new MetadataList(memory, pa);
    }

    public long address() {
        return pa;
    }

    public int listBuffSize() {
        return memory.read16(pa + LIST_BUFF_SIZE);
    }

    public int numSequences() {
        return memory.read16(pa + NUM_SEQUENCES);
    }

    public long reserved() {
        return memory.read32(pa + RESERVED);
    }

    /** The sequences the header announces, read from memory in one go. */
    public List<Sequence> sequences() {
        return sequencesOf(memory.read(pa, listBuffSize()));
    }

    /**
     * The sequences of a list already copied out of memory, from its list header on, each sized by
     * its own header. A list whose sequences do not end exactly at LIST_BUFF_SIZE is malformed, and
     * says so.
     */
    public static List<Sequence> sequencesOf(byte[] list) {
        ByteBuffer bytes = ByteBuffer.wrap(list).order(ByteOrder.LITTLE_ENDIAN);
        int listBuffSize = Short.toUnsignedInt(bytes.getShort(LIST_BUFF_SIZE));
        int numSequences = Short.toUnsignedInt(bytes.getShort(NUM_SEQUENCES));
        if (listBuffSize > list.length) {
            throw new IllegalArgumentException("LIST_BUFF_SIZE is " + listBuffSize + ", but the list has "
                    + list.length + " bytes");
        }
        List<Sequence> sequences = new ArrayList<>();
        int offset = HEADER_BYTES;
        for (int s = 0; s < numSequences; s++) {
            if (offset + SEQUENCE_HEADER_BYTES > listBuffSize) {
                throw new IllegalStateException("sequence " + s + " of " + numSequences + " would start at byte "
                        + offset + ", past LIST_BUFF_SIZE " + listBuffSize);
            }
            FieldId header = new FieldId(bytes.getLong(offset));
            long count = (long) (header.lastElementInField() + 1) * (header.lastFieldInSequence() + 1);
            long end = offset + SEQUENCE_HEADER_BYTES + count * ELEMENT_BYTES;
            if (end > listBuffSize) {
                throw new IllegalStateException("sequence " + s + " at byte " + offset + " ends at byte " + end
                        + ", past LIST_BUFF_SIZE " + listBuffSize);
            }
            List<Long> elements = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                elements.add(bytes.getLong(offset + SEQUENCE_HEADER_BYTES + i * ELEMENT_BYTES));
            }
            sequences.add(new Sequence(header, elements));
            offset = (int) end;
        }
        if (offset != listBuffSize) {
            throw new IllegalStateException(numSequences + " sequences end at byte " + offset
                    + ", but LIST_BUFF_SIZE is " + listBuffSize);
        }
        return sequences;
    }
}
