package org.tdxemu.emulator.memory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.memory.UnbackedAddressException;

/**
 * A server's physical address space, sparse and off-heap: only the 4 KiB pages that were ever
 * written with a non-zero byte hold a buffer, so a 64 TiB machine costs the pages it touched.
 *
 * <ul>
 *   <li><b>Installed ranges.</b> Memory exists only inside the ranges given at construction
 *       (page-aligned, sorted, non-overlapping; adjacent ones merge). Any other address fails
 *       with {@link UnbackedAddressException} naming the first byte without memory.</li>
 *   <li><b>Pages.</b> A page gets a pooled direct buffer from netty on its first non-zero
 *       write. Memory never written reads as zero; writing zeros to a page that holds no buffer
 *       allocates nothing. Accesses may straddle pages.</li>
 *   <li><b>Shared pages.</b> A fill with a repeated pattern ({@link #fill(long, long, byte[])}, and
 *       {@link #fill(long, long, byte)} with a non-zero byte) maps every whole page it covers to
 *       one immutable buffer per distinct page content, shared by every page with that content:
 *       a TiB of identical PAMT entries costs one buffer. A page that later takes a partial write
 *       gets a private copy first (copy-on-write); a whole-page zero fill of a shared page drops
 *       the page's mapping. A whole-page pattern fill of a page that has a private buffer
 *       writes into that buffer: replacing it would save nothing, since a buffer another thread
 *       may still be writing is never given back before {@link #close()}.</li>
 *   <li><b>Address width and KeyIDs.</b> {@code addressBits} is the width of the addresses the
 *       memory controller decodes: MAXPHYADDR minus the KeyID bits. The TDX module puts the
 *       KeyID (HKID) in bits 51 … 52−k for k KeyID bits, so a platform with k KeyID bits is built
 *       with {@code addressBits = 52 − k}. Bits from {@code addressBits} up to 51 select a
 *       KeyID and are ignored here: every KeyID aliases the same byte. An address with any bit
 *       at 52 or above has no memory behind it.</li>
 *   <li><b>Cost.</b> {@link #bytesHeld()} is exactly the distinct buffers held × 4 KiB: one per
 *       page with a private buffer, one per distinct shared content (kept until close, mapped or
 *       not). {@link #pageCount()} counts the pages that hold data, shared or private. The pool
 *       reserves direct memory in chunks (netty's default: 4 MiB), so the off-heap reserve
 *       exceeds the bytes held by less than one chunk per pool arena in use. On the heap, the
 *       page map ({@link PageMap}) costs at most 64 bytes per page at the most pages held
 *       ({@link #pageMapBytes()}), and each buffer is one netty object.</li>
 * </ul>
 *
 * <p>An access finds its page in the page map and reads or writes the buffer's memory at its
 * address, without going through the buffer object: a random read touches the map's slot and the
 * byte itself. So the buffers must have a memory address, which netty's pooled direct buffers
 * have wherever netty can use {@code sun.misc.Unsafe} (every JDK 17).
 *
 * <p>Safe for concurrent use by several threads (one per simulated CPU); {@link #close()} must
 * not race with other accesses. After close, every access throws {@link IllegalStateException}.
 * Racing accesses to one byte end as if done in some order, and a racing reader may see either
 * value, as on hardware. Reads, and writes into a page's own buffer, take no lock; a page's
 * mapping changes under the memory's lock, from none or a shared buffer to another (shared or a
 * new private copy), and a private buffer stays mapped until close, so no buffer is released
 * while another thread may still use it; shared buffers are immutable once published.
 */
public final class SparseHostMemory implements PhysicalMemory, AutoCloseable {

    public static final int PAGE_SHIFT = PageSize.SIZE_4K.shift();
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    private static final long PAGE_OFFSET_MASK = PAGE_SIZE - 1;
    /**
     * A page word is the address of the page's buffer, with this bit set when the buffer is shared.
     * No user-space address has it.
     */
    private static final long SHARED = Long.MIN_VALUE;
    private static final long NO_PAGE = PageMap.NO_PAGE;
    private static final boolean BIG_ENDIAN = PlatformDependent.BIG_ENDIAN_NATIVE_ORDER;

    private final long[] starts;
    private final long[] ends;
    private final int addressBits;
    private final long addressMask;
    private final ByteBufAllocator allocator;
    /** Guards every change of the page map and of the buffers held. */
    private final Object lock = new Object();
    /** Each page that holds data, by frame number: its page word. */
    private final PageMap pages = new PageMap();
    /** The shared buffers' page words, by the content of their page. */
    private final Map<SharedContent, Long> sharedPages = new HashMap<>();
    /** Every buffer held, private and shared; each is released at close and only then. */
    private final List<ByteBuf> buffers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * What a page filled with a repeated pattern holds: the pattern as it falls on the page, its
     * first byte at the page's first byte.
     */
    private record SharedContent(byte[] pattern) {

        /** {@code pattern} turned so that its byte {@code phase} comes first. */
        static SharedContent of(byte[] pattern, int phase) {
            byte[] turned = new byte[pattern.length];
            System.arraycopy(pattern, phase, turned, 0, pattern.length - phase);
            System.arraycopy(pattern, 0, turned, pattern.length - phase, phase);
            return new SharedContent(turned);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SharedContent content && Arrays.equals(pattern, content.pattern);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(pattern);
        }

        @Override
        public String toString() {
            return "SharedContent" + Arrays.toString(pattern);
        }
    }

    /** Memory over {@code installed}, decoding {@code addressBits}, from netty's shared pool. */
    public SparseHostMemory(List<Range> installed, int addressBits) {
        this(installed, addressBits, PooledByteBufAllocator.DEFAULT);
    }

    public SparseHostMemory(List<Range> installed, int addressBits, ByteBufAllocator allocator) {
        if (addressBits < PAGE_SHIFT || addressBits > PhysicalAddress.MAX_BITS) {
            throw new IllegalArgumentException("address width must be " + PAGE_SHIFT + " to " + PhysicalAddress.MAX_BITS
                    + " bits: " + addressBits);
        }
        this.addressBits = addressBits;
        this.addressMask = (1L << addressBits) - 1;
        this.allocator = allocator;
        List<Range> merged = mergeInstalled(installed, addressBits);
        this.starts = merged.stream().mapToLong(Range::start).toArray();
        this.ends = merged.stream().mapToLong(Range::end).toArray();
    }

    private static List<Range> mergeInstalled(List<Range> installed, int addressBits) {
        List<Range> merged = new ArrayList<>();
        Range previous = null;
        for (Range r : installed) {
            if (r.isEmpty() || (r.start() & PAGE_OFFSET_MASK) != 0 || (r.end() & PAGE_OFFSET_MASK) != 0) {
                throw new IllegalArgumentException("installed range " + r + " is empty or not 4 KiB aligned");
            }
            if (Long.compareUnsigned(r.end(), 1L << addressBits) > 0) {
                throw new IllegalArgumentException("installed range " + r + " ends above the " + addressBits
                        + "-bit address space");
            }
            if (previous != null && Long.compareUnsigned(r.start(), previous.end()) < 0) {
                throw new IllegalArgumentException("installed range " + r + " is unsorted or overlaps " + previous);
            }
            if (previous != null && r.start() == previous.end()) {
                previous = new Range(previous.start(), r.end());
                merged.set(merged.size() - 1, previous);
            } else {
                previous = r;
                merged.add(r);
            }
        }
        return merged;
    }

    /** The installed ranges, adjacent ones merged. */
    public List<Range> installed() {
        List<Range> ranges = new ArrayList<>(starts.length);
        for (int i = 0; i < starts.length; i++) {
            ranges.add(new Range(starts[i], ends[i]));
        }
        return ranges;
    }

    public int addressBits() {
        return addressBits;
    }

    /** Bytes of page buffers held: exactly {@link #bufferCount()} × 4 KiB. */
    public long bytesHeld() {
        return bufferCount() * PAGE_SIZE;
    }

    /** Distinct buffers held: one per page with a private buffer, one per distinct shared page content. */
    public long bufferCount() {
        synchronized (lock) {
            return buffers.size();
        }
    }

    /** Pages that hold data, whether in a buffer of their own or in a shared one. */
    public int pageCount() {
        synchronized (lock) {
            return pages.pageCount();
        }
    }

    /** Heap bytes the page map takes: at most 43 per page at the most pages held, at least 1 KiB. */
    public long pageMapBytes() {
        synchronized (lock) {
            return pages.bytes();
        }
    }

    // ---- address translation -----------------------------------------------------------

    /**
     * The decoded address of {@code [pa, pa + length)}, KeyID bits dropped, after checking that
     * every byte has memory behind it.
     */
    private long translate(long pa, long length) {
        if (closed) {
            throw new IllegalStateException("host memory is closed");
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (pa >>> PhysicalAddress.MAX_BITS != 0) {
            throw new UnbackedAddressException(pa);
        }
        long address = pa & addressMask;
        long missing = firstUnbacked(address, length);
        if (missing >= 0) {
            throw new UnbackedAddressException(pa + (missing - address));
        }
        return address;
    }

    /** The first address of {@code [address, address + length)} outside memory, or -1. */
    private long firstUnbacked(long address, long length) {
        if (length == 0) {
            return -1;
        }
        int i = starts.length == 1 ? (address < starts[0] ? -1 : 0) : Arrays.binarySearch(starts, address);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0 || address >= ends[i]) {
            return address;
        }
        return length > ends[i] - address ? ends[i] : -1;
    }

    @Override
    public boolean isBacked(long pa, long length) {
        if (closed) {
            throw new IllegalStateException("host memory is closed");
        }
        return length >= 0 && pa >>> PhysicalAddress.MAX_BITS == 0 && firstUnbacked(pa & addressMask, length) < 0;
    }

    // ---- pages -------------------------------------------------------------------------

    private static boolean isShared(long word) {
        return (word & SHARED) != 0;
    }

    /** The address of the buffer of the page at {@code address}, for reading; 0 when the page holds nothing. */
    private long readablePage(long address) {
        return pages.get(address >>> PAGE_SHIFT) & ~SHARED;
    }

    /**
     * The address of the private buffer of the page at {@code address}, to write into: the page's
     * own, or a new one, zeroed or copied from the shared buffer the page maps. 0 when the page
     * holds nothing and {@code onlyZeros} says the write would store nothing.
     */
    private long writablePage(long address, boolean onlyZeros) {
        long frame = address >>> PAGE_SHIFT;
        long word = pages.get(frame);
        if (word != NO_PAGE && !isShared(word)) {
            return word;
        }
        if (word == NO_PAGE && onlyZeros) {
            return 0;
        }
        synchronized (lock) {
            word = pages.get(frame);
            if (word != NO_PAGE && !isShared(word)) {
                return word;
            }
            long copy = newBuffer();
            if (word == NO_PAGE) {
                PlatformDependent.setMemory(copy, PAGE_SIZE, (byte) 0);
            } else {
                PlatformDependent.copyMemory(word & ~SHARED, copy, PAGE_SIZE);
            }
            pages.put(frame, copy);
            return copy;
        }
    }

    /** A new page buffer, held until close: its address. Under the lock. */
    private long newBuffer() {
        ByteBuf bytes = allocator.directBuffer(PAGE_SIZE, PAGE_SIZE);
        if (!bytes.hasMemoryAddress() || isShared(bytes.memoryAddress())) {
            bytes.release();
            throw new IllegalStateException("host memory needs direct buffers with a memory address, which netty "
                    + "hands out only where it may use sun.misc.Unsafe; the allocator gave " + bytes.getClass().getName());
        }
        buffers.add(bytes);
        return bytes.memoryAddress();
    }

    /** The shared page word for pages holding {@code pattern} repeated from its byte {@code phase}. Under the lock. */
    private long sharedPage(byte[] pattern, int phase) {
        return sharedPages.computeIfAbsent(SharedContent.of(pattern, phase), content -> {
            long page = newBuffer();
            for (int at = 0; at < PAGE_SIZE; at += content.pattern().length) {
                PlatformDependent.copyMemory(content.pattern(), 0, page + at,
                        Math.min(content.pattern().length, PAGE_SIZE - at));
            }
            return page | SHARED;
        });
    }

    /** Makes the whole page {@code frame} hold what the shared page {@code shared} holds. Under the lock. */
    private void mapShared(long frame, long shared) {
        long word = pages.get(frame);
        if (word == shared) {
            return;
        }
        if (word != NO_PAGE && !isShared(word)) {
            PlatformDependent.copyMemory(shared & ~SHARED, word, PAGE_SIZE);
            return;
        }
        pages.put(frame, shared);
    }

    /** Zeroes {@code [address, address + length)}, which lies in one page. */
    private void zeroInPage(long address, int length) {
        long frame = address >>> PAGE_SHIFT;
        long word = pages.get(frame);
        if (word == NO_PAGE) {
            return;
        }
        if (!isShared(word)) {
            PlatformDependent.setMemory(word + offsetInPage(address), length, (byte) 0);
            return;
        }
        if (length < PAGE_SIZE) {
            PlatformDependent.setMemory(writablePage(address, false) + offsetInPage(address), length, (byte) 0);
            return;
        }
        synchronized (lock) {
            word = pages.get(frame);
            if (isShared(word)) {
                pages.put(frame, NO_PAGE);
            } else if (word != NO_PAGE) {
                PlatformDependent.setMemory(word, PAGE_SIZE, (byte) 0);
            }
        }
    }

    private static int offsetInPage(long address) {
        return (int) (address & PAGE_OFFSET_MASK);
    }

    private static int chunkInPage(long address, long remaining) {
        return (int) Math.min(remaining, PAGE_SIZE - offsetInPage(address));
    }

    private int byteAt(long address) {
        long page = readablePage(address);
        return page == 0 ? 0 : PlatformDependent.getByte(page + offsetInPage(address)) & 0xFF;
    }

    private void putByte(long address, int value) {
        long page = writablePage(address, (value & 0xFF) == 0);
        if (page != 0) {
            PlatformDependent.putByte(page + offsetInPage(address), (byte) value);
        }
    }

    /** Little-endian read of {@code width} bytes that cross a page boundary. */
    private long straddlingRead(long address, int width) {
        long value = 0;
        for (int i = 0; i < width; i++) {
            value |= (long) byteAt(address + i) << (8 * i);
        }
        return value;
    }

    private void straddlingWrite(long address, long value, int width) {
        for (int i = 0; i < width; i++) {
            putByte(address + i, (int) (value >>> (8 * i)));
        }
    }

    private static boolean fitsInPage(long address, int width) {
        return offsetInPage(address) <= PAGE_SIZE - width;
    }

    // ---- scalar access: native memory, little-endian -----------------------------------

    private static short loadShortLE(long address) {
        short value = PlatformDependent.getShort(address);
        return BIG_ENDIAN ? Short.reverseBytes(value) : value;
    }

    private static int loadIntLE(long address) {
        int value = PlatformDependent.getInt(address);
        return BIG_ENDIAN ? Integer.reverseBytes(value) : value;
    }

    private static long loadLongLE(long address) {
        long value = PlatformDependent.getLong(address);
        return BIG_ENDIAN ? Long.reverseBytes(value) : value;
    }

    private static void storeShortLE(long address, short value) {
        PlatformDependent.putShort(address, BIG_ENDIAN ? Short.reverseBytes(value) : value);
    }

    private static void storeIntLE(long address, int value) {
        PlatformDependent.putInt(address, BIG_ENDIAN ? Integer.reverseBytes(value) : value);
    }

    private static void storeLongLE(long address, long value) {
        PlatformDependent.putLong(address, BIG_ENDIAN ? Long.reverseBytes(value) : value);
    }

    @Override
    public int read8(long pa) {
        return byteAt(translate(pa, 1));
    }

    @Override
    public int read16(long pa) {
        long address = translate(pa, 2);
        if (!fitsInPage(address, 2)) {
            return (int) straddlingRead(address, 2);
        }
        long page = readablePage(address);
        return page == 0 ? 0 : loadShortLE(page + offsetInPage(address)) & 0xFFFF;
    }

    @Override
    public long read32(long pa) {
        long address = translate(pa, 4);
        if (!fitsInPage(address, 4)) {
            return straddlingRead(address, 4);
        }
        long page = readablePage(address);
        return page == 0 ? 0 : loadIntLE(page + offsetInPage(address)) & 0xFFFF_FFFFL;
    }

    @Override
    public long read64(long pa) {
        long address = translate(pa, 8);
        if (!fitsInPage(address, 8)) {
            return straddlingRead(address, 8);
        }
        long page = readablePage(address);
        return page == 0 ? 0 : loadLongLE(page + offsetInPage(address));
    }

    @Override
    public void write8(long pa, int value) {
        putByte(translate(pa, 1), value);
    }

    @Override
    public void write16(long pa, int value) {
        long address = translate(pa, 2);
        if (!fitsInPage(address, 2)) {
            straddlingWrite(address, value, 2);
            return;
        }
        long page = writablePage(address, (value & 0xFFFF) == 0);
        if (page != 0) {
            storeShortLE(page + offsetInPage(address), (short) value);
        }
    }

    @Override
    public void write32(long pa, long value) {
        long address = translate(pa, 4);
        if (!fitsInPage(address, 4)) {
            straddlingWrite(address, value, 4);
            return;
        }
        long page = writablePage(address, (value & 0xFFFF_FFFFL) == 0);
        if (page != 0) {
            storeIntLE(page + offsetInPage(address), (int) value);
        }
    }

    @Override
    public void write64(long pa, long value) {
        long address = translate(pa, 8);
        if (!fitsInPage(address, 8)) {
            straddlingWrite(address, value, 8);
            return;
        }
        long page = writablePage(address, value == 0);
        if (page != 0) {
            storeLongLE(page + offsetInPage(address), value);
        }
    }

    // ---- bulk access -------------------------------------------------------------------

    @Override
    public void read(long pa, byte[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        long address = translate(pa, length);
        int done = 0;
        while (done < length) {
            int n = chunkInPage(address + done, length - done);
            long page = readablePage(address + done);
            if (page == 0) {
                Arrays.fill(destination, offset + done, offset + done + n, (byte) 0);
            } else {
                PlatformDependent.copyMemory(page + offsetInPage(address + done), destination, offset + done, n);
            }
            done += n;
        }
    }

    @Override
    public void write(long pa, byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        writeUnchecked(translate(pa, length), source, offset, length);
    }

    private void writeUnchecked(long address, byte[] source, int offset, int length) {
        int done = 0;
        while (done < length) {
            int n = chunkInPage(address + done, length - done);
            long page = writablePage(address + done, allZero(source, offset + done, n));
            if (page != 0) {
                PlatformDependent.copyMemory(source, offset + done, page + offsetInPage(address + done), n);
            }
            done += n;
        }
    }

    private static boolean allZero(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void fill(long pa, long length, byte value) {
        if (value == 0) {
            zero(translate(pa, length), length);
        } else {
            fill(pa, length, new byte[] {value});
        }
    }

    /** The whole pages of the range share one buffer per distinct content; see the class comment. */
    @Override
    public void fill(long pa, long length, byte[] pattern) {
        if (pattern.length == 0) {
            throw new IllegalArgumentException("an empty fill pattern");
        }
        long address = translate(pa, length);
        if (allZero(pattern, 0, pattern.length)) {
            zero(address, length);
            return;
        }
        synchronized (lock) {
            long shared = NO_PAGE;
            int sharedPhase = -1;
            for (long done = 0; done < length; ) {
                int n = chunkInPage(address + done, length - done);
                int phase = (int) (done % pattern.length);
                if (n == PAGE_SIZE) {
                    if (phase != sharedPhase) {
                        shared = sharedPage(pattern, phase);
                        sharedPhase = phase;
                    }
                    mapShared((address + done) >>> PAGE_SHIFT, shared);
                } else {
                    long page = writablePage(address + done, false) + offsetInPage(address + done);
                    for (int at = 0; at < n; ) {
                        int from = (phase + at) % pattern.length;
                        int run = Math.min(n - at, pattern.length - from);
                        PlatformDependent.copyMemory(pattern, from, page + at, run);
                        at += run;
                    }
                }
                done += n;
            }
        }
    }

    /**
     * Zeroes {@code [address, address + length)}. Only pages that hold data need work, so when
     * the range spans more pages than are held, this visits the held pages instead.
     */
    private void zero(long address, long length) {
        if (length == 0) {
            return;
        }
        long firstFrame = address >>> PAGE_SHIFT;
        long lastFrame = (address + length - 1) >>> PAGE_SHIFT;
        // Read without the lock: only a choice between two ways of doing the same.
        if (lastFrame - firstFrame + 1 > pages.pageCount()) {
            synchronized (lock) {
                List<Long> held = new ArrayList<>();
                pages.forEachPage((frame, word) -> {
                    if (frame >= firstFrame && frame <= lastFrame) {
                        held.add(frame);
                    }
                });
                for (long frame : held) {
                    long from = Math.max(address, frame << PAGE_SHIFT);
                    long to = Math.min(address + length, (frame + 1) << PAGE_SHIFT);
                    zeroInPage(from, (int) (to - from));
                }
                return;
            }
        }
        for (long done = 0; done < length; ) {
            int n = chunkInPage(address + done, length - done);
            zeroInPage(address + done, n);
            done += n;
        }
    }

    @Override
    public void copy(long sourcePa, long destinationPa, long length) {
        long source = translate(sourcePa, length);
        long destination = translate(destinationPa, length);
        byte[] chunk = new byte[PAGE_SIZE];
        boolean backward = destination > source && destination < source + length;
        long remaining = length;
        while (remaining > 0) {
            int n;
            long s;
            long d;
            if (backward) {
                long sourceEnd = source + remaining;
                long destinationEnd = destination + remaining;
                n = (int) Math.min(remaining, Math.min(offsetInPage(sourceEnd - 1) + 1, offsetInPage(destinationEnd - 1) + 1));
                s = sourceEnd - n;
                d = destinationEnd - n;
            } else {
                s = source + (length - remaining);
                d = destination + (length - remaining);
                n = Math.min(chunkInPage(s, remaining), chunkInPage(d, remaining));
            }
            long from = readablePage(s);
            if (from != 0) {
                PlatformDependent.copyMemory(from + offsetInPage(s), chunk, 0, n);
                writeUnchecked(d, chunk, 0, n);
            } else {
                zeroInPage(d, n);
            }
            remaining -= n;
        }
    }

    /** Releases every buffer, private and shared. The memory is unusable afterwards. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            buffers.forEach(ByteBuf::release);
            buffers.clear();
            pages.clear();
            sharedPages.clear();
        }
    }

    @Override
    public String toString() {
        return "SparseHostMemory" + installed() + ", " + addressBits + "-bit, " + pageCount() + " pages in "
                + bufferCount() + " buffers";
    }
}
