package org.tdxemu.emulator.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Page frame number → page word, for {@link SparseHostMemory}: an open-addressing hash table with
 * linear probing whose slots are two longs side by side, the frame plus one (0: a free slot) and
 * the word (0: no page), so that a lookup reads one cache line and allocates nothing.
 *
 * <p><b>Heap cost.</b> {@value #SLOT_BYTES} bytes a slot. The table doubles when the next frame
 * would fill more than three quarters of its slots, so right after it grows three eighths of them
 * hold pages: at most {@value #MAX_BYTES_PER_PAGE} bytes per page at the most pages it ever held
 * (never less than {@value #MIN_SLOTS} slots). Linear probing stays short at that load, and a
 * table half as large keeps more of itself in the caches: at 262,144 pages it is 8 MiB. A frame
 * whose page goes away keeps its slot, with word 0, until the table is next rebuilt; frames come
 * back (a zeroed shared page refilled), so that costs nothing new.
 *
 * <p><b>Concurrency.</b> {@link #get} takes no lock and may run alongside one writer; every other
 * method must be called under the owner's lock. A slot's frame is written once, after its word, and
 * a rebuilt table is published whole, so a reader finds each frame's word as it was at some moment
 * during its lookup.
 */
final class PageMap {

    static final long NO_PAGE = 0;
    static final int SLOT_BYTES = 2 * Long.BYTES;
    static final int MIN_SLOTS = 64;
    /** {@value #SLOT_BYTES} × 8 / 3, rounded up: slots per page at three eighths full. */
    static final int MAX_BYTES_PER_PAGE = 43;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long GOLDEN_RATIO = 0x9E37_79B9_7F4A_7C15L;

    /** Receives each frame that holds a page, with its word. */
    @FunctionalInterface
    interface PageVisitor {
        void visit(long frame, long word);
    }

    private volatile long[] table = new long[2 * MIN_SLOTS];
    /** Slots with a frame in them, pages or not. */
    private int usedSlots;
    private int pages;

    /** The word of {@code frame}, or {@link #NO_PAGE}. Safe without the lock. */
    long get(long frame) {
        long[] slots = table;
        int mask = (slots.length >>> 1) - 1;
        long key = frame + 1;
        for (int i = home(frame, mask); ; i = (i + 1) & mask) {
            long found = (long) LONGS.getAcquire(slots, 2 * i);
            if (found == key) {
                return (long) LONGS.getAcquire(slots, 2 * i + 1);
            }
            if (found == 0) {
                return NO_PAGE;
            }
        }
    }

    /** Maps {@code frame} to {@code word}, or unmaps it when {@code word} is {@link #NO_PAGE}. Under the lock. */
    void put(long frame, long word) {
        long[] slots = table;
        int mask = (slots.length >>> 1) - 1;
        long key = frame + 1;
        int i = home(frame, mask);
        for (long found; (found = slots[2 * i]) != 0; i = (i + 1) & mask) {
            if (found == key) {
                long old = slots[2 * i + 1];
                pages += (old == NO_PAGE ? 1 : 0) - (word == NO_PAGE ? 1 : 0);
                LONGS.setRelease(slots, 2 * i + 1, word);
                return;
            }
        }
        if (word == NO_PAGE) {
            return;
        }
        if (4 * (usedSlots + 1) > 3 * (slots.length >>> 1)) {
            rebuild();
            put(frame, word);
            return;
        }
        slots[2 * i + 1] = word;
        LONGS.setRelease(slots, 2 * i, key);
        usedSlots++;
        pages++;
    }

    /** Pages mapped. */
    int pageCount() {
        return pages;
    }

    /** The heap the table takes. */
    long bytes() {
        return (long) table.length * Long.BYTES;
    }

    /** Every frame that holds a page, in no particular order. Under the lock, or once nothing writes. */
    void forEachPage(PageVisitor visitor) {
        long[] slots = table;
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] != 0 && slots[i + 1] != NO_PAGE) {
                visitor.visit(slots[i] - 1, slots[i + 1]);
            }
        }
    }

    /** Forgets every frame. Under the lock. */
    void clear() {
        table = new long[2 * MIN_SLOTS];
        usedSlots = 0;
        pages = 0;
    }

    /**
     * A new table holding the pages alone: twice as large when the pages would fill more than
     * three eighths of it, as large otherwise (frames without pages dropped).
     */
    private void rebuild() {
        long[] old = table;
        int slotCount = old.length >>> 1;
        long[] slots = new long[2 * (8 * (pages + 1) > 3 * slotCount ? 2 * slotCount : slotCount)];
        int mask = (slots.length >>> 1) - 1;
        for (int j = 0; j < old.length; j += 2) {
            if (old[j] != 0 && old[j + 1] != NO_PAGE) {
                int i = home(old[j] - 1, mask);
                while (slots[2 * i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[2 * i] = old[j];
                slots[2 * i + 1] = old[j + 1];
            }
        }
        usedSlots = pages;
        table = slots;
    }

    /** Fibonacci hashing: consecutive frames, as PAMTs use them, land far apart. */
    private static int home(long frame, int mask) {
        return (int) ((frame * GOLDEN_RATIO) >>> (Long.SIZE - Integer.bitCount(mask)));
    }
}
