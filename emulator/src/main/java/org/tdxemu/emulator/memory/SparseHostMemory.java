package org.tdxemu.emulator.memory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 *       exceeds the bytes held by less than one chunk per pool arena in use; on the heap each
 *       page costs one map entry (about 100 bytes), and each private page a small holder.</li>
 * </ul>
 *
 * <p>Safe for concurrent use by several threads (one per simulated CPU); {@link #close()} must
 * not race with other accesses. After close, every access throws {@link IllegalStateException}.
 * Racing accesses to one byte end as if done in some order, and a racing reader may see either
 * value, as on hardware. No buffer is released while another thread may still use it: a page's
 * mapping changes only by compare-and-set, from none or a shared buffer to another (shared or a
 * new private copy); a private buffer stays mapped until close; a buffer lost in such a race was
 * never visible to anyone and is released at once; shared buffers are immutable once published.
 */
public final class SparseHostMemory implements PhysicalMemory, AutoCloseable {

    public static final int PAGE_SHIFT = PageSize.SIZE_4K.shift();
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

    private static final long PAGE_OFFSET_MASK = PAGE_SIZE - 1;

    private final long[] starts;
    private final long[] ends;
    private final int addressBits;
    private final long addressMask;
    private final ByteBufAllocator allocator;
    /** Each page that holds data, by frame number. */
    private final Map<Long, PageBuffer> pages = new ConcurrentHashMap<>();
    /** The shared buffers, by the content of their page. */
    private final Map<SharedContent, PageBuffer> sharedPages = new ConcurrentHashMap<>();
    /** Private buffers mapped; each is released at close and only then. */
    private final AtomicLong privateBuffers = new AtomicLong();
    private volatile boolean closed;

    /** A page's buffer; a shared one is never written once it is published. */
    private static final class PageBuffer {
        final ByteBuf bytes;
        final boolean shared;

        PageBuffer(ByteBuf bytes, boolean shared) {
            this.bytes = bytes;
            this.shared = shared;
        }
    }

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
        return privateBuffers.get() + sharedPages.size();
    }

    /** Pages that hold data, whether in a buffer of their own or in a shared one. */
    public int pageCount() {
        return pages.size();
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
        int i = Arrays.binarySearch(starts, address);
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

    /** The buffer holding the page at {@code address}, for reading; null when the page holds nothing. */
    private ByteBuf existingPage(long address) {
        PageBuffer page = pages.get(address >>> PAGE_SHIFT);
        return page == null ? null : page.bytes;
    }

    /**
     * The private buffer of the page at {@code address}, to write into: the page's own, or a new
     * one, zeroed or copied from the shared buffer the page maps. Null when the page holds nothing
     * and {@code onlyZeros} says the write would store nothing.
     */
    private ByteBuf writablePage(long address, boolean onlyZeros) {
        long frame = address >>> PAGE_SHIFT;
        while (true) {
            PageBuffer page = pages.get(frame);
            if (page == null && onlyZeros) {
                return null;
            }
            if (page != null && !page.shared) {
                return page.bytes;
            }
            ByteBuf bytes = allocator.directBuffer(PAGE_SIZE, PAGE_SIZE);
            if (page == null) {
                bytes.setZero(0, PAGE_SIZE);
            } else {
                bytes.setBytes(0, page.bytes, 0, PAGE_SIZE);
            }
            PageBuffer copy = new PageBuffer(bytes, false);
            if (page == null ? pages.putIfAbsent(frame, copy) == null : pages.replace(frame, page, copy)) {
                privateBuffers.incrementAndGet();
                return bytes;
            }
            // Another thread changed the page first; nobody else ever saw this buffer.
            bytes.release();
        }
    }

    /** The shared buffer for pages holding {@code pattern} repeated from its byte {@code phase}. */
    private PageBuffer sharedPage(byte[] pattern, int phase) {
        return sharedPages.computeIfAbsent(SharedContent.of(pattern, phase), content -> {
            ByteBuf bytes = allocator.directBuffer(PAGE_SIZE, PAGE_SIZE);
            for (int at = 0; at < PAGE_SIZE; at += content.pattern().length) {
                bytes.setBytes(at, content.pattern(), 0, Math.min(content.pattern().length, PAGE_SIZE - at));
            }
            return new PageBuffer(bytes, true);
        });
    }

    /** Makes the whole page {@code frame} hold what {@code shared} holds. */
    private void mapShared(long frame, PageBuffer shared) {
        while (true) {
            PageBuffer page = pages.get(frame);
            if (page == shared) {
                return;
            }
            if (page != null && !page.shared) {
                page.bytes.setBytes(0, shared.bytes, 0, PAGE_SIZE);
                return;
            }
            if (page == null ? pages.putIfAbsent(frame, shared) == null : pages.replace(frame, page, shared)) {
                return;
            }
        }
    }

    /** Zeroes {@code [address, address + length)}, which lies in one page. */
    private void zeroInPage(long address, int length) {
        long frame = address >>> PAGE_SHIFT;
        while (true) {
            PageBuffer page = pages.get(frame);
            if (page == null) {
                return;
            }
            if (!page.shared) {
                page.bytes.setZero(offsetInPage(address), length);
                return;
            }
            if (length < PAGE_SIZE) {
                writablePage(address, false).setZero(offsetInPage(address), length);
                return;
            }
            if (pages.remove(frame, page)) {
                return;
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
        ByteBuf page = existingPage(address);
        return page == null ? 0 : page.getUnsignedByte(offsetInPage(address));
    }

    private void putByte(long address, int value) {
        ByteBuf page = writablePage(address, (value & 0xFF) == 0);
        if (page != null) {
            page.setByte(offsetInPage(address), value);
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

    /** The page to write {@code width} bytes of {@code value} into, or null when nothing need be stored. */
    private ByteBuf pageToStore(long address, long value) {
        return writablePage(address, value == 0);
    }

    private static boolean fitsInPage(long address, int width) {
        return offsetInPage(address) <= PAGE_SIZE - width;
    }

    // ---- scalar access -----------------------------------------------------------------

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
        ByteBuf page = existingPage(address);
        return page == null ? 0 : page.getUnsignedShortLE(offsetInPage(address));
    }

    @Override
    public long read32(long pa) {
        long address = translate(pa, 4);
        if (!fitsInPage(address, 4)) {
            return straddlingRead(address, 4);
        }
        ByteBuf page = existingPage(address);
        return page == null ? 0 : page.getUnsignedIntLE(offsetInPage(address));
    }

    @Override
    public long read64(long pa) {
        long address = translate(pa, 8);
        if (!fitsInPage(address, 8)) {
            return straddlingRead(address, 8);
        }
        ByteBuf page = existingPage(address);
        return page == null ? 0 : page.getLongLE(offsetInPage(address));
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
        ByteBuf page = pageToStore(address, value & 0xFFFF);
        if (page != null) {
            page.setShortLE(offsetInPage(address), value);
        }
    }

    @Override
    public void write32(long pa, long value) {
        long address = translate(pa, 4);
        if (!fitsInPage(address, 4)) {
            straddlingWrite(address, value, 4);
            return;
        }
        ByteBuf page = pageToStore(address, value & 0xFFFF_FFFFL);
        if (page != null) {
            page.setIntLE(offsetInPage(address), (int) value);
        }
    }

    @Override
    public void write64(long pa, long value) {
        long address = translate(pa, 8);
        if (!fitsInPage(address, 8)) {
            straddlingWrite(address, value, 8);
            return;
        }
        ByteBuf page = pageToStore(address, value);
        if (page != null) {
            page.setLongLE(offsetInPage(address), value);
        }
    }

    // ---- bulk access -------------------------------------------------------------------

    @Override
    public void read(long pa, byte[] destination, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, destination.length);
        long address = translate(pa, length);
        int done = 0;
        while (done < length) {
            int n = chunkInPage(address + done, length - done);
            ByteBuf page = existingPage(address + done);
            if (page == null) {
                Arrays.fill(destination, offset + done, offset + done + n, (byte) 0);
            } else {
                page.getBytes(offsetInPage(address + done), destination, offset + done, n);
            }
            done += n;
        }
    }

    @Override
    public void write(long pa, byte[] source, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, source.length);
        writeUnchecked(translate(pa, length), source, offset, length);
    }

    private void writeUnchecked(long address, byte[] source, int offset, int length) {
        int done = 0;
        while (done < length) {
            int n = chunkInPage(address + done, length - done);
            ByteBuf page = writablePage(address + done, allZero(source, offset + done, n));
            if (page != null) {
                page.setBytes(offsetInPage(address + done), source, offset + done, n);
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
        PageBuffer shared = null;
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
                ByteBuf page = writablePage(address + done, false);
                int offset = offsetInPage(address + done);
                for (int at = 0; at < n; ) {
                    int run = Math.min(n - at, pattern.length - (phase + at) % pattern.length);
                    page.setBytes(offset + at, pattern, (phase + at) % pattern.length, run);
                    at += run;
                }
            }
            done += n;
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
        if (lastFrame - firstFrame + 1 > pages.size()) {
            for (long frame : pages.keySet()) {
                if (frame >= firstFrame && frame <= lastFrame) {
                    long from = Math.max(address, frame << PAGE_SHIFT);
                    long to = Math.min(address + length, (frame + 1) << PAGE_SHIFT);
                    zeroInPage(from, (int) (to - from));
                }
            }
            return;
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
            ByteBuf from = existingPage(s);
            if (from != null) {
                from.getBytes(offsetInPage(s), chunk, 0, n);
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
        closed = true;
        for (PageBuffer page : pages.values()) {
            if (!page.shared) {
                page.bytes.release();
            }
        }
        for (PageBuffer shared : sharedPages.values()) {
            shared.bytes.release();
        }
        pages.clear();
        sharedPages.clear();
        privateBuffers.set(0);
    }

    @Override
    public String toString() {
        return "SparseHostMemory" + installed() + ", " + addressBits + "-bit, " + pageCount() + " pages in "
                + bufferCount() + " buffers";
    }
}
