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
