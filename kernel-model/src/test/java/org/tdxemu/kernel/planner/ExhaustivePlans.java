package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 * no code with it. Plans are weighed as the planner weighs them (docs/scenarios.md, "Planners"):
 * fewest TDMRs that cross from one node's memory into another's first, then least PAMT.
 *
 * <p>A plan covers the GiBs that hold memory; every way of cutting them, in order, into TDMRs is
 * tried (a TDMR may span GiBs without memory between two that hold some, which it then reserves).
 * A TDMR's PAMT is one chunk of 16-byte entries per page of each size, each table in whole pages,
 * in free memory of its node (the node of the first memory block ending above its base), or of
 * another node when its node has no free run that long left beside the PAMTs of the TDMRs before
 * it, as alloc_contig_pages() falls back to other nodes. Its reserved areas are what it must not use, the
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

    /**
     * What a plan is weighed by: first the TDMRs that reach across a GiB boundary where one node's
     * memory gives way to another's (their PAMT would describe memory of a node it is not on), then
     * the PAMT.
     */
    record Weight(int crossings, long pamtBytes) {
    }

    /** The weight of {@code tdmrs} on this host. */
    Weight weigh(List<Range> tdmrs) {
        int crossings = 0;
        for (Range tdmr : tdmrs) {
            for (long boundary : nodeBoundaries()) {
                if (boundary > tdmr.start() && boundary < tdmr.end()) {
                    crossings++;
                }
            }
        }
        return new Weight(crossings, pamtBytes(tdmrs));
    }

    /** Between two neighbouring memory blocks of different nodes, the GiB boundary after the first if the second goes on past it. */
    private List<Long> nodeBoundaries() {
        List<Long> boundaries = new ArrayList<>();
        for (int b = 1; b < memlist.size(); b++) {
            long end = Page.alignUp(memlist.get(b - 1).end(), GIB);
            if (!memlistNodes.get(b).equals(memlistNodes.get(b - 1)) && end < memlist.get(b).end()) {
                boundaries.add(end);
            }
        }
        return boundaries;
    }

    /** The least weight of a plan that fits; empty when none does. */
    Optional<Weight> lightest() {
        TreeSet<Long> gibSet = new TreeSet<>();
        for (Range run : gibRuns()) {
            for (long g = run.start(); g < run.end(); g += GIB) {
                gibSet.add(g);
            }
        }
        List<Long> gibs = new ArrayList<>(gibSet);
        if (gibs.isEmpty()) {
            return Optional.empty();
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
        Comparator<Weight> lighter = Comparator.comparingInt(Weight::crossings).thenComparingLong(Weight::pamtBytes);
        cuts.sort(Comparator.comparing(this::weigh, lighter));
        for (List<Range> tdmrs : cuts) {
            if (fits(tdmrs)) {
                return Optional.of(weigh(tdmrs));
            }
        }
        return Optional.empty();
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

    /**
     * Where a cluster can lie: from the bottom of a free range of {@code node}, or from a TDMR
     * boundary in it, up; or down from its top.
     */
    private record Place(int node, Range free, long from, boolean downward) {
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
            for (int node = 0; node < freeByNode.size(); node++) {
                for (Range f : freeByNode.get(node)) {
                    if (f.size() < size) {
                        continue;
                    }
                    p.add(new Place(node, f, f.start(), false));
                    p.add(new Place(node, f, f.end(), true));
                    for (Range t : tdmrs) {
                        if (t.start() > f.start() && t.start() < f.end()) {
                            p.add(new Place(node, f, t.start(), false));
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
        Range[] chunks = new Range[chosen.length];
        for (Place p : distinct) {
            long size = 0;
            long next = p.from();
            for (int t = 0; t < chosen.length; t++) {
                if (chosen[t].equals(p)) {
                    long bytes = chunkBytes(tdmrs.get(t));
                    size += bytes;
                    chunks[t] = p.downward() ? new Range(Math.max(0, next - bytes), next) : Range.ofSize(next, bytes);
                    next = p.downward() ? next - bytes : next + bytes;
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
            int node = nodeOf(tdmrs.get(t).start());
            if (chosen[t].node() != node
                    && hasRoomLeft(node, chunkBytes(tdmrs.get(t)), List.of(chunks).subList(0, t))) {
                return false;
            }
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

    /** Whether {@code node} has a free run of {@code bytes} that no cluster takes. */
    private boolean hasRoomLeft(int node, long bytes, List<Range> clusters) {
        for (Range free : freeByNode.get(node)) {
            long cursor = free.start();
            for (Range c : clusters.stream().filter(free::overlaps).sorted().toList()) {
                if (c.start() - cursor >= bytes) {
                    return true;
                }
                cursor = Math.max(cursor, c.end());
            }
            if (free.end() - cursor >= bytes) {
                return true;
            }
        }
        return false;
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
