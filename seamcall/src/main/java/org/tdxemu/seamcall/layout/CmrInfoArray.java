package org.tdxemu.seamcall.layout;

import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * The CMR_INFO array that TDH.SYS.INFO fills (module-abi.md §5.2, kernel-init.md §2.4): 32
 * entries of (base, size); size 0 is a null entry.
 */
public final class CmrInfoArray {

    public static final int BASE = 0;
    public static final int SIZE = 8;
    public static final int ENTRY_BYTES = 16;
    public static final int MAX_CMRS = 32;
    public static final int BYTES = MAX_CMRS * ENTRY_BYTES;
    public static final int ALIGNMENT = 512;

    private final PhysicalMemory memory;
    private final long pa;

    private CmrInfoArray(PhysicalMemory memory, long pa) {
        this.memory = memory;
        this.pa = pa;
    }

    public static CmrInfoArray at(PhysicalMemory memory, long pa) {
        return new CmrInfoArray(memory, pa);
    }

    public long address() {
        return pa;
    }

    public static long entryOffset(int index) {
        return (long) index * ENTRY_BYTES;
    }

    public long base(int index) {
        return memory.read64(pa + entryOffset(index) + BASE);
    }

    public long size(int index) {
        return memory.read64(pa + entryOffset(index) + SIZE);
    }

    public CmrInfoArray set(int index, long base, long size) {
        memory.write64(pa + entryOffset(index) + BASE, base);
        memory.write64(pa + entryOffset(index) + SIZE, size);
        return this;
    }
}
