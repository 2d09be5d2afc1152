package org.tdxemu.emulator.module;

import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.UnbackedAddressException;

/**
 * Host memory as the module touches it. The module never checks that memory exists behind an
 * address it was given; on x86 a read that no device claims returns all ones and a write to it is
 * dropped. So here: a read of unbacked memory gives 0xFF bytes, and a write or fill that reaches
 * unbacked memory is dropped whole. This is how a SEAMCALL pointing at missing memory gets the
 * status the real module would give, instead of an exception.
 */
final class ModuleMemory {

    private static final long ALL_ONES = -1L;

    private final PhysicalMemory memory;

    ModuleMemory(PhysicalMemory memory) {
        this.memory = memory;
    }

    long read64(long pa) {
        try {
            return memory.read64(pa);
        } catch (UnbackedAddressException e) {
            return ALL_ONES;
        }
    }

    byte[] read(long pa, int length) {
        try {
            return memory.read(pa, length);
        } catch (UnbackedAddressException e) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = memory.isBacked(pa + i, 1) ? (byte) memory.read8(pa + i) : (byte) ALL_ONES;
            }
            return bytes;
        }
    }

    void write8(long pa, int value) {
        try {
            memory.write8(pa, value);
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }

    void write16(long pa, int value) {
        try {
            memory.write16(pa, value);
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }

    void write32(long pa, long value) {
        try {
            memory.write32(pa, value);
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }

    void write64(long pa, long value) {
        try {
            memory.write64(pa, value);
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }

    void write(long pa, byte[] bytes) {
        write(pa, bytes, 0, bytes.length);
    }

    void write(long pa, byte[] bytes, int offset, int length) {
        try {
            memory.write(pa, bytes, offset, length);
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }

    void fill(long pa, long length, byte value) {
        try {
            memory.fill(pa, length, value);
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }

    void fill(long pa, long length, byte[] pattern) {
        try {
            memory.fill(pa, length, pattern);
        } catch (UnbackedAddressException e) {
            // dropped, as on the bus
        }
    }

    /** The memory itself, for views that must not hide a missing page (tests, status reports). */
    PhysicalMemory raw() {
        return memory;
    }
}
