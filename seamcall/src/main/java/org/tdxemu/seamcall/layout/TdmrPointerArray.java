package org.tdxemu.seamcall.layout;

import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * The array of TDMR_INFO physical addresses that TDH.SYS.CONFIG takes in RCX (module-abi.md §5.4,
 * kernel-init.md §2.2).
 */
public final class TdmrPointerArray {

    public static final int ENTRY_BYTES = 8;
    /** The most entries TDH.SYS.CONFIG accepts in RDX. */
    public static final int MAX_ENTRIES = 64;
    public static final int ALIGNMENT = 512;

    private final PhysicalMemory memory;
    private final long pa;

    private TdmrPointerArray(PhysicalMemory memory, long pa) {
        this.memory = memory;
        this.pa = pa;
    }

    public static TdmrPointerArray at(PhysicalMemory memory, long pa) {
        return new TdmrPointerArray(memory, pa);
    }

    public long address() {
        return pa;
    }

    public static long entryOffset(int index) {
        return (long) index * ENTRY_BYTES;
    }

    public long get(int index) {
        return memory.read64(pa + entryOffset(index));
    }

    public TdmrPointerArray set(int index, long tdmrInfoPa) {
        memory.write64(pa + entryOffset(index), tdmrInfoPa);
        return this;
    }
}
