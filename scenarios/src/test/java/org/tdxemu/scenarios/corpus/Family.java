package org.tdxemu.scenarios.corpus;

import java.util.Locale;

/** The ways a malformed input is wrong: each corpus entry belongs to one family. */
public enum Family {
    /** Valid JSON cut short, once at each class of cut point (inside a key, after a colon, …). */
    TRUNCATED,
    /**
     * Valid JSON with one brace, bracket, quote, comma or colon deleted or doubled, two neighbouring
     * tokens swapped, a key repeated, or a second value after the first.
     */
    MUTATED,
    /** Random bytes. */
    RANDOM_BYTES,
    /** A random JSON value where the document (or a trace's first record) should be. */
    RANDOM_JSON,
    /** A numeric field negative, below its minimum, above its maximum, over 64 bits, fractional, … */
    NUMBERS,
    /** A field holding the wrong kind of JSON value: a string where an object goes, null, … */
    TYPES,
    /** A key the object does not take, at every level. */
    UNKNOWN_KEYS,
    /** A required key left out. */
    MISSING_KEYS,
    /** A name the format does not know: leaf, status, errno, profile, version, record type, … */
    NAMES,
    /**
     * Well formed and well typed, wrong in what it says: ranges out of order, overlapping,
     * misaligned or above the address width, CPUs that do not exist, …
     */
    SEMANTIC,
    /** Not UTF-8 text: other encodings, compressed data, stray bytes. */
    BINARY,
    /** No bytes at all. */
    EMPTY,
    /** Nothing but white space (JSON's, or what looks like it). */
    WHITESPACE,
    /** Not a regular readable file: a directory, a dangling symlink, a symlink loop, a FIFO. */
    FILES;

    /** The family as entry names spell it: {@code random-json}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
