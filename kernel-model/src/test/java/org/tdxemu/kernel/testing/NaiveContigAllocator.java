package org.tdxemu.kernel.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.seamcall.memory.Range;

/**
 * alloc_contig_pages() by brute force, as a reference for the page allocator: every zone in
 * zonelist order, every window from ALIGN(zone start, n) in steps of n, each checked against the
 * usable RAM and what is taken. Slow, and plain to read.
 */
public final class NaiveContigAllocator {

    private static final long[][] ZONES_BY_PREFERENCE = {{1L << 32, Long.MAX_VALUE}, {16L << 20, 1L << 32}, {0, 16L << 20}};

    private final HostConfig host;
    private final List<Range> usable;

    public NaiveContigAllocator(HostConfig host) {
        this.host = host;
        this.usable = usableRam(host);
    }

    /** The first free window for {@code pages} pages preferring {@code node}, given what is {@code taken}. */
    public OptionalLong firstWindow(long pages, int node, List<Range> taken) {
        if (pages <= 0) {
            return OptionalLong.empty();
        }
        List<Integer> nodes = new ArrayList<>();
        TreeSet<Integer> all = new TreeSet<>();
        host.memblock().forEach(r -> all.add(r.node()));
        if (all.contains(node)) {
            nodes.add(node);
        }
        all.stream().filter(n -> n != node).forEach(nodes::add);
        for (int candidateNode : nodes) {
            long nodeStart = host.memblock().stream().filter(r -> r.node() == candidateNode)
                    .mapToLong(r -> Page.alignUp(r.start())).min().orElseThrow();
            long nodeEnd = host.memblock().stream().filter(r -> r.node() == candidateNode)
                    .mapToLong(r -> Page.alignDown(r.end())).max().orElseThrow();
            for (long[] zone : ZONES_BY_PREFERENCE) {
                long spanStart = Math.max(nodeStart, zone[0]) >>> Page.SHIFT;
                long spanEnd = Math.min(nodeEnd, zone[1]) >>> Page.SHIFT;
                for (long pfn = (spanStart + pages - 1) & ~(pages - 1); pfn >= 0 && pfn + pages - 1 < spanEnd; pfn += pages) {
                    Range window = new Range(pfn << Page.SHIFT, (pfn + pages) << Page.SHIFT);
                    boolean inside = usable.stream().anyMatch(r -> r.contains(window) && nodeOf(r.start()) == candidateNode);
                    if (inside && taken.stream().noneMatch(window::overlaps)) {
                        return OptionalLong.of(window.start());
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    private int nodeOf(long address) {
        return host.memblock().stream().filter(r -> r.range().contains(address)).findFirst().orElseThrow().node();
    }

    /**
     * Memblock, page-rounded inward, minus reserved pages and the first MiB; adjacent pieces of one
     * node merged. Regions and reserved ranges both ascend, so one pass over each does it.
     */
    public static List<Range> usableRam(HostConfig host) {
        List<Range> usable = new ArrayList<>();
        List<Integer> nodes = new ArrayList<>();
        List<Range> reserved = host.reserved();
        int firstReaching = 0;
        for (MemoryRegion r : host.memblock()) {
            long start = Math.max(Page.alignUp(r.start()), 1L << 20);
            long end = Page.alignDown(r.end());
            // Reserved ranges that end below this region end below every later one too.
            while (firstReaching < reserved.size() && Page.alignUp(reserved.get(firstReaching).end()) <= start) {
                firstReaching++;
            }
            List<Range> pieces = new ArrayList<>();
            for (int k = firstReaching; k < reserved.size() && start < end; k++) {
                long takenStart = Page.alignDown(reserved.get(k).start());
                long takenEnd = Page.alignUp(reserved.get(k).end());
                if (takenStart >= end) {
                    break;
                }
                if (takenStart > start) {
                    pieces.add(new Range(start, takenStart));
                }
                start = Math.max(start, takenEnd);
            }
            if (start < end) {
                pieces.add(new Range(start, end));
            }
            for (Range piece : pieces) {
                int last = usable.size() - 1;
                if (last >= 0 && usable.get(last).end() == piece.start() && nodes.get(last) == r.node()) {
                    usable.set(last, new Range(usable.get(last).start(), piece.end()));
                } else {
                    usable.add(piece);
                    nodes.add(r.node());
                }
            }
        }
        return usable;
    }
}
