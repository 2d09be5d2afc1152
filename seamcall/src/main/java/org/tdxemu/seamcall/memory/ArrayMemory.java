package org.tdxemu.seamcall.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A small flat memory at [base, base + size), on the Java heap: a structure's bytes copied out of
 * host memory, so that a view reads them as they were when copied (the TDX module checks its own
 * copy of each TDMR_INFO), or a scratch memory for testing views. Host memory itself is the
 * emulator's.
 */
public final class ArrayMemory implements PhysicalMemory {

    private final long base;
    private final ByteBuffer bytes;

    public ArrayMemory(long base, int size) {
        this.base = base;
        this.bytes = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A copy of {@code [pa, pa + length)} of {@code source}, at the same addresses. */
    public static ArrayMemory copyOf(PhysicalMemory source, long pa, int length) {
        ArrayMemory copy = new ArrayMemory(pa, length);
        source.read(pa, copy.bytes.array(), 0, length);
        return copy;
    }

    public byte[] snapshot(long pa, int length) {
        return Arrays.copyOfRange(bytes.array(), index(pa, length), index(pa, length) + length);
    }

    private int index(long pa, long length) {
        if (!isBacked(pa, length)) {
            throw new UnbackedAddressException(Long.compareUnsigned(pa, base) < 0 ? pa : base + bytes.capacity());
        }
        return (int) (pa - base);
    }

    @Override
    public boolean isBacked(long pa, long length) {
        return Long.compareUnsigned(pa, base) >= 0 && pa - base + length <= bytes.capacity();
    }

    @Override
    public int read8(long pa) {
        return Byte.toUnsignedInt(bytes.get(index(pa, 1)));
    }

    @Override
    public int read16(long pa) {
        return Short.toUnsignedInt(bytes.getShort(index(pa, 2)));
    }

    @Override
    public long read32(long pa) {
        return Integer.toUnsignedLong(bytes.getInt(index(pa, 4)));
    }

    @Override
    public long read64(long pa) {
        return bytes.getLong(index(pa, 8));
    }

    @Override
    public void write8(long pa, int value) {
        bytes.put(index(pa, 1), (byte) value);
    }

    @Override
    public void write16(long pa, int value) {
        bytes.putShort(index(pa, 2), (short) value);
    }

    @Override
    public void write32(long pa, long value) {
        bytes.putInt(index(pa, 4), (int) value);
    }

    @Override
    public void write64(long pa, long value) {
        bytes.putLong(index(pa, 8), value);
    }

    @Override
    public void read(long pa, byte[] destination, int offset, int length) {
        System.arraycopy(bytes.array(), index(pa, length), destination, offset, length);
    }

    @Override
    public void write(long pa, byte[] source, int offset, int length) {
        System.arraycopy(source, offset, bytes.array(), index(pa, length), length);
    }

    @Override
    public void fill(long pa, long length, byte value) {
        int start = index(pa, length);
        Arrays.fill(bytes.array(), start, start + (int) length, value);
    }

    @Override
    public void copy(long sourcePa, long destinationPa, long length) {
        System.arraycopy(bytes.array(), index(sourcePa, length), bytes.array(), index(destinationPa, length),
                (int) length);
    }
}
