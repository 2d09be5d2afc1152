package org.tdxemu.kernel.e2e;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.testing.NaiveContigAllocator;
import org.tdxemu.seamcall.memory.Range;

/**
 * The host's free memory at one moment, to say whether an allocation that failed then had a
 * chance: the RAM the page allocator manages ({@link NaiveContigAllocator#usableRam}) minus the
 * allocations live at that moment in whole pages (a kmalloc object takes its slab page), in
 * extents of one node and one zone (DMA below 16 MiB, DMA32 below 4 GiB, NORMAL above), as
 * PageAllocator documents them. Plain lists and loops, no code shared with the allocator.
 */
final class FreeMemory {

    private static final long[] ZONE_BOUNDARIES = {16L << 20, 1L << 32};

    /** A free extent: {@code [start, end)}, all on {@code node}, in one zone. */
    private record Extent(long start, long end, int node) {
    }

    private final List<Extent> extents;
    /** Each node's first page, the first MiB and ranges in use included, by node. */
    private final Map<Integer, Long> nodeStarts;

    private FreeMemory(HostConfig host, List<Extent> extents) {
        this.extents = extents;
        this.nodeStarts = new HashMap<>();
        for (MemoryRegion region : host.memblock()) {
            if (Page.alignUp(region.start()) < Page.alignDown(region.end())) {
                nodeStarts.merge(region.node(), Page.alignUp(region.start()), Math::min);
            }
        }
    }

    static FreeMemory of(HostConfig host, List<Range> live) {
        List<Range> taken = new ArrayList<>(host.reserved());
        for (Range allocation : live) {
            taken.add(new Range(Page.alignDown(allocation.start()), Page.alignUp(allocation.end())));
        }
        taken.sort(Comparator.naturalOrder());
        List<Range> inUse = new ArrayList<>();
        for (Range r : taken) {
            int last = inUse.size() - 1;
            if (last >= 0 && r.start() <= inUse.get(last).end()) {
                inUse.set(last, new Range(inUse.get(last).start(), Math.max(r.end(), inUse.get(last).end())));
            } else {
                inUse.add(r);
            }
        }
        List<Extent> extents = new ArrayList<>();
        for (Range free : NaiveContigAllocator.usableRam(host.withReserved(inUse))) {
            int node = nodeOf(host, free.start());
            long start = free.start();
            for (long boundary : ZONE_BOUNDARIES) {
                if (start < boundary && boundary < free.end()) {
                    extents.add(new Extent(start, boundary, node));
                    start = boundary;
                }
            }
            extents.add(new Extent(start, free.end(), node));
        }
        return new FreeMemory(host, extents);
    }

    /** Whether any page is free: what a kmalloc needs when no slab page of its size has room. */
    boolean hasFreePage() {
        return !extents.isEmpty();
    }

    /** Whether {@code bytes} are free from an address aligned to {@code alignment}, as alloc_pages_exact() needs. */
    boolean hasAlignedRange(long bytes, long alignment) {
        for (Extent e : extents) {
            long start = Page.alignUp(e.start(), alignment);
            if (start + bytes <= e.end()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether alloc_contig_pages() of {@code pages} finds a window on any node: windows of that many
     * pages, from ALIGN(zone start pfn, pages) up in steps of pages, where a zone starts at its node's
     * first page or at the zone's low boundary. The kernel's ALIGN is a bit mask even for counts
     * that are no power of two.
     */
    boolean hasContigWindow(long pages) {
        for (Extent e : extents) {
            long zoneStartPfn = Math.max(nodeStarts.get(e.node()), zoneLow(e.start())) >>> Page.SHIFT;
            long firstWindow = (zoneStartPfn + pages - 1) & ~(pages - 1);
            long startPfn = e.start() >>> Page.SHIFT;
            long window = startPfn <= firstWindow ? firstWindow
                    : firstWindow + (startPfn - firstWindow + pages - 1) / pages * pages;
            if ((window + pages) << Page.SHIFT <= e.end()) {
                return true;
            }
        }
        return false;
    }

    private static int nodeOf(HostConfig host, long address) {
        return host.memblock().stream().filter(r -> r.range().contains(address)).findFirst().orElseThrow().node();
    }

    private static long zoneLow(long address) {
        long low = 0;
        for (long boundary : ZONE_BOUNDARIES) {
            if (address >= boundary) {
                low = boundary;
            }
        }
        return low;
    }
}
