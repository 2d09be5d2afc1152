package org.tdxemu.emulator.module.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import org.tdxemu.seamcall.layout.MetadataList;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * The metadata list TDH.SYS.RDALL writes (module-abi.md §4.8), built field by field the way the
 * module's {@code md_dump_list} builds it into a buffer of a given size:
 * <ul>
 *   <li>a sequence runs while the next field has the same class, the next field code, the same
 *       number of elements and the same element size; whole table entries join a sequence when
 *       they continue it (ALLOWED_FMS and DISALLOWED_FMS make one sequence of 128 fields);</li>
 *   <li>a field is written whole or not at all, and a new sequence is begun only when its header
 *       and its first field fit;</li>
 *   <li>when a field does not fit, the sequence ends there, the list is complete as it stands, and
 *       the dump resumes from that field in a new sequence: a sequence may be split across
 *       pages;</li>
 *   <li>only the list's own bytes are written; the buffer beyond LIST_BUFF_SIZE keeps whatever the
 *       host left in it.</li>
 * </ul>
 */
public final class MetadataListDump {

    /** A buffer must hold the list header, a sequence header and the largest field. */
    public static final int MIN_BUFFER_BYTES = MetadataList.HEADER_BYTES + MetadataList.SEQUENCE_HEADER_BYTES
            + Arrays.stream(SysField.values()).mapToInt(SysField::elements).max().orElseThrow()
            * MetadataList.ELEMENT_BYTES;

    /**
     * One buffer's worth of list.
     *
     * @param list        the bytes from the list header to LIST_BUFF_SIZE
     * @param nextFieldId where the next call resumes, or the null ID when the table is done
     */
    public record Page(byte[] list, long nextFieldId) {
        public long status() {
            return nextFieldId == FieldId.NULL ? StatusCode.TDX_SUCCESS.value()
                    : StatusCode.TDX_METADATA_LIST_OVERFLOW.value();
        }
    }

    private MetadataListDump() {
    }

    /** Dumps from {@code start}, which must be the first element of a field, into {@code bufferBytes}. */
    public static Page dump(GlobalMetadata metadata, GlobalMetadata.Element start, int bufferBytes) {
        if (bufferBytes < MIN_BUFFER_BYTES || bufferBytes > MetadataList.BUFFER_BYTES) {
            throw new IllegalArgumentException("a metadata list buffer holds " + MIN_BUFFER_BYTES + " to "
                    + MetadataList.BUFFER_BYTES + " bytes: " + bufferBytes);
        }
        if (!start.startsField()) {
            throw new IllegalArgumentException("a dump starts at the first element of a field: " + start);
        }
        ByteBuffer list = ByteBuffer.allocate(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        list.position(MetadataList.HEADER_BYTES);
        int sequences = 0;
        Optional<GlobalMetadata.Element> cursor = Optional.of(start);
        boolean full = false;
        while (!full && cursor.isPresent()
                && list.remaining() >= MetadataList.SEQUENCE_HEADER_BYTES + fieldBytes(cursor.get())) {
            GlobalMetadata.Element first = cursor.get();
            int headerAt = list.position();
            list.position(headerAt + MetadataList.SEQUENCE_HEADER_BYTES);
            int fields = 0;
            while (true) {
                GlobalMetadata.Element field = cursor.get();
                if (list.remaining() < fieldBytes(field)) {
                    full = true;
                    break;
                }
                for (int k = 0; k < field.field().elements(); k++) {
                    list.putLong(metadata.value(field.field(), field.index() + k));
                }
                fields++;
                cursor = metadata.nextField(field);
                if (cursor.isEmpty() || !continuesSequence(field, cursor.get())) {
                    break;
                }
            }
            list.putLong(headerAt, sequenceHeader(first, fields).raw());
            sequences++;
        }
        int listBytes = list.position();
        list.putShort(MetadataList.LIST_BUFF_SIZE, (short) listBytes);
        list.putShort(MetadataList.NUM_SEQUENCES, (short) sequences);
        return new Page(Arrays.copyOf(list.array(), listBytes), cursor.map(e -> e.id().raw()).orElse(FieldId.NULL));
    }

    private static int fieldBytes(GlobalMetadata.Element field) {
        return field.field().elements() * MetadataList.ELEMENT_BYTES;
    }

    /** The module compares class codes, field codes and shapes; NON_ARCH does not break a sequence. */
    private static boolean continuesSequence(GlobalMetadata.Element field, GlobalMetadata.Element next) {
        FieldId id = field.id();
        FieldId nextId = next.id();
        return id.classCode() == nextId.classCode()
                && id.fieldCode() + field.field().elements() == nextId.fieldCode()
                && field.field().elements() == next.field().elements()
                && id.elementSizeCode() == nextId.elementSizeCode();
    }

    /** The first field's ID, context SYS, for reading (WRITE_MASK_VALID 0), with the sequence's shape. */
    private static FieldId sequenceHeader(GlobalMetadata.Element first, int fields) {
        return new FieldId(first.id().raw() & ~FieldId.WRITE_MASK_VALID_BIT & ~FieldId.RESERVED_MASK)
                .withContext(FieldId.CONTEXT_SYS)
                .withLastElementInField(first.field().elements() - 1)
                .withLastFieldInSequence(fields - 1);
    }
}
