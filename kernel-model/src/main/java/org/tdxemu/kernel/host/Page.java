package org.tdxemu.kernel.host;

import org.tdxemu.seamcall.layout.PageSize;

/** The x86 base page: PAGE_SIZE and the arithmetic the kernel does with it. */
public final class Page {

    public static final int SHIFT = PageSize.SIZE_4K.shift();
    public static final long SIZE = PageSize.SIZE_4K.bytes();

    private Page() {
    }

    public static boolean isAligned(long address) {
        return (address & (SIZE - 1)) == 0;
    }

    /** PAGE_ALIGN. */
    public static long alignUp(long address) {
        return alignUp(address, SIZE);
    }

    public static long alignDown(long address) {
        return alignDown(address, SIZE);
    }

    /** ALIGN(x, a) for a power of two {@code a}. */
    public static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    /** ALIGN_DOWN(x, a) for a power of two {@code a}. */
    public static long alignDown(long value, long alignment) {
        return value & -alignment;
    }

    /** get_order(): the smallest order whose 2^order pages hold {@code bytes}. */
    public static int order(long bytes) {
        long pages = Math.max(1, (bytes + SIZE - 1) >>> SHIFT);
        return 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    /** roundup_pow_of_two(). */
    public static long roundUpPowerOfTwo(long value) {
        return value <= 1 ? 1 : Long.highestOneBit(value - 1) << 1;
    }
}
