package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.function.LongUnaryOperator;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.seamcall.memory.Range;

/**
 * Where each TDMR's PAMT chunk goes, before anything is allocated: in the free memory of the
 * TDMR's node (its {@code tdmr_get_nid()} node), searched as alloc_contig_pages() searches it;
 * on another node only when that node has no free range long enough, or none left after its other
 * chunks. The chunks that go to one
 * node are stacked back to back, in TDMR order, so that they are usually one range of memory: one
 * reserved area, or none where it touches a hole.
 */
final class PamtPlacement {

    /** How a free range is chosen for a chunk, and from which end of it the chunks are stacked. */
    enum Policy {
        /** The first free range with room, from its bottom: where alloc_contig_pages() would look first. */
        BOTTOM_OF_ZONES,
        /**
         * First a free range that touches a hole, from the end that touches it, so that the chunks
         * and the hole are one reserved area; else as {@link #BOTTOM_OF_ZONES}.
         */
        NEXT_TO_HOLES
    }

    /**
     * Where a node's chunks are stacked: from {@code from} up, or down from it, inside {@code free}.
     * A stack lies at the bottom of a free range, at its top, or from a GiB boundary inside it up;
     * these are the only places that matter, since a stack anywhere else could slide down until it
     * met one of them without touching anything new.
     */
    record Spot(Range free, long from, boolean downward) {
    }

    /** Each TDMR's chunk: where it starts, and how long it is. */
    record Chunks(long[] bases, long[] sizes) {

        List<Range> ranges() {
            List<Range> ranges = new ArrayList<>(bases.length);
            for (int i = 0; i < bases.length; i++) {
                ranges.add(Range.ofSize(bases[i], sizes[i]));
            }
            return ranges;
        }

        long pamtBytes() {
            long bytes = 0;
            for (long size : sizes) {
                bytes += size;
            }
            return bytes;
        }
    }

    /** The chunks of the TDMRs, or the index of the first TDMR whose chunk found no free range long enough. */
    record Result(Chunks chunks, OptionalInt homeless) {
    }

    private final Coverage coverage;
    private final ModuleLimits limits;
    private final IntFunction<List<Range>> freeRanges;
    private final Map<Integer, List<Range>> freeByNode = new HashMap<>();

    /** @param freeRanges each node's own free memory in alloc_contig_pages()'s order of search */
    PamtPlacement(Coverage coverage, ModuleLimits limits, IntFunction<List<Range>> freeRanges) {
        this.coverage = coverage;
        this.limits = limits;
        this.freeRanges = freeRanges;
    }

    /**
     * The chunks of {@code tdmrs}. Each goes to its TDMR's node, or, when no free range of that
     * node is long enough for it, to the first other node that has one. The chunks that go to one
     * node are stacked together in the first free range {@code policy} picks that holds them all;
     * else one by one, each where {@code policy} picks.
     */
    Result place(List<Range> tdmrs, Policy policy) {
        Groups groups = groups(tdmrs);
        long[] bases = groups.chunks().bases();
        long[] sizes = groups.chunks().sizes();
        if (groups.homeless().isPresent()) {
            return new Result(groups.chunks(), groups.homeless());
        }
        Map<Long, long[]> stacks = new HashMap<>();
        for (Map.Entry<Integer, List<Integer>> group : groups.byNode().entrySet()) {
            int node = group.getKey();
            LongUnaryOperator together = size -> pick(free(node), stacks, size, policy);
            LongUnaryOperator alone = size -> elsewhereIfFull(node, n -> pick(free(n), stacks, size, policy));
            OptionalInt none = put(group.getValue(), sizes, bases, together, alone);
            if (none.isPresent()) {
                return new Result(new Chunks(bases, sizes), none);
            }
        }
        return new Result(new Chunks(bases, sizes), OptionalInt.empty());
    }

    /**
     * Puts {@code chunks} back to back where {@code together} finds room for them all, else each
     * where {@code alone} finds room for it; their bases go into {@code bases}.
     *
     * @return the first chunk no room was found for
     */
    private static OptionalInt put(List<Integer> chunks, long[] sizes, long[] bases, LongUnaryOperator together,
                                   LongUnaryOperator alone) {
        long base = chunks.isEmpty() ? -1 : together.applyAsLong(total(chunks, sizes));
        if (base >= 0) {
            for (int t : chunks) {
                bases[t] = base;
                base += sizes[t];
            }
            return OptionalInt.empty();
        }
        for (int t : chunks) {
            bases[t] = alone.applyAsLong(sizes[t]);
            if (bases[t] < 0) {
                return OptionalInt.of(t);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The chunks to place: each TDMR's size, bases still to fill in; the TDMRs by the node their
     * chunk goes to, ascending; or the first TDMR whose chunk no node has room for.
     */
    private record Groups(Chunks chunks, Map<Integer, List<Integer>> byNode, OptionalInt homeless) {
    }

    private Groups groups(List<Range> tdmrs) {
        long[] sizes = new long[tdmrs.size()];
        Map<Integer, List<Integer>> byNode = new TreeMap<>();
        OptionalInt homeless = OptionalInt.empty();
        for (int t = 0; t < tdmrs.size() && homeless.isEmpty(); t++) {
            sizes[t] = limits.pamtChunkBytes(tdmrs.get(t).size());
            OptionalInt node = home(coverage.node(tdmrs.get(t).start()), sizes[t]);
            if (node.isEmpty() || sizes[t] == 0) {
                homeless = OptionalInt.of(t);
            } else {
                byNode.computeIfAbsent(node.getAsInt(), n -> new ArrayList<>()).add(t);
            }
        }
        return new Groups(new Chunks(new long[tdmrs.size()], sizes), byNode, homeless);
    }

    private static long total(List<Integer> chunks, long[] sizes) {
        long total = 0;
        for (int t : chunks) {
            total += sizes[t];
        }
        return total;
    }

    /**
     * The chunks of {@code tdmrs}, placed to keep every TDMR within the module's reserved areas.
     * The chunks of a node with a spot in {@code spots} are stacked there first, as far as it holds
     * them. Each other node's chunks, the node with the fewest places for them first, go together
     * where that adds the fewest areas and no TDMR goes over; if no such place holds them all, one
     * by one the same way, in TDMR order; a chunk with no such place goes to the bottom of the
     * first free range that holds it, over the limit.
     */
    Result fit(List<Range> tdmrs, Map<Integer, Spot> spots) {
        return fit(tdmrs, spots, false);
    }

    /**
     * {@link #fit(List, Map)}, with each node's chunks that go one by one taken the longest first,
     * so that long free ranges stay for long chunks; no chunk then leaves its node (a chunk goes to
     * another node only when its node had no room at its turn in TDMR order), so a chunk that finds
     * no room on its node has none at all.
     */
    Result fitLongestFirst(List<Range> tdmrs) {
        return fit(tdmrs, Map.of(), true);
    }

    private Result fit(List<Range> tdmrs, Map<Integer, Spot> spots, boolean longestFirst) {
        Groups groups = groups(tdmrs);
        long[] bases = groups.chunks().bases();
        long[] sizes = groups.chunks().sizes();
        if (groups.homeless().isPresent()) {
            return new Result(groups.chunks(), groups.homeless());
        }
        Fitting fitting = new Fitting(tdmrs);
        List<Map.Entry<Integer, List<Integer>>> pending = new ArrayList<>(groups.byNode().entrySet());
        while (!pending.isEmpty()) {
            Map.Entry<Integer, List<Integer>> group = mostConstrained(pending, spots, fitting, sizes);
            pending.remove(group);
            List<Range> ranges = fitting.free(group.getKey());
            List<Integer> chunks = new ArrayList<>(group.getValue());
            Spot spot = spots.get(group.getKey());
            if (spot != null) {
                long next = spot.from();
                while (!chunks.isEmpty() && fitting.takeAt(ranges, spot, next, sizes[chunks.get(0)])) {
                    int t = chunks.remove(0);
                    bases[t] = spot.downward() ? next - sizes[t] : next;
                    next = spot.downward() ? bases[t] : next + sizes[t];
                }
            }
            if (longestFirst) {
                chunks.sort((a, b) -> Long.compare(sizes[b], sizes[a]));
            }
            OptionalInt none = put(chunks, sizes, bases, size -> fitting.take(ranges, size), size -> {
                IntToLongFunction room = n -> {
                    long base = fitting.take(fitting.free(n), size);
                    return base >= 0 ? base : fitting.takeFromBottom(fitting.free(n), size);
                };
                return longestFirst ? room.applyAsLong(group.getKey()) : elsewhereIfFull(group.getKey(), room);
            });
            if (none.isPresent()) {
                return new Result(new Chunks(bases, sizes), none);
            }
        }
        return new Result(new Chunks(bases, sizes), OptionalInt.empty());
    }

    /**
     * The group to place next: one with a spot, else the one with the fewest places that hold it
     * whole without a TDMR going over, so that a group with a choice leaves room to those without.
     */
    private Map.Entry<Integer, List<Integer>> mostConstrained(List<Map.Entry<Integer, List<Integer>>> pending,
                                                              Map<Integer, Spot> spots, Fitting fitting, long[] sizes) {
        Map.Entry<Integer, List<Integer>> next = null;
        int fewest = Integer.MAX_VALUE;
        for (Map.Entry<Integer, List<Integer>> group : pending) {
            if (spots.containsKey(group.getKey())) {
                return group;
            }
            int places = fitting.places(fitting.free(group.getKey()), total(group.getValue(), sizes));
            if (places < fewest) {
                fewest = places;
                next = group;
            }
        }
        return next;
    }

    /** The state of {@link #fit}: what is reserved so far, each TDMR's areas, each node's free memory left. */
    private final class Fitting {
        private final List<Range> tdmrs;
        private final TreeMap<Long, Long> reserved = new TreeMap<>();
        private final int[] areas;
        private final Map<Integer, List<Range>> freeLeft = new HashMap<>();

        Fitting(List<Range> tdmrs) {
            this.tdmrs = tdmrs;
            this.areas = new int[tdmrs.size()];
            for (Range hole : coverage.holes().ranges()) {
                reserved.put(hole.start(), hole.end());
            }
            for (int t = 0; t < tdmrs.size(); t++) {
                areas[t] = coverage.holes().countWithin(tdmrs.get(t).start(), tdmrs.get(t).end());
            }
        }

        List<Range> free(int node) {
            return freeLeft.computeIfAbsent(node, n -> new ArrayList<>(PamtPlacement.this.free(n)));
        }

        /**
         * Takes {@code size} bytes where they add the fewest areas without a TDMR going over, in
         * the shortest free range that holds them on a tie (so that longer ranges stay for longer
         * chunks), the first in the order of search after that: the bottom or top of a free range,
         * or a TDMR's base inside one. Returns where, or -1.
         */
        long take(List<Range> ranges, long size) {
            int bestIndex = -1;
            long bestStart = -1;
            int bestAdded = Integer.MAX_VALUE;
            for (int i = 0; i < ranges.size(); i++) {
                for (long start : starts(ranges.get(i), size)) {
                    int added = added(start, start + size);
                    if (added < bestAdded || added == bestAdded && added != Integer.MAX_VALUE
                            && ranges.get(i).size() < ranges.get(bestIndex).size()) {
                        bestAdded = added;
                        bestIndex = i;
                        bestStart = start;
                    }
                }
            }
            if (bestIndex >= 0) {
                carve(ranges, bestIndex, bestStart, size);
            }
            return bestStart;
        }

        /** How many places in {@code ranges} hold {@code size} bytes without a TDMR going over. */
        int places(List<Range> ranges, long size) {
            int places = 0;
            for (Range free : ranges) {
                for (long start : starts(free, size)) {
                    places += added(start, start + size) == Integer.MAX_VALUE ? 0 : 1;
                }
            }
            return places;
        }

        /** Where {@code size} bytes can start in {@code free}: its bottom, its top, a TDMR's base inside it. */
        private List<Long> starts(Range free, long size) {
            if (free.size() < size) {
                return List.of();
            }
            List<Long> starts = new ArrayList<>(List.of(free.start(), free.end() - size));
            for (Range tdmr : tdmrs) {
                if (tdmr.start() > free.start() && tdmr.start() + size <= free.end()) {
                    starts.add(tdmr.start());
                }
            }
            return starts;
        }

        /**
         * Takes {@code size} bytes at {@code next}, up from it or down to it as {@code spot} goes,
         * if they are still free in the spot's range, whatever the areas.
         */
        boolean takeAt(List<Range> ranges, Spot spot, long next, long size) {
            long start = spot.downward() ? next - size : next;
            for (int i = 0; i < ranges.size(); i++) {
                Range free = ranges.get(i);
                if (free.start() <= start && start + size <= free.end() && spot.free().contains(free)) {
                    carve(ranges, i, start, size);
                    return true;
                }
            }
            return false;
        }

        /** Takes {@code size} bytes at the bottom of the first free range that holds them, whatever the areas. */
        long takeFromBottom(List<Range> ranges, long size) {
            for (int i = 0; i < ranges.size(); i++) {
                if (ranges.get(i).size() >= size) {
                    long start = ranges.get(i).start();
                    carve(ranges, i, start, size);
                    return start;
                }
            }
            return -1;
        }

        /** The areas {@code [start, end)} adds over every TDMR it reaches; MAX_VALUE when one would go over. */
        private int added(long start, long end) {
            int total = 0;
            for (int t = 0; t < tdmrs.size(); t++) {
                Range tdmr = tdmrs.get(t);
                if (tdmr.end() <= start || tdmr.start() >= end) {
                    continue;
                }
                int delta = 1 - touching(Math.max(start, tdmr.start()), Math.min(end, tdmr.end()), tdmr);
                if (areas[t] + delta > limits.maxReservedPerTdmr()) {
                    return Integer.MAX_VALUE;
                }
                total += delta;
            }
            return total;
        }

        /** The reserved ranges that touch {@code [start, end)} inside {@code tdmr}. */
        private int touching(long start, long end, Range tdmr) {
            long low = start > tdmr.start() ? start - 1 : start;
            long high = end < tdmr.end() ? end + 1 : end;
            Long first = reserved.floorKey(low);
            int count = 0;
            for (Map.Entry<Long, Long> r : reserved.tailMap(first == null ? low : first, true).entrySet()) {
                if (r.getKey() >= high) {
                    break;
                }
                if (r.getValue() > low) {
                    count++;
                }
            }
            return count;
        }

        private void carve(List<Range> ranges, int index, long start, long size) {
            Range free = ranges.remove(index);
            long end = start + size;
            if (end < free.end()) {
                ranges.add(index, new Range(end, free.end()));
            }
            if (free.start() < start) {
                ranges.add(index, new Range(free.start(), start));
            }
            for (int t = 0; t < tdmrs.size(); t++) {
                Range tdmr = tdmrs.get(t);
                if (tdmr.end() > start && tdmr.start() < end) {
                    areas[t] += 1 - touching(Math.max(start, tdmr.start()), Math.min(end, tdmr.end()), tdmr);
                }
            }
            long joinedStart = start;
            long joinedEnd = end;
            Map.Entry<Long, Long> before = reserved.floorEntry(start);
            if (before != null && before.getValue() >= start) {
                joinedStart = before.getKey();
                joinedEnd = Math.max(joinedEnd, before.getValue());
                reserved.remove(before.getKey());
            }
            Map.Entry<Long, Long> after = reserved.ceilingEntry(start);
            while (after != null && after.getKey() <= joinedEnd) {
                joinedEnd = Math.max(joinedEnd, after.getValue());
                reserved.remove(after.getKey());
                after = reserved.ceilingEntry(start);
            }
            reserved.put(joinedStart, joinedEnd);
        }
    }

    /**
     * The places a stack of {@code bytes} can take in {@code node}'s free memory: each free range
     * long enough, at its bottom and top, and from its first GiB boundary and every boundary in
     * {@code boundaries} inside it.
     */
    List<Spot> spots(int node, long bytes, List<Long> boundaries) {
        List<Spot> spots = new ArrayList<>();
        for (Range free : free(node)) {
            if (free.size() < bytes) {
                continue;
            }
            spots.add(new Spot(free, free.start(), false));
            spots.add(new Spot(free, free.end(), true));
            long firstGib = Page.alignUp(free.start() + 1, Coverage.GIB);
            if (firstGib + bytes <= free.end()) {
                spots.add(new Spot(free, firstGib, false));
            }
            for (long boundary : boundaries) {
                if (boundary > firstGib && boundary + bytes <= free.end()) {
                    spots.add(new Spot(free, boundary, false));
                }
            }
        }
        return spots;
    }

    /** The first and the last GiB boundary in each node's free ranges, their ends included. */
    List<Long> gibsAtFreeRangeEdges() {
        List<Long> gibs = new ArrayList<>();
        for (int node : coverage.nodes()) {
            for (Range range : free(node)) {
                long first = Page.alignUp(range.start(), Coverage.GIB);
                long last = Page.alignDown(range.end(), Coverage.GIB);
                if (first <= last) {
                    gibs.add(first);
                    gibs.add(last);
                }
            }
        }
        return gibs;
    }

    private List<Range> free(int node) {
        return freeByNode.computeIfAbsent(node, freeRanges::apply);
    }

    /**
     * Where {@code take} finds room on {@code node}; when the node's other chunks have left none,
     * where it finds room on the other nodes, in ascending order, as alloc_contig_pages() falls
     * back to any node. -1 when no node has room.
     */
    private long elsewhereIfFull(int node, IntToLongFunction take) {
        long base = take.applyAsLong(node);
        for (int n = 0; base < 0 && n < coverage.nodes().size(); n++) {
            if (coverage.nodes().get(n) != node) {
                base = take.applyAsLong(coverage.nodes().get(n));
            }
        }
        return base;
    }

    /** What the chunks of {@code tdmrs} that go to {@code node} take together. */
    long groupBytes(List<Range> tdmrs, int node) {
        long bytes = 0;
        for (Range tdmr : tdmrs) {
            long size = limits.pamtChunkBytes(tdmr.size());
            if (home(coverage.node(tdmr.start()), size).equals(OptionalInt.of(node))) {
                bytes += size;
            }
        }
        return bytes;
    }

    /** The node a chunk goes to: {@code node}, else the first other node with a free range long enough. */
    private OptionalInt home(int node, long size) {
        if (longest(node) >= size) {
            return OptionalInt.of(node);
        }
        for (int other : coverage.nodes()) {
            if (longest(other) >= size) {
                return OptionalInt.of(other);
            }
        }
        return OptionalInt.empty();
    }

    private long longest(int node) {
        long longest = 0;
        for (Range range : free(node)) {
            longest = Math.max(longest, range.size());
        }
        return longest;
    }

    /** Room for {@code size} bytes where {@code policy} looks: next to a hole first, or not. */
    private long pick(List<Range> ranges, Map<Long, long[]> stacks, long size, Policy policy) {
        long base = policy == Policy.NEXT_TO_HOLES ? nextToHole(ranges, stacks, size) : -1;
        return base >= 0 ? base : fromBottom(ranges, stacks, size);
    }

    /** The lowest room for {@code size} bytes on top of what is stacked from a range's bottom. */
    private static long fromBottom(List<Range> ranges, Map<Long, long[]> stacks, long size) {
        for (Range range : ranges) {
            long[] stack = stack(stacks, range);
            if (stack[1] - stack[0] >= size) {
                stack[0] += size;
                return stack[0] - size;
            }
        }
        return -1;
    }

    /** Room for {@code size} bytes stacked against a hole that a free range touches. */
    private long nextToHole(List<Range> ranges, Map<Long, long[]> stacks, long size) {
        for (Range range : ranges) {
            long[] stack = stack(stacks, range);
            if (stack[1] - stack[0] < size) {
                continue;
            }
            if (coverage.holes().endsAt(range.start())) {
                stack[0] += size;
                return stack[0] - size;
            }
            if (coverage.holes().startsAt(range.end())) {
                stack[1] -= size;
                return stack[1];
            }
        }
        return -1;
    }

    /** What is stacked in {@code range}: the free room left between its bottom stack and its top stack. */
    private static long[] stack(Map<Long, long[]> stacks, Range range) {
        return stacks.computeIfAbsent(range.start(), s -> new long[] {range.start(), range.end()});
    }

    /** Pages of a chunk, as alloc_contig_range() takes them. */
    static long pages(long bytes) {
        return bytes >>> Page.SHIFT;
    }
}
