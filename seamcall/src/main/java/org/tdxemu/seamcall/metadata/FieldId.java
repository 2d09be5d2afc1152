package org.tdxemu.seamcall.metadata;

/**
 * A global-metadata field ID, as TDH.SYS.RD and RDALL take it (module-abi.md §6.1,
 * kernel-init.md §2.5).
 *
 * <pre>
 *  63 NON_ARCH | 62 rsvd | 61:56 CLASS_CODE | 55 rsvd | 54:52 CONTEXT_CODE | 51 WRITE_MASK_VALID
 *  50 INC_SIZE | 49:47 rsvd | 46:38 LAST_FIELD_IN_SEQUENCE | 37:34 LAST_ELEMENT_IN_FIELD
 *  33:32 ELEMENT_SIZE_CODE | 31:24 rsvd | 23:0 FIELD_CODE
 * </pre>
 */
public record FieldId(long raw) {

    public static final long FIELD_CODE_MASK = 0xFF_FFFFL;
    public static final int ELEMENT_SIZE_CODE_SHIFT = 32;
    public static final long ELEMENT_SIZE_CODE_MASK = 0x3L << ELEMENT_SIZE_CODE_SHIFT;
    public static final int LAST_ELEMENT_IN_FIELD_SHIFT = 34;
    public static final long LAST_ELEMENT_IN_FIELD_MASK = 0xFL << LAST_ELEMENT_IN_FIELD_SHIFT;
    public static final int LAST_FIELD_IN_SEQUENCE_SHIFT = 38;
    public static final long LAST_FIELD_IN_SEQUENCE_MASK = 0x1FFL << LAST_FIELD_IN_SEQUENCE_SHIFT;
    public static final long INC_SIZE_BIT = 1L << 50;
    public static final long WRITE_MASK_VALID_BIT = 1L << 51;
    public static final int CONTEXT_CODE_SHIFT = 52;
    public static final long CONTEXT_CODE_MASK = 0x7L << CONTEXT_CODE_SHIFT;
    public static final int CLASS_CODE_SHIFT = 56;
    public static final long CLASS_CODE_MASK = 0x3FL << CLASS_CODE_SHIFT;
    public static final long NON_ARCH_BIT = 1L << 63;
    /** Bits 31:24, 49:47, 55 and 62. */
    public static final long RESERVED_MASK = 0xFFL << 24 | 0x7L << 47 | 1L << 55 | 1L << 62;

    /** All ones: "start from the first field" for RD and RDALL. Its context bits are ignored. */
    public static final long NULL = -1L;

    /** CONTEXT_CODE values. */
    public static final int CONTEXT_SYS = 0;
    public static final int CONTEXT_TD = 1;
    public static final int CONTEXT_VCPU = 2;

    /** A single-element field ID of the SYS context. */
    public static FieldId of(int classCode, int fieldCode, int elementSizeCode, boolean nonArch) {
        if (classCode < 0 || classCode > 0x3F) {
            throw new IllegalArgumentException("class code out of 6 bits: " + classCode);
        }
        if ((fieldCode & ~FIELD_CODE_MASK) != 0) {
            throw new IllegalArgumentException("field code out of 24 bits: 0x" + Integer.toHexString(fieldCode));
        }
        if (elementSizeCode < 0 || elementSizeCode > 3) {
            throw new IllegalArgumentException("element size code out of 2 bits: " + elementSizeCode);
        }
        return new FieldId((nonArch ? NON_ARCH_BIT : 0) | (long) classCode << CLASS_CODE_SHIFT
                | (long) elementSizeCode << ELEMENT_SIZE_CODE_SHIFT | fieldCode);
    }

    public int fieldCode() {
        return (int) (raw & FIELD_CODE_MASK);
    }

    /** 0 = 1 byte, 1 = 2 bytes, 2 = 4 bytes, 3 = 8 bytes. */
    public int elementSizeCode() {
        return (int) ((raw & ELEMENT_SIZE_CODE_MASK) >>> ELEMENT_SIZE_CODE_SHIFT);
    }

    public int elementBytes() {
        return 1 << elementSizeCode();
    }

    public int lastElementInField() {
        return (int) ((raw & LAST_ELEMENT_IN_FIELD_MASK) >>> LAST_ELEMENT_IN_FIELD_SHIFT);
    }

    public int lastFieldInSequence() {
        return (int) ((raw & LAST_FIELD_IN_SEQUENCE_MASK) >>> LAST_FIELD_IN_SEQUENCE_SHIFT);
    }

    public boolean incSize() {
        return (raw & INC_SIZE_BIT) != 0;
    }

    public boolean writeMaskValid() {
        return (raw & WRITE_MASK_VALID_BIT) != 0;
    }

    public int contextCode() {
        return (int) ((raw & CONTEXT_CODE_MASK) >>> CONTEXT_CODE_SHIFT);
    }

    public int classCode() {
        return (int) ((raw & CLASS_CODE_MASK) >>> CLASS_CODE_SHIFT);
    }

    public boolean nonArch() {
        return (raw & NON_ARCH_BIT) != 0;
    }

    public boolean hasReservedBits() {
        return (raw & RESERVED_MASK) != 0;
    }

    /** The null ID: every bit but the context bits is one. */
    public boolean isNull() {
        return (raw | CONTEXT_CODE_MASK) == NULL;
    }

    public FieldId withContext(int contextCode) {
        return new FieldId(raw & ~CONTEXT_CODE_MASK | ((long) contextCode << CONTEXT_CODE_SHIFT & CONTEXT_CODE_MASK));
    }

    public FieldId withLastElementInField(int lastElement) {
        return new FieldId(raw & ~LAST_ELEMENT_IN_FIELD_MASK
                | ((long) lastElement << LAST_ELEMENT_IN_FIELD_SHIFT & LAST_ELEMENT_IN_FIELD_MASK));
    }

    public FieldId withLastFieldInSequence(int lastField) {
        return new FieldId(raw & ~LAST_FIELD_IN_SEQUENCE_MASK
                | ((long) lastField << LAST_FIELD_IN_SEQUENCE_SHIFT & LAST_FIELD_IN_SEQUENCE_MASK));
    }

    /** The same field code moved by {@code delta}, e.g. element {@code i} of an array field. */
    public FieldId plusFieldCode(int delta) {
        return new FieldId(raw & ~FIELD_CODE_MASK | ((raw & FIELD_CODE_MASK) + delta) & FIELD_CODE_MASK);
    }

    @Override
    public String toString() {
        return String.format("0x%016X", raw);
    }
}
