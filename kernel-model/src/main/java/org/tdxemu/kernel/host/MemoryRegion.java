package org.tdxemu.kernel.host;

import org.tdxemu.seamcall.memory.Range;

/**
 * One memblock memory region: RAM the firmware reported as usable, on NUMA node {@code node}.
 * Reserved, ACPI and NVS ranges are not memory regions; they are the holes between them.
 */
public record MemoryRegion(long start, long end, int node) {

    public MemoryRegion {
        if (Long.compareUnsigned(start, end) >= 0) {
            throw new IllegalArgumentException(String.format("empty memory region [0x%x, 0x%x)", start, end));
        }
        if (node < 0) {
            throw new IllegalArgumentException("negative NUMA node " + node);
        }
    }

    public static MemoryRegion of(Range range, int node) {
        return new MemoryRegion(range.start(), range.end(), node);
    }

    public Range range() {
        return new Range(start, end);
    }
}
