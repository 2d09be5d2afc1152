package org.tdxemu.seamcall.memory;

/**
 * The memory bus: little-endian reads and writes at host physical addresses. Narrow reads return
 * the value zero-extended; writes store the low bytes of the value given.
 *
 * <p>Every access to a byte with no memory behind it throws {@link UnbackedAddressException}
 * naming that address. Implementations must be safe to use from several threads at once, one per
 * simulated CPU.
 */
public interface PhysicalMemory {

    /** How many bytes of a repeated pattern {@link #fill(long, long, byte[])}'s default writes at once. */
    int PATTERN_CHUNK_BYTES = 4096;

    int read8(long pa);

    int read16(long pa);

    long read32(long pa);

    long read64(long pa);

    void write8(long pa, int value);

    void write16(long pa, int value);

    void write32(long pa, long value);

    void write64(long pa, long value);

    /** Copies {@code length} bytes at {@code pa} into {@code destination[offset ...]}. */
    void read(long pa, byte[] destination, int offset, int length);

    /** Stores {@code source[offset ... offset+length)} at {@code pa}. */
    void write(long pa, byte[] source, int offset, int length);

    /** Sets {@code length} bytes at {@code pa} to {@code value}. */
    void fill(long pa, long length, byte value);

    /**
     * Writes {@code pattern} over {@code length} bytes at {@code pa} again and again: the byte at
     * {@code pa + i} becomes {@code pattern[i % pattern.length]}. Nothing is written when some byte
     * of the range has no memory behind it.
     *
     * <p>This default checks the range, then writes it a few KiB at a time; an implementation that
     * can store repeated contents more cheaply overrides it.
     *
     * @throws IllegalArgumentException if {@code pattern} is empty
     */
    default void fill(long pa, long length, byte[] pattern) {
        if (pattern.length == 0) {
            throw new IllegalArgumentException("an empty fill pattern");
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (!isBacked(pa, length)) {
            // The longest backed prefix ends at the first byte without memory.
            long backed = 0;
            long unbacked = length;
            while (unbacked - backed > 1) {
                long middle = backed + (unbacked - backed) / 2;
                if (isBacked(pa, middle)) {
                    backed = middle;
                } else {
                    unbacked = middle;
                }
            }
            throw new UnbackedAddressException(pa + backed);
        }
        int repeats = Math.max(1, PATTERN_CHUNK_BYTES / pattern.length);
        byte[] chunk = new byte[repeats * pattern.length];
        for (int r = 0; r < repeats; r++) {
            System.arraycopy(pattern, 0, chunk, r * pattern.length, pattern.length);
        }
        for (long done = 0; done < length; done += chunk.length) {
            write(pa + done, chunk, 0, (int) Math.min(chunk.length, length - done));
        }
    }

    /** Copies {@code length} bytes from {@code sourcePa} to {@code destinationPa}; the ranges may overlap. */
    void copy(long sourcePa, long destinationPa, long length);

    /** Whether every byte of {@code [pa, pa + length)} has memory behind it. */
    boolean isBacked(long pa, long length);

    default byte[] read(long pa, int length) {
        byte[] bytes = new byte[length];
        read(pa, bytes, 0, length);
        return bytes;
    }

    default void write(long pa, byte[] source) {
        write(pa, source, 0, source.length);
    }
}
