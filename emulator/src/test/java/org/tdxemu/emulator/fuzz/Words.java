package org.tdxemu.emulator.fuzz;

/**
 * The 8-byte words a host wrote, by physical address, a later write to an address replacing the
 * earlier: what memory holds where it was written. Open addressing over plain longs, since each
 * fuzzing case writes thousands of words and reads most of them back.
 */
final class Words {

    /** Receives each word. */
    @FunctionalInterface
    interface Visitor {
        void word(long pa, long value);
    }

    private long[] addresses;
    private long[] values;
    private boolean[] used;
    private int size;

    /** Room for about {@code expected} words before the table grows. */
    Words(int expected) {
        int slots = Integer.highestOneBit(Math.max(16, 2 * expected) - 1) << 1;
        addresses = new long[slots];
        values = new long[slots];
        used = new boolean[slots];
    }

    void put(long pa, long value) {
        if (2 * (size + 1) > addresses.length) {
            grow();
        }
        int i = slot(pa);
        while (used[i] && addresses[i] != pa) {
            i = (i + 1) & (addresses.length - 1);
        }
        if (!used[i]) {
            used[i] = true;
            addresses[i] = pa;
            size++;
        }
        values[i] = value;
    }

    /** The word at {@code pa}, or 0 where nothing was written. */
    long get(long pa) {
        for (int i = slot(pa); used[i]; i = (i + 1) & (addresses.length - 1)) {
            if (addresses[i] == pa) {
                return values[i];
            }
        }
        return 0;
    }

    void forEach(Visitor visitor) {
        for (int i = 0; i < addresses.length; i++) {
            if (used[i]) {
                visitor.word(addresses[i], values[i]);
            }
        }
    }

    private void grow() {
        long[] oldAddresses = addresses;
        long[] oldValues = values;
        boolean[] oldUsed = used;
        addresses = new long[2 * oldAddresses.length];
        values = new long[addresses.length];
        used = new boolean[addresses.length];
        size = 0;
        for (int i = 0; i < oldAddresses.length; i++) {
            if (oldUsed[i]) {
                put(oldAddresses[i], oldValues[i]);
            }
        }
    }

    private int slot(long pa) {
        return (int) ((pa * 0x9E37_79B9_7F4A_7C15L) >>> (Long.SIZE - Integer.numberOfTrailingZeros(addresses.length)));
    }
}
