package org.tdxemu.seamcall.memory;

/** A half-open range of physical addresses, {@code [start, end)}. */
public record Range(long start, long end) implements Comparable<Range> {

    public Range {
        if (Long.compareUnsigned(start, end) > 0) {
            throw new IllegalArgumentException(String.format("range ends before it starts: [0x%x, 0x%x)", start, end));
        }
    }

    public static Range ofSize(long start, long size) {
        return new Range(start, start + size);
    }

    public long size() {
        return end - start;
    }

    public boolean isEmpty() {
        return start == end;
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    public boolean contains(Range other) {
        return Long.compareUnsigned(other.start, start) >= 0 && Long.compareUnsigned(other.end, end) <= 0;
    }

    /** Whether the two ranges share a byte; ranges that only touch do not. */
    public boolean overlaps(Range other) {
        return Long.compareUnsigned(start, other.end) < 0 && Long.compareUnsigned(other.start, end) < 0;
    }

    @Override
    public int compareTo(Range other) {
        int byStart = Long.compareUnsigned(start, other.start);
        return byStart != 0 ? byStart : Long.compareUnsigned(end, other.end);
    }

    /** {@code [0x100000, 0x77800000)}, the kernel's notation. */
    @Override
    public String toString() {
        return String.format("[0x%x, 0x%x)", start, end);
    }
}
