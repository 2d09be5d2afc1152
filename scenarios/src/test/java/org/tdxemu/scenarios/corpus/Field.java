package org.tdxemu.scenarios.corpus;

/**
 * One field of a file format: where it is, with array indices left out ({@code platform.cmrs[][]}),
 * what it holds, and for numbers the bounds the reader enforces on the field alone (bounds that
 * depend on other fields, such as CPU numbers or the address width, are semantic cases).
 */
record Field(String pattern, Shape shape, long min, long max, boolean required) {

    /** What a field holds. */
    enum Shape {
        /** Any string. */
        TEXT,
        /** One of a few names. */
        CHOICE,
        /** One of a few names, or null. */
        CHOICE_OR_NULL,
        /** true or false. */
        FLAG,
        OBJECT,
        ARRAY,
        /** {@code [start, end]}. */
        RANGE,
        /** A JSON integer or a number string: hex, decimal, or with a binary unit. */
        NUMBER,
        /** A string of hex digits, two a byte. */
        HEX_BYTES
    }

    /** The largest unsigned 64-bit value: a number bounded only by its width. */
    static final long UNBOUNDED = -1L;

    static Field of(String pattern, Shape shape) {
        return new Field(pattern, shape, 0, UNBOUNDED, false);
    }

    /** A number within {@code [min, max]}. */
    static Field count(String pattern, long min, long max) {
        return new Field(pattern, Shape.NUMBER, min, max, false);
    }

    /** A 64-bit number: an address, a size, a status, a register. */
    static Field number(String pattern) {
        return of(pattern, Shape.NUMBER);
    }

    Field mandatory() {
        return new Field(pattern, shape, min, max, true);
    }

    boolean bounded() {
        return max != UNBOUNDED;
    }
}
