package org.tdxemu.seamcall.layout;

import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * A view of one TDMR_INFO entry in physical memory (module-abi.md §5.3, kernel-init.md §2.1).
 * The PAMT fields run 1G, 2M, 4K; reserved areas are (offset from the TDMR base, size) pairs and a
 * size of 0 marks a null entry.
 */
public final class TdmrInfo {

    public static final int BASE = 0x00;
    public static final int SIZE = 0x08;
    public static final int PAMT_1G_BASE = 0x10;
    public static final int PAMT_1G_SIZE = 0x18;
    public static final int PAMT_2M_BASE = 0x20;
    public static final int PAMT_2M_SIZE = 0x28;
    public static final int PAMT_4K_BASE = 0x30;
    public static final int PAMT_4K_SIZE = 0x38;
    public static final int RESERVED_AREAS = 0x40;
    public static final int RESERVED_AREA_BYTES = 16;
    public static final int RESERVED_AREA_OFFSET = 0;
    public static final int RESERVED_AREA_SIZE = 8;
    /** The bytes before the reserved-area array. */
    public static final int HEADER_BYTES = RESERVED_AREAS;
    /** Reserved-area slots the module reads from every entry. */
    public static final int MODULE_RESERVED_AREAS = 16;
    /** What the module copies from each entry: the header and 16 reserved-area slots. */
    public static final int MODULE_BYTES = HEADER_BYTES + MODULE_RESERVED_AREAS * RESERVED_AREA_BYTES;
    /** Every entry must start on this boundary. */
    public static final int ALIGNMENT = 512;

    private final PhysicalMemory memory;
    private final long pa;

    private TdmrInfo(PhysicalMemory memory, long pa) {
        this.memory = memory;
        this.pa = pa;
    }

    public static TdmrInfo at(PhysicalMemory memory, long pa) {
        return new TdmrInfo(memory, pa);
    }

    public long address() {
        return pa;
    }

    public static int pamtBaseOffset(PageSize pageSize) {
        return switch (pageSize) {
            case SIZE_1G -> PAMT_1G_BASE;
            case SIZE_2M -> PAMT_2M_BASE;
            case SIZE_4K -> PAMT_4K_BASE;
        };
    }

    public static int pamtSizeOffset(PageSize pageSize) {
        return switch (pageSize) {
            case SIZE_1G -> PAMT_1G_SIZE;
            case SIZE_2M -> PAMT_2M_SIZE;
            case SIZE_4K -> PAMT_4K_SIZE;
        };
    }

    public static int reservedOffsetOffset(int area) {
        return RESERVED_AREAS + area * RESERVED_AREA_BYTES + RESERVED_AREA_OFFSET;
    }

    public static int reservedSizeOffset(int area) {
        return RESERVED_AREAS + area * RESERVED_AREA_BYTES + RESERVED_AREA_SIZE;
    }

    public long base() {
        return memory.read64(pa + BASE);
    }

    public TdmrInfo base(long value) {
        memory.write64(pa + BASE, value);
        return this;
    }

    public long size() {
        return memory.read64(pa + SIZE);
    }

    public TdmrInfo size(long value) {
        memory.write64(pa + SIZE, value);
        return this;
    }

    public long pamtBase(PageSize pageSize) {
        return memory.read64(pa + pamtBaseOffset(pageSize));
    }

    public TdmrInfo pamtBase(PageSize pageSize, long value) {
        memory.write64(pa + pamtBaseOffset(pageSize), value);
        return this;
    }

    public long pamtSize(PageSize pageSize) {
        return memory.read64(pa + pamtSizeOffset(pageSize));
    }

    public TdmrInfo pamtSize(PageSize pageSize, long value) {
        memory.write64(pa + pamtSizeOffset(pageSize), value);
        return this;
    }

    public long reservedOffset(int area) {
        return memory.read64(pa + reservedOffsetOffset(area));
    }

    public long reservedSize(int area) {
        return memory.read64(pa + reservedSizeOffset(area));
    }

    public TdmrInfo reservedArea(int area, long offset, long size) {
        memory.write64(pa + reservedOffsetOffset(area), offset);
        memory.write64(pa + reservedSizeOffset(area), size);
        return this;
    }
}
