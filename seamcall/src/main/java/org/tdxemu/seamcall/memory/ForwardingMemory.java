package org.tdxemu.seamcall.memory;

/**
 * A {@link PhysicalMemory} that passes every access to another one; decorators that watch or
 * change some accesses extend it and override only those.
 */
public abstract class ForwardingMemory implements PhysicalMemory {

    protected final PhysicalMemory memory;

    protected ForwardingMemory(PhysicalMemory memory) {
        this.memory = memory;
    }

    @Override
    public int read8(long pa) {
        return memory.read8(pa);
    }

    @Override
    public int read16(long pa) {
        return memory.read16(pa);
    }

    @Override
    public long read32(long pa) {
        return memory.read32(pa);
    }

    @Override
    public long read64(long pa) {
        return memory.read64(pa);
    }

    @Override
    public void write8(long pa, int value) {
        memory.write8(pa, value);
    }

    @Override
    public void write16(long pa, int value) {
        memory.write16(pa, value);
    }

    @Override
    public void write32(long pa, long value) {
        memory.write32(pa, value);
    }

    @Override
    public void write64(long pa, long value) {
        memory.write64(pa, value);
    }

    @Override
    public void read(long pa, byte[] destination, int offset, int length) {
        memory.read(pa, destination, offset, length);
    }

    @Override
    public void write(long pa, byte[] source, int offset, int length) {
        memory.write(pa, source, offset, length);
    }

    @Override
    public void fill(long pa, long length, byte value) {
        memory.fill(pa, length, value);
    }

    @Override
    public void fill(long pa, long length, byte[] pattern) {
        memory.fill(pa, length, pattern);
    }

    @Override
    public void copy(long sourcePa, long destinationPa, long length) {
        memory.copy(sourcePa, destinationPa, length);
    }

    @Override
    public boolean isBacked(long pa, long length) {
        return memory.isBacked(pa, length);
    }
}
