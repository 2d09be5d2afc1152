package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.testing.NaiveContigAllocator;
import org.tdxemu.kernel.testing.TdmrRules;
import org.tdxemu.seamcall.memory.Range;

/**
 * The least PAMT any plan for a small host can spend, found by trying every plan: a reference for
 * the optimal planner, written from the rules (kernel-init.md §3, module-abi.md §4.4) and sharing
 * no code with it.
 *
 * <p>A plan covers the GiBs that hold memory; every way of cutting them, in order, into TDMRs is
 * tried (a TDMR may span GiBs without memory between two that hold some, which it then reserves).
 * A TDMR's PAMT is one chunk of 16-byte entries per page of each size, each table in whole pages,
 * in free memory of its node (the node of the first memory block ending above its base), or of any
 * node when its node has no free range that long. Its reserved areas are what it must not use, the
 * parts the hole source leaves and every PAMT inside it, joined where they touch; a plan fits
 * when no TDMR has more areas than the module takes and there are no more TDMRs than it takes.
 *
 * <p>Every placement is tried in this sense: chunks that touch form a cluster, and only where
 * clusters lie decides the areas. A cluster that touches neither a hole nor a TDMR boundary with
 * its lowest byte can slide down until it does, or until it meets the bottom of its free range,
 * without touching anything new or leaving a TDMR: so a cluster starts at the bottom of a free
 * range or at a TDMR boundary inside one, or ends at the top of a free range. Every assignment of
 * chunks to those three kinds of places is tried; the order of chunks inside a cluster does not
 * change its extent.
 */
final class ExhaustivePlans {

    private static final long GIB = 1L << 30;
    private static final long ENTRY_BYTES = 16;
    private static final int[] PAGE_SHIFTS = {12, 21, 30};
    private static final long[] ZONE_BOUNDARIES = {16L << 20, 1L << 32};

    private final HostConfig host;
    private final List<Range> covered;
    private final int maxTdmrs;
    private final int maxAreas;
    /** Free memory by node, cut at zone boundaries: what alloc_contig_range() can take in one piece. */
    private final List<List<Range>> freeByNode = new ArrayList<>();
    private final List<Range> memlist;
    private final List<Integer> memlistNodes = new ArrayList<>();

    /**
     * @param holeSource memblock's ranges or the CMRs: what a TDMR may leave unreserved, within the
     *                   GiBs that hold memory
     * @param live       what the kernel had allocated before planning
     */
    ExhaustivePlans(HostConfig host, List<Range> holeSource, int maxTdmrs, int maxAreas, List<Range> live) {
        this.host = host;
        this.maxTdmrs = maxTdmrs;
        this.maxAreas = maxAreas;
        this.memlist = new ArrayList<>();
        for (MemoryRegion r : host.memblock()) {
            TdmrRules.tdxMemory(r.range()).ifPresent(m -> {
                memlist.add(m);
                memlistNodes.add(r.node());
            });
        }
        List<Range> gibs = gibRuns();
        this.covered = new ArrayList<>();
        for (Range source : holeSource) {
            for (Range run : gibs) {
                long start = Math.max(source.start(), run.start());
                long end = Math.min(source.end(), run.end());
                if (start < end) {
                    covered.add(new Range(start, end));
                }
            }
        }
        covered.sort(Comparator.naturalOrder());
        List<Range> taken = new ArrayList<>(host.reserved());
        live.forEach(a -> taken.add(new Range(Page.alignDown(a.start()), Page.alignUp(a.end()))));
        taken.sort(Comparator.naturalOrder());
        int nodes = host.memblock().stream().mapToInt(MemoryRegion::node).max().orElse(0) + 1;
        for (int n = 0; n < nodes; n++) {
            freeByNode.add(new ArrayList<>());
        }
        for (Range usable : NaiveContigAllocator.usableRam(host)) {
            List<Range> pieces = List.of(usable);
            for (Range t : taken) {
                List<Range> next = new ArrayList<>();
                for (Range p : pieces) {
                    if (t.end() <= p.start() || t.start() >= p.end()) {
                        next.add(p);
                    } else {
                        if (t.start() > p.start()) {
                            next.add(new Range(p.start(), t.start()));
                        }
                        if (t.end() < p.end()) {
                            next.add(new Range(t.end(), p.end()));
                        }
                    }
                }
                pieces = next;
            }
            int node = host.memblock().stream().filter(r -> r.range().contains(usable.start())).findFirst()
                    .orElseThrow().node();
            for (Range p : pieces) {
                long start = p.start();
                for (long boundary : ZONE_BOUNDARIES) {
                    if (start < boundary && boundary < p.end()) {
                        freeByNode.get(node).add(new Range(start, boundary));
                        start = boundary;
                    }
                }
                freeByNode.get(node).add(new Range(start, p.end()));
            }
        }
    }

    /** The GiBs that hold memory, joined where they touch. */
    private List<Range> gibRuns() {
        List<Range> runs = new ArrayList<>();
        for (Range block : memlist) {
            long start = Page.alignDown(block.start(), GIB);
            long end = Page.alignUp(block.end(), GIB);
            int last = runs.size() - 1;
            if (last >= 0 && start <= runs.get(last).end()) {
                runs.set(last, new Range(runs.get(last).start(), Math.max(end, runs.get(last).end())));
            } else {
                runs.add(new Range(start, end));
            }
        }
        return runs;
    }

    /** The least PAMT of a plan that fits; empty when none does. */
    OptionalLong cheapestPamtBytes() {
        TreeSet<Long> gibSet = new TreeSet<>();
        for (Range run : gibRuns()) {
            for (long g = run.start(); g < run.end(); g += GIB) {
                gibSet.add(g);
            }
        }
        List<Long> gibs = new ArrayList<>(gibSet);
        if (gibs.isEmpty()) {
            return OptionalLong.empty();
        }
        List<List<Range>> cuts = new ArrayList<>();
        for (long mask = 0; mask < 1L << (gibs.size() - 1); mask++) {
            List<Range> tdmrs = new ArrayList<>();
            long start = gibs.get(0);
            for (int i = 0; i < gibs.size(); i++) {
                if (i == gibs.size() - 1 || (mask & 1L << i) != 0) {
                    tdmrs.add(new Range(start, gibs.get(i) + GIB));
                    if (i + 1 < gibs.size()) {
                        start = gibs.get(i + 1);
                    }
                }
            }
            if (tdmrs.size() <= maxTdmrs) {
                cuts.add(tdmrs);
            }
        }
        cuts.sort(Comparator.comparingLong(ExhaustivePlans::pamtBytes));
        for (List<Range> tdmrs : cuts) {
            if (fits(tdmrs)) {
                return OptionalLong.of(pamtBytes(tdmrs));
            }
        }
        return OptionalLong.empty();
    }

    static long chunkBytes(Range tdmr) {
        long bytes = 0;
        for (int shift : PAGE_SHIFTS) {
            bytes += Page.alignUp((tdmr.size() >>> shift) * ENTRY_BYTES);
        }
        return bytes;
    }

    static long pamtBytes(List<Range> tdmrs) {
        return tdmrs.stream().mapToLong(ExhaustivePlans::chunkBytes).sum();
    }

    /** Where a cluster can lie: from the bottom of a free range, or from a TDMR boundary in it, up; or down from its top. */
    private record Place(Range free, long from, boolean downward) {
    }

    private boolean fits(List<Range> tdmrs) {
        List<List<Range>> holes = new ArrayList<>();
        for (Range tdmr : tdmrs) {
            List<Range> h = TdmrRules.holes(tdmr, covered);
            if (h.size() > maxAreas + tdmrs.size()) {
                return false;
            }
            holes.add(h);
        }
        List<List<Place>> places = new ArrayList<>();
        for (Range tdmr : tdmrs) {
            List<Place> p = new ArrayList<>();
            long size = chunkBytes(tdmr);
            List<Range> own = freeByNode.get(nodeOf(tdmr.start()));
            boolean ownHolds = own.stream().anyMatch(f -> f.size() >= size);
            for (List<Range> ranges : freeByNode) {
                if (ranges != own && ownHolds) {
                    continue;
                }
                for (Range f : ranges) {
                    if (f.size() < size) {
                        continue;
                    }
                    p.add(new Place(f, f.start(), false));
                    p.add(new Place(f, f.end(), true));
                    for (Range t : tdmrs) {
                        if (t.start() > f.start() && t.start() < f.end()) {
                            p.add(new Place(f, t.start(), false));
                        }
                    }
                }
            }
            places.add(p);
        }
        return tryPlaces(tdmrs, holes, places, new Place[tdmrs.size()], 0);
    }

    private boolean tryPlaces(List<Range> tdmrs, List<List<Range>> holes, List<List<Place>> places, Place[] chosen,
                              int next) {
        if (next == tdmrs.size()) {
            return areasFit(tdmrs, holes, chosen);
        }
        for (Place place : places.get(next)) {
            chosen[next] = place;
            if (tryPlaces(tdmrs, holes, places, chosen, next + 1)) {
                return true;
            }
        }
        return false;
    }

    private boolean areasFit(List<Range> tdmrs, List<List<Range>> holes, Place[] chosen) {
        List<Range> clusters = new ArrayList<>();
        List<Place> distinct = new ArrayList<>();
        for (Place p : chosen) {
            if (!distinct.contains(p)) {
                distinct.add(p);
            }
        }
        for (Place p : distinct) {
            long size = 0;
            for (int t = 0; t < chosen.length; t++) {
                if (chosen[t].equals(p)) {
                    size += chunkBytes(tdmrs.get(t));
                }
            }
            long start = p.downward() ? p.from() - size : p.from();
            if (start < p.free().start() || start + size > p.free().end()) {
                return false;
            }
            Range extent = Range.ofSize(start, size);
            if (clusters.stream().anyMatch(extent::overlaps)) {
                return false;
            }
            clusters.add(extent);
        }
        for (int t = 0; t < tdmrs.size(); t++) {
            Range tdmr = tdmrs.get(t);
            List<Range> reserved = new ArrayList<>(holes.get(t));
            for (Range c : clusters) {
                if (c.overlaps(tdmr)) {
                    reserved.add(new Range(Math.max(c.start(), tdmr.start()), Math.min(c.end(), tdmr.end())));
                }
            }
            reserved.sort(Comparator.naturalOrder());
            int areas = 0;
            long end = -1;
            for (Range r : reserved) {
                if (r.start() > end) {
                    areas++;
                }
                end = Math.max(end, r.end());
            }
            if (areas > maxAreas) {
                return false;
            }
        }
        return true;
    }

    /** tdmr_get_nid(): the node of the first memory block that ends above the TDMR's base. */
    private int nodeOf(long base) {
        for (int b = 0; b < memlist.size(); b++) {
            if (memlist.get(b).end() > base) {
                return memlistNodes.get(b);
            }
        }
        return 0;
    }
}
