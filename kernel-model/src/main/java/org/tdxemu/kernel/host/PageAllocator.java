package org.tdxemu.kernel.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.tdxemu.seamcall.memory.Range;

/**
 * The kernel's page allocator over the simulated RAM: it decides where memory goes and keeps
 * count of it, and never touches the memory itself ({@link Host} zeroes what must be zeroed).
 *
 * <p><b>What it manages.</b> Every memblock region, page-rounded inward as
 * {@code for_each_mem_pfn_range} does, minus the reserved ranges (kernel image, firmware) and minus
 * the first MiB, which Linux reserves at boot. Nothing outside that is ever handed out.
 *
 * <p><b>Zones.</b> Each node's memory is cut into ZONE_DMA [0, 16 MiB), ZONE_DMA32 [16 MiB, 4 GiB)
 * and ZONE_NORMAL [4 GiB, …). A GFP_KERNEL request walks the zonelist of its preferred node:
 * that node's NORMAL, DMA32 and DMA zones, then the same zones of every other node in ascending
 * node order (Linux orders the other nodes by distance; without a distance table that is node
 * order). There is no ZONE_MOVABLE.
 *
 * <p><b>Contiguous ranges</b> ({@link #allocContigPages}, what PAMTs get) follow
 * alloc_contig_pages(): in each zone in zonelist order, windows of exactly n pages are tried from
 * {@code ALIGN(zone_start_pfn, n)} upwards in steps of n, and the first window whose pages are all
 * free memory of that zone wins. The kernel's ALIGN is a bit mask, so for an n that is not a power
 * of two it yields an odd first window; the model computes it the same way. A PAMT therefore lands
 * at the bottom of its TDMR's node's normal zone, where it lands on a freshly booted Linux, and
 * moves to DMA32, then to other nodes, only when that zone has no free window.
 *
 * <p><b>Small allocations</b> (kmalloc, alloc_pages_exact) come from the boot CPU's node, which the
 * model takes to be the node of the first memory region, from the top of its zones down: after
 * boot the buddy allocator's free lists hand out the pages freed last, the highest ones. Buddy
 * blocks are aligned to their size: alloc_pages_exact keeps PAGE_ALIGN(size) bytes of a block of
 * 2^get_order(size) pages; kmalloc above half a page takes such a block whole; smaller kmallocs are
 * objects of a power-of-two size class (8 bytes at least) packed into slab pages, each object
 * aligned to its size. A slab page goes back when its last object is freed, so an allocator whose
 * every allocation was freed reports exactly its initial free memory.
 *
 * <p><b>vmalloc</b> hands out whole pages that need not be contiguous; here they are one run of
 * PAGE_ALIGN(size) bytes, page-aligned, taken as the small allocations are, which costs the same
 * memory.
 *
 * <p><b>Failure injection</b>, like Linux's fail_page_alloc and failslab: {@link #failAllocation}
 * makes a chosen allocation of a given purpose fail.
 */
public final class PageAllocator implements KernelAllocator {

    /** Linux reserves the first MiB at boot (reserve_real_mode() and friends). */
    public static final long LOW_MEMORY_END = 1L << 20;

    private static final long MIN_KMALLOC_OBJECT = 8;
    private static final long NOT_FOUND = -1;

    /** Zone limits, in the order a GFP_KERNEL request prefers them. */
    private enum ZoneType {
        NORMAL(1L << 32, Long.MAX_VALUE),
        DMA32(16L << 20, 1L << 32),
        DMA(0, 16L << 20);

        final long low;
        final long high;

        ZoneType(long low, long high) {
            this.low = low;
            this.high = high;
        }
    }

    /**
     * One zone of one node: its span, and its free memory as ascending, coalesced, page-aligned
     * extents. {@code longest(i)} is the longest of extents 0 … i, so the first extent long enough
     * for a request is found by binary search. A change to one extent rarely changes the running
     * maximum far beyond it, so refreshing it stops where it agrees with what was there.
     *
     * <p>The extents sit in arrays with a gap (a gap buffer): an extent is inserted or removed
     * where the gap is, and the gap moves there first. PAMTs are placed one after the other near
     * the bottom of a zone, each leaving a gap in the free memory when its window is not where the
     * last one ended, so a zone of hundreds of extents is changed again and again at about the same
     * place, where shifting every extent above it each time cost as much as the zone was large.
     * Where a window was last found and where memory was last freed are kept, so that taking it
     * and the next free start looking there.
     */
    private static final class Zone {
        final long spanStartPfn;
        final long spanEndPfn;
        /** Extent i is at index i below {@link #gapStart} and at i + {@link #gapLength} from there. */
        long[] starts = new long[8];
        long[] ends = new long[8];
        long[] longestSoFar = new long[8];
        int count;
        int gapStart;
        int gapLength = 8;
        /** The extent {@link #firstFreeWindow} last found a window in, which {@link #take} looks at first. */
        private int lastFound;
        /** The extent {@link #give} last freed into, where {@link #firstEndingAfter} starts looking. */
        private int lastGiven;

        Zone(long spanStartPfn, long spanEndPfn) {
            this.spanStartPfn = spanStartPfn;
            this.spanEndPfn = spanEndPfn;
        }

        private int at(int i) {
            return i < gapStart ? i : i + gapLength;
        }

        long start(int i) {
            return starts[at(i)];
        }

        long end(int i) {
            return ends[at(i)];
        }

        private long longest(int i) {
            return longestSoFar[at(i)];
        }

        long freeBytes() {
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                bytes += end(i) - start(i);
            }
            return bytes;
        }

        /**
         * alloc_contig_pages()'s walk over this zone: windows of {@code pages} pages from
         * ALIGN(zone_start_pfn, pages) up in steps of {@code pages}; the first whose pages are all
         * free wins. A window is free exactly when it lies inside one free extent, so the walk
         * visits extents long enough to hold it, lowest first, and tries each one's first window.
         */
        long firstFreeWindow(long pages) {
            long first = kernelAlign(spanStartPfn, pages);
            long bytes = pages << Page.SHIFT;
            for (int i = firstLongEnough(bytes); i < count; i++) {
                long start = start(i);
                long end = end(i);
                if (end - start < bytes) {
                    continue;
                }
                long window = firstWindowFrom(first, start >>> Page.SHIFT, pages);
                if (window >= first && window <= (end - bytes) >>> Page.SHIFT) {
                    lastFound = i;
                    return window << Page.SHIFT;
                }
            }
            return NOT_FOUND;
        }

        /**
         * The first window at or above {@code pfn} of those from {@code first} in steps of {@code
         * pages}. A PAMT lands at the bottom of its zone, where this is the first or the second
         * window; only farther up does it take a 64-bit division.
         */
        private static long firstWindowFrom(long first, long pfn, long pages) {
            long gap = pfn - first;
            if (gap <= 0) {
                return first;
            }
            return gap <= pages ? first + pages : first + (gap + pages - 1) / pages * pages;
        }

        /**
         * The first extent whose running maximum reaches {@code bytes}: a binary search without a
         * branch on the comparison, which random layouts make a coin toss.
         */
        private int firstLongEnough(long bytes) {
            int low = 0;
            for (int length = count; length > 0; ) {
                int half = length >>> 1;
                boolean below = longest(low + half) < bytes;
                low = below ? low + half + 1 : low;
                length = below ? length - half - 1 : half;
            }
            return low;
        }

        /** The highest {@code alignment}-aligned free range of {@code bytes}. */
        long highestFit(long bytes, long alignment) {
            for (int i = count - 1; i >= 0; i--) {
                long candidate = Page.alignDown(end(i) - bytes, alignment);
                if (end(i) - start(i) >= bytes && candidate >= start(i)) {
                    return candidate;
                }
            }
            return NOT_FOUND;
        }

        /** Whether {@code [start, end)} lies inside one free extent. */
        boolean holdsFree(long start, long end) {
            int i = extentAt(start);
            return i >= 0 && end <= end(i);
        }

        /** Marks {@code [start, end)}, which must lie inside one free extent, as used. */
        void take(long start, long end) {
            int i = extentAt(start);
            if (i < 0 || end > end(i)) {
                throw new IllegalStateException(String.format("[0x%x, 0x%x) is not free", start, end));
            }
            long extentStart = start(i);
            long extentEnd = end(i);
            if (start == extentStart && end == extentEnd) {
                remove(i);
                refreshLongest(i, i);
            } else if (start == extentStart) {
                starts[at(i)] = end;
                refreshLongest(i, i + 1);
            } else if (end == extentEnd) {
                ends[at(i)] = start;
                refreshLongest(i, i + 1);
            } else {
                ends[at(i)] = start;
                insert(i + 1, end, extentEnd);
                refreshLongest(i, i + 2);
            }
        }

        /** Marks {@code [start, end)} free again, merging it with free neighbours. */
        void give(long start, long end) {
            int next = firstEndingAfter(start);
            lastGiven = next;
            boolean joinsPrevious = next > 0 && end(next - 1) == start;
            boolean joinsNext = next < count && start(next) == end;
            if (joinsPrevious && joinsNext) {
                ends[at(next - 1)] = end(next);
                remove(next);
                refreshLongest(next - 1, next);
            } else if (joinsPrevious) {
                ends[at(next - 1)] = end;
                refreshLongest(next - 1, next);
            } else if (joinsNext) {
                starts[at(next)] = start;
                refreshLongest(next, next + 1);
            } else {
                insert(next, start, end);
                refreshLongest(next, next + 1);
            }
        }

        /** The extent holding {@code address}, or -1; the one a window was just found in is looked at first. */
        private int extentAt(long address) {
            if (lastFound < count && start(lastFound) <= address && address < end(lastFound)) {
                return lastFound;
            }
            int i = firstEndingAfter(address);
            return i < count && start(i) <= address ? i : -1;
        }

        /**
         * The first extent that ends above {@code address}. Frees come in address order more
         * often than not, so the search gallops out from where the last one ended up, and costs
         * the log of how far it went rather than of how many extents there are.
         */
        private int firstEndingAfter(long address) {
            int finger = Math.min(lastGiven, count);
            int low;
            int high;
            if (finger < count && end(finger) <= address) {
                low = finger + 1;
                int step = 1;
                while (low + step < count && end(low + step - 1) <= address) {
                    low += step;
                    step <<= 1;
                }
                high = Math.min(count, low + step);
            } else {
                high = finger;
                int step = 1;
                while (high - step > 0 && end(high - step) > address) {
                    high -= step;
                    step <<= 1;
                }
                low = Math.max(0, high - step);
            }
            for (int length = high - low; length > 0; ) {
                int half = length >>> 1;
                boolean before = end(low + half) <= address;
                low = before ? low + half + 1 : low;
                length = before ? length - half - 1 : half;
            }
            return low;
        }

        /** Moves the gap to just before extent {@code i}. */
        private void moveGapTo(int i) {
            if (i < gapStart) {
                shift(i, i + gapLength, gapStart - i);
            } else if (i > gapStart) {
                shift(gapStart + gapLength, gapStart, i - gapStart);
            }
            gapStart = i;
        }

        /** Moves {@code length} extents, with their running maxima, from index {@code from} to {@code to}. */
        private void shift(int from, int to, int length) {
            System.arraycopy(starts, from, starts, to, length);
            System.arraycopy(ends, from, ends, to, length);
            System.arraycopy(longestSoFar, from, longestSoFar, to, length);
        }

        private void remove(int i) {
            moveGapTo(i);
            gapLength++;
            count--;
        }

        private void insert(int i, long start, long end) {
            if (gapLength == 0) {
                moveGapTo(count);
                gapLength = starts.length;
                starts = Arrays.copyOf(starts, 2 * starts.length);
                ends = Arrays.copyOf(ends, 2 * ends.length);
                longestSoFar = Arrays.copyOf(longestSoFar, 2 * longestSoFar.length);
            }
            moveGapTo(i);
            starts[gapStart] = start;
            ends[gapStart] = end;
            gapStart++;
            gapLength--;
            count++;
        }

        /**
         * Recomputes the running maxima from extent {@code from}. Extents from {@code unchangedFrom}
         * on are the ones that were there before, with their old running maxima beside them, so
         * once the new maximum agrees with an old one, every later one agrees too.
         */
        private void refreshLongest(int from, int unchangedFrom) {
            long longest = from == 0 ? 0 : longest(from - 1);
            for (int i = from; i < count; i++) {
                int at = at(i);
                longest = Math.max(longest, ends[at] - starts[at]);
                if (i >= unchangedFrom && longestSoFar[at] == longest) {
                    return;
                }
                longestSoFar[at] = longest;
            }
        }
    }

    private enum BlockKind { CONTIG, PAGES_EXACT, KMALLOC_LARGE, SLAB_PAGE, VMALLOC }

    /**
     * The blocks handed out, by start address: an open-addressing table with linear probing.
     * PAMT placement puts and removes a block per TDMR on the planner's hot path, where a
     * HashMap's boxed keys and entry objects cost a fifth of construct_tdmrs() on a 57-TDMR
     * layout. Every block starts at or above {@link #LOW_MEMORY_END}, so address 0 marks a free
     * slot.
     */
    private static final class BlockTable {
        private static final long EMPTY = 0;

        private long[] starts = new long[64];
        private Block[] blocks = new Block[64];
        private int size;

        Block get(long start) {
            if (start == EMPTY) {
                return null;
            }
            for (int i = slot(start); starts[i] != EMPTY; i = next(i)) {
                if (starts[i] == start) {
                    return blocks[i];
                }
            }
            return null;
        }

        void put(Block block) {
            if (block.start == EMPTY) {
                throw new IllegalArgumentException("a block at address 0");
            }
            if (2 * (size + 1) > starts.length) {
                grow();
            }
            int i = slot(block.start);
            while (starts[i] != EMPTY && starts[i] != block.start) {
                i = next(i);
            }
            if (starts[i] == EMPTY) {
                size++;
            }
            starts[i] = block.start;
            blocks[i] = block;
        }

        /** Removes and returns the block at {@code start}; later blocks of its run move back so no probe breaks. */
        Block remove(long start) {
            if (start == EMPTY) {
                return null;
            }
            int i = slot(start);
            while (starts[i] != start) {
                if (starts[i] == EMPTY) {
                    return null;
                }
                i = next(i);
            }
            Block removed = blocks[i];
            int hole = i;
            for (int j = next(i); starts[j] != EMPTY; j = next(j)) {
                int home = slot(starts[j]);
                // Move j into the hole unless its home lies cyclically in (hole, j].
                if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
                    starts[hole] = starts[j];
                    blocks[hole] = blocks[j];
                    hole = j;
                }
            }
            starts[hole] = EMPTY;
            blocks[hole] = null;
            size--;
            return removed;
        }

        List<Block> values() {
            List<Block> values = new ArrayList<>(size);
            for (Block block : blocks) {
                if (block != null) {
                    values.add(block);
                }
            }
            return values;
        }

        private void grow() {
            long[] oldStarts = starts;
            Block[] oldBlocks = blocks;
            starts = new long[oldStarts.length * 2];
            blocks = new Block[oldStarts.length * 2];
            size = 0;
            for (Block block : oldBlocks) {
                if (block != null) {
                    put(block);
                }
            }
        }

        /** Fibonacci hashing of the page frame number. */
        private int slot(long start) {
            return (int) (((start >>> Page.SHIFT) * 0x9E37_79B9_7F4A_7C15L) >>> (Long.SIZE - Integer.numberOfTrailingZeros(starts.length)));
        }

        private int next(int i) {
            return (i + 1) & (starts.length - 1);
        }
    }

    /** Pages taken from a zone; a slab page holds kmalloc objects and has no purpose of its own. */
    private record Block(long start, long end, BlockKind kind, AllocationPurpose purpose, Zone zone) {

        Allocation allocation() {
            return new Allocation(new Range(start, end), purpose);
        }
    }

    private static final class Slab {
        final long page;
        final long objectSize;
        final BitSet used = new BitSet();
        int inUse;

        Slab(long page, long objectSize) {
            this.page = page;
            this.objectSize = objectSize;
        }

        boolean full() {
            return inUse == Page.SIZE / objectSize;
        }
    }

    /** Each node's zonelist, indexed by node; a node without memory has none. */
    private final Zone[][] zonelists;
    /** Each node's own zones, the start of its zonelist. */
    private final int[] ownZoneCounts;
    private final Zone[] allZonesInNodeOrder;
    private final int localNode;
    private final long managedBytes;
    private long usedBytes;
    private final BlockTable blocks = new BlockTable();
    private final TreeMap<Long, Slab> slabs = new TreeMap<>();
    private final Map<Long, List<Slab>> slabsBySize = new HashMap<>();
    private final Map<Long, Allocation> objects = new HashMap<>();
    private final int[] attempts = new int[AllocationPurpose.values().length];
    /** The attempt of each purpose that is to fail; 0 for none. */
    private final int[] failingAttempt = new int[AllocationPurpose.values().length];

    public PageAllocator(HostConfig host) {
        TreeMap<Integer, List<MemoryRegion>> regionsByNode = new TreeMap<>();
        host.memblock().forEach(r -> regionsByNode.computeIfAbsent(r.node(), n -> new ArrayList<>()).add(r));
        Set<Integer> nodes = regionsByNode.keySet();
        Map<Integer, List<Zone>> zonesByNode = new HashMap<>();
        List<Zone> allZones = new ArrayList<>();
        long managed = 0;
        for (int node : nodes) {
            List<Zone> zones = new ArrayList<>();
            for (ZoneType type : ZoneType.values()) {
                Zone zone = zone(regionsByNode.get(node), host.reserved(), type);
                if (zone != null) {
                    zones.add(zone);
                    managed += zone.freeBytes();
                }
            }
            zonesByNode.put(node, zones);
            allZones.addAll(zones);
        }
        this.allZonesInNodeOrder = allZones.toArray(Zone[]::new);
        this.zonelists = new Zone[regionsByNode.lastKey() + 1][];
        this.ownZoneCounts = new int[regionsByNode.lastKey() + 1];
        for (int node : nodes) {
            List<Zone> zonelist = new ArrayList<>(zonesByNode.get(node));
            for (int other : nodes) {
                if (other != node) {
                    zonelist.addAll(zonesByNode.get(other));
                }
            }
            zonelists[node] = zonelist.toArray(Zone[]::new);
            ownZoneCounts[node] = zonesByNode.get(node).size();
        }
        this.localNode = host.memblock().get(0).node();
        this.managedBytes = managed;
    }

    /**
     * The zone of {@code type} over one node's {@code regions} (ascending): its span follows the
     * node's pages, holes included; its free memory excludes holes and the pages of {@code
     * reservedRanges}.
     */
    private static Zone zone(List<MemoryRegion> regions, List<Range> reservedRanges, ZoneType type) {
        long nodeStart = Long.MAX_VALUE;
        long nodeEnd = 0;
        for (MemoryRegion r : regions) {
            if (Page.alignUp(r.start()) < Page.alignDown(r.end())) {
                nodeStart = Math.min(nodeStart, Page.alignUp(r.start()));
                nodeEnd = Math.max(nodeEnd, Page.alignDown(r.end()));
            }
        }
        long spanStart = Math.max(nodeStart, type.low);
        long spanEnd = Math.min(nodeEnd, type.high);
        if (spanStart >= spanEnd) {
            return null;
        }
        Zone zone = new Zone(spanStart >>> Page.SHIFT, spanEnd >>> Page.SHIFT);
        for (MemoryRegion r : regions) {
            long start = Math.max(Math.max(Page.alignUp(r.start()), type.low), LOW_MEMORY_END);
            long end = Math.min(Page.alignDown(r.end()), type.high);
            if (start >= end) {
                continue;
            }
            for (Range reserved : reservedRanges.subList(firstReaching(reservedRanges, start), reservedRanges.size())) {
                long reservedStart = Page.alignDown(reserved.start());
                long reservedEnd = Page.alignUp(reserved.end());
                if (start >= end || reservedStart >= end) {
                    break;
                }
                if (reservedEnd <= start) {
                    continue;
                }
                if (reservedStart > start) {
                    zone.give(start, reservedStart);
                }
                start = reservedEnd;
            }
            if (start < end) {
                zone.give(start, end);
            }
        }
        return zone;
    }

    /** The first of the ascending {@code reserved} ranges whose pages reach past {@code address}. */
    private static int firstReaching(List<Range> reserved, long address) {
        int low = 0;
        int high = reserved.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Page.alignUp(reserved.get(mid).end()) <= address) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    // ---- accounting ----------------------------------------------------------------------

    /** Bytes the allocator manages: RAM minus reserved ranges minus the first MiB. */
    public long managedBytes() {
        return managedBytes;
    }

    /** Bytes not handed out; slab pages count whole while any of their objects is live. */
    public long freeBytes() {
        return managedBytes - usedBytes;
    }

    /** Every live allocation, in address order. */
    public List<Allocation> allocations() {
        List<Allocation> live = new ArrayList<>(objects.values());
        for (Block b : blocks.values()) {
            if (b.kind != BlockKind.SLAB_PAGE) {
                live.add(b.allocation());
            }
        }
        live.sort((a, b) -> a.range().compareTo(b.range()));
        return live;
    }

    /** The live allocation that starts at {@code pa}. */
    public Allocation allocationAt(long pa) {
        Allocation object = objects.get(pa);
        if (object != null) {
            return object;
        }
        Block block = blocks.get(pa);
        if (block == null || block.kind == BlockKind.SLAB_PAGE) {
            throw new IllegalArgumentException(String.format("no allocation starts at 0x%x", pa));
        }
        return block.allocation();
    }

    /**
     * Makes the {@code occurrence}-th allocation of {@code purpose} from now on fail (1 = the next
     * one), as Linux's fault injection would.
     */
    public void failAllocation(AllocationPurpose purpose, int occurrence) {
        if (occurrence < 1) {
            throw new IllegalArgumentException("occurrences count from 1: " + occurrence);
        }
        attempts[purpose.ordinal()] = 0;
        failingAttempt[purpose.ordinal()] = occurrence;
    }

    private boolean injectedFailure(AllocationPurpose purpose) {
        int attempt = ++attempts[purpose.ordinal()];
        if (attempt == failingAttempt[purpose.ordinal()]) {
            failingAttempt[purpose.ordinal()] = 0;
            return true;
        }
        return false;
    }

    // ---- alloc_contig_pages --------------------------------------------------------------

    /** alloc_contig_pages() is used only for PAMTs on the TDX paths, so what it hands out is a PAMT. */
    @Override
    public OptionalLong allocContigPages(long pageCount, int node) {
        if (injectedFailure(AllocationPurpose.PAMT)) {
            return OptionalLong.empty();
        }
        // With n = 0 the kernel's ALIGN yields pfn 0 and the window's last pfn wraps to ULONG_MAX,
        // which no zone spans: zero pages is always a failure.
        if (pageCount <= 0) {
            return OptionalLong.empty();
        }
        for (Zone zone : zonelist(node)) {
            long start = zone.firstFreeWindow(pageCount);
            if (start != NOT_FOUND) {
                take(zone, start, start + (pageCount << Page.SHIFT), BlockKind.CONTIG, AllocationPurpose.PAMT);
                return OptionalLong.of(start);
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void freeContigRange(long pa, long pageCount) {
        release(pa, pageCount << Page.SHIFT, BlockKind.CONTIG);
    }

    @Override
    public List<Range> freeRanges(int node) {
        List<Range> free = new ArrayList<>();
        if (node < 0 || node >= zonelists.length || zonelists[node] == null) {
            return free;
        }
        for (int z = 0; z < ownZoneCounts[node]; z++) {
            Zone zone = zonelists[node][z];
            for (int i = 0; i < zone.count; i++) {
                free.add(new Range(zone.start(i), zone.end(i)));
            }
        }
        return free;
    }

    /** Like {@link #allocContigPages}, what it hands out is a PAMT, and an injected PAMT failure fails it. */
    @Override
    public boolean allocContigRange(long pa, long pageCount) {
        if (injectedFailure(AllocationPurpose.PAMT)) {
            return false;
        }
        if (pageCount <= 0 || !Page.isAligned(pa)) {
            throw new IllegalArgumentException(String.format("alloc_contig_range() of %d pages at 0x%x", pageCount, pa));
        }
        long end = pa + (pageCount << Page.SHIFT);
        for (Zone zone : allZonesInNodeOrder) {
            if (zone.holdsFree(pa, end)) {
                take(zone, pa, end, BlockKind.CONTIG, AllocationPurpose.PAMT);
                return true;
            }
        }
        return false;
    }

    private Zone[] zonelist(int node) {
        return node >= 0 && node < zonelists.length && zonelists[node] != null ? zonelists[node] : allZonesInNodeOrder;
    }

    /**
     * The kernel's ALIGN(x, a), ((x) + (a) - 1) & ~((a) - 1), also for an {@code a} that is no power
     * of two, as alloc_contig_pages() uses it with any page count.
     */
    private static long kernelAlign(long value, long alignment) {
        return (value + alignment - 1) & ~(alignment - 1);
    }

    // ---- alloc_pages_exact, kmalloc ------------------------------------------------------

    /**
     * alloc_pages_exact(): PAGE_ALIGN({@code bytes}) bytes at the start of a free block of
     * 2^get_order(bytes) pages aligned to its size. Not zeroed here.
     */
    public OptionalLong allocPagesExact(long bytes, AllocationPurpose purpose) {
        requirePositive(bytes);
        if (injectedFailure(purpose)) {
            return OptionalLong.empty();
        }
        return topDown(Page.alignUp(bytes), Page.SIZE << Page.order(bytes), BlockKind.PAGES_EXACT, purpose);
    }

    /** vmalloc(): PAGE_ALIGN({@code bytes}) bytes of whole pages. Not zeroed here. */
    public OptionalLong vmalloc(long bytes, AllocationPurpose purpose) {
        requirePositive(bytes);
        if (injectedFailure(purpose)) {
            return OptionalLong.empty();
        }
        return topDown(Page.alignUp(bytes), Page.SIZE, BlockKind.VMALLOC, purpose);
    }

    /** vfree() of exactly what {@link #vmalloc} handed out. */
    public Allocation vfree(long pa, long bytes) {
        return release(pa, Page.alignUp(bytes), BlockKind.VMALLOC).allocation();
    }

    /** free_pages_exact() of exactly what {@link #allocPagesExact} handed out. */
    public Allocation freePagesExact(long pa, long bytes) {
        return release(pa, Page.alignUp(bytes), BlockKind.PAGES_EXACT).allocation();
    }

    /** kmalloc(): an object aligned to its power-of-two size class. Not zeroed here. */
    @Override
    public OptionalLong kmalloc(long bytes, AllocationPurpose purpose) {
        requirePositive(bytes);
        if (injectedFailure(purpose)) {
            return OptionalLong.empty();
        }
        long objectSize = Math.max(MIN_KMALLOC_OBJECT, Page.roundUpPowerOfTwo(bytes));
        if (objectSize > Page.SIZE / 2) {
            long blockBytes = Page.SIZE << Page.order(bytes);
            return topDown(blockBytes, blockBytes, BlockKind.KMALLOC_LARGE, purpose);
        }
        Slab slab = slabWithRoom(objectSize);
        if (slab == null) {
            return OptionalLong.empty();
        }
        int slot = slab.used.nextClearBit(0);
        slab.used.set(slot);
        slab.inUse++;
        long address = slab.page + slot * objectSize;
        objects.put(address, new Allocation(Range.ofSize(address, objectSize), purpose));
        return OptionalLong.of(address);
    }

    @Override
    public Allocation kfree(long pa) {
        Allocation object = objects.remove(pa);
        if (object == null) {
            Block block = blocks.get(pa);
            if (block == null || block.kind != BlockKind.KMALLOC_LARGE) {
                throw new IllegalStateException(String.format("kfree(0x%x): kmalloc did not hand that out", pa));
            }
            return release(pa, block.end - block.start, BlockKind.KMALLOC_LARGE).allocation();
        }
        Slab slab = slabs.floorEntry(pa).getValue();
        slab.used.clear((int) ((pa - slab.page) / slab.objectSize));
        slab.inUse--;
        if (slab.inUse == 0) {
            slabs.remove(slab.page);
            slabsBySize.get(slab.objectSize).remove(slab);
            release(slab.page, Page.SIZE, BlockKind.SLAB_PAGE);
        }
        return object;
    }

    private Slab slabWithRoom(long objectSize) {
        List<Slab> ofSize = slabsBySize.computeIfAbsent(objectSize, s -> new ArrayList<>());
        for (Slab slab : ofSize) {
            if (!slab.full()) {
                return slab;
            }
        }
        OptionalLong page = topDown(Page.SIZE, Page.SIZE, BlockKind.SLAB_PAGE, null);
        if (page.isEmpty()) {
            return null;
        }
        Slab slab = new Slab(page.getAsLong(), objectSize);
        slabs.put(slab.page, slab);
        ofSize.add(slab);
        return slab;
    }

    /** Takes the highest {@code alignment}-aligned free range of {@code bytes} on the local node's zonelist. */
    private OptionalLong topDown(long bytes, long alignment, BlockKind kind, AllocationPurpose purpose) {
        for (Zone zone : zonelist(localNode)) {
            long start = zone.highestFit(bytes, alignment);
            if (start != NOT_FOUND) {
                take(zone, start, start + bytes, kind, purpose);
                return OptionalLong.of(start);
            }
        }
        return OptionalLong.empty();
    }

    // ---- bookkeeping ---------------------------------------------------------------------

    private void take(Zone zone, long start, long end, BlockKind kind, AllocationPurpose purpose) {
        zone.take(start, end);
        blocks.put(new Block(start, end, kind, purpose, zone));
        usedBytes += end - start;
    }

    private Block release(long pa, long bytes, BlockKind kind) {
        Block block = blocks.remove(pa);
        if (block == null || block.kind != kind || block.end - block.start != bytes) {
            if (block != null) {
                blocks.put(block);
            }
            throw new IllegalStateException(String.format("freeing [0x%x, 0x%x) as %s, which is not what was handed out"
                    + " there (%s)", pa, pa + bytes, kind, block == null ? "nothing" : block.allocation()));
        }
        block.zone.give(block.start, block.end);
        usedBytes -= bytes;
        return block;
    }

    private static void requirePositive(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation of " + bytes + " bytes");
        }
    }
}
