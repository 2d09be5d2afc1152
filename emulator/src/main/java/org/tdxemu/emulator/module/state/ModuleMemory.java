package org.tdxemu.emulator.module.state;

import java.util.function.LongSupplier;
import org.tdxemu.seamcall.memory.ForwardingMemory;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.UnbackedAddressException;

/**
 * Host memory as the module touches it. The module never checks that memory exists behind an
 * address it was given; on x86 a read that no device claims returns all ones and a write to it is
 * dropped. So here: a byte read from unbacked memory is 0xFF, and a write, fill or copy that
 * reaches unbacked memory is dropped whole. This is how a SEAMCALL pointing at missing memory gets
 * the status the real module would give, instead of an exception. It is a {@link PhysicalMemory},
 * so the leaves reach every structure through the same views of the architecture the host uses.
 */
public final class ModuleMemory extends ForwardingMemory {

    private static final int ALL_ONES_BYTE = 0xFF;

    public ModuleMemory(PhysicalMemory memory) {
        super(memory);
    }

    @Override
    public int read8(long pa) {
        return (int) readOrAllOnes(pa, Byte.BYTES, () -> memory.read8(pa));
    }

    @Override
    public int read16(long pa) {
        return (int) readOrAllOnes(pa, Short.BYTES, () -> memory.read16(pa));
    }

    @Override
    public long read32(long pa) {
        return readOrAllOnes(pa, Integer.BYTES, () -> memory.read32(pa));
    }

    @Override
    public long read64(long pa) {
        return readOrAllOnes(pa, Long.BYTES, () -> memory.read64(pa));
    }

    @Override
    public void read(long pa, byte[] destination, int offset, int length) {
        try {
            memory.read(pa, destination, offset, length);
        } catch (UnbackedAddressException e) {
            for (int i = 0; i < length; i++) {
                destination[offset + i] = (byte) byteOrAllOnes(pa + i);
            }
        }
    }

    @Override
    public void write8(long pa, int value) {
        dropIfUnbacked(() -> memory.write8(pa, value));
    }

    @Override
    public void write16(long pa, int value) {
        dropIfUnbacked(() -> memory.write16(pa, value));
    }

    @Override
    public void write32(long pa, long value) {
        dropIfUnbacked(() -> memory.write32(pa, value));
    }

    @Override
    public void write64(long pa, long value) {
        dropIfUnbacked(() -> memory.write64(pa, value));
    }

    @Override
    public void write(long pa, byte[] source, int offset, int length) {
        dropIfUnbacked(() -> memory.write(pa, source, offset, length));
    }

    @Override
    public void fill(long pa, long length, byte value) {
        dropIfUnbacked(() -> memory.fill(pa, length, value));
    }

    @Override
    public void fill(long pa, long length, byte[] pattern) {
        dropIfUnbacked(() -> memory.fill(pa, length, pattern));
    }

    @Override
    public void copy(long sourcePa, long destinationPa, long length) {
        dropIfUnbacked(() -> memory.copy(sourcePa, destinationPa, length));
    }

    /** The value read, or, where some byte has no memory, the bytes that have it and 0xFF for the others. */
    private long readOrAllOnes(long pa, int bytes, LongSupplier read) {
        try {
            return read.getAsLong();
        } catch (UnbackedAddressException e) {
            long value = 0;
            for (int i = 0; i < bytes; i++) {
                value |= (long) byteOrAllOnes(pa + i) << (Byte.SIZE * i);
            }
            return value;
        }
    }

    private int byteOrAllOnes(long pa) {
        return memory.isBacked(pa, 1) ? memory.read8(pa) : ALL_ONES_BYTE;
    }

    /** The bus drops a write that no device claims, whole. */
    private static void dropIfUnbacked(Runnable write) {
        try {
            write.run();
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }
}
