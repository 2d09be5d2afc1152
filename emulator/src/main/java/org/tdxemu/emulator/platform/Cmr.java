package org.tdxemu.emulator.platform;

/**
 * One slot of the CMR list MCHECK hands the module: raw base and size, as firmware wrote them.
 * Size 0 is a null slot. Nothing is validated here; TDH.SYS.INIT does that (module-abi.md §4.1).
 */
public record Cmr(long base, long size) {

    public boolean isNull() {
        return size == 0;
    }

    /** The exclusive end; meaningful only when base + size does not overflow. */
    public long end() {
        return base + size;
    }

    @Override
    public String toString() {
        return String.format("[0x%x, 0x%x)", base, base + size);
    }
}
