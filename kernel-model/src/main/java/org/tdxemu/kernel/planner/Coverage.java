package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.seamcall.memory.Range;

/**
 * The memory a plan must cover, exactly as the kernel's planner covers it (kernel-init.md §3.3 and
 * §3.6): the GiBs that hold TDX memory, in runs of back-to-back GiBs with a gap of at least one GiB
 * between runs, and inside them the memory the module may use, the hole source's ranges. Anything
 * else a TDMR holds (a hole inside a run, or a gap it spans) must be a reserved area.
 */
final class Coverage {

    static final long GIB = TdmrPlanner.TDMR_ALIGNMENT;

    private final TdxMemlist memlist;
    private final List<Range> runs;
    private final MergedRanges holes;
    private final List<Integer> nodes;
    private final long[] nodeBoundaries;

    private Coverage(TdxMemlist memlist, List<Range> runs, MergedRanges holes) {
        this.memlist = memlist;
        this.nodeBoundaries = nodeBoundaries(memlist);
        this.runs = runs;
        this.holes = holes;
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int b = 0; b < memlist.count(); b++) {
            distinct.add(memlist.node(b));
        }
        this.nodes = List.copyOf(distinct);
    }

    /** @param holeSource the memory list's own ranges, or the CMRs */
    static Coverage of(TdxMemlist memlist, AddressRanges holeSource) {
        List<Range> runs = new ArrayList<>();
        for (int b = 0; b < memlist.count(); b++) {
            long start = Page.alignDown(memlist.start(b), GIB);
            long end = Page.alignUp(memlist.end(b), GIB);
            int last = runs.size() - 1;
            if (last >= 0 && start <= runs.get(last).end()) {
                runs.set(last, new Range(runs.get(last).start(), Math.max(end, runs.get(last).end())));
            } else {
                runs.add(new Range(start, end));
            }
        }
        List<Range> holes = new ArrayList<>();
        if (!runs.isEmpty()) {
            long cursor = runs.get(0).start();
            int run = 0;
            for (int i = 0; i < holeSource.count(); i++) {
                while (run < runs.size() && runs.get(run).end() <= holeSource.start(i)) {
                    run++;
                }
                for (int r = run; r < runs.size() && runs.get(r).start() < holeSource.end(i); r++) {
                    long start = Math.max(holeSource.start(i), runs.get(r).start());
                    holes.add(new Range(cursor, Math.max(cursor, start)));
                    cursor = Math.max(cursor, Math.min(holeSource.end(i), runs.get(r).end()));
                }
            }
            holes.add(new Range(cursor, Math.max(cursor, runs.get(runs.size() - 1).end())));
        }
        return new Coverage(memlist, List.copyOf(runs), MergedRanges.of(holes));
    }

    /** The runs of GiBs that hold memory, ascending. */
    List<Range> runs() {
        return runs;
    }

    /**
     * What inside the runs' span the module must not use: the holes inside runs and the gaps
     * between them.
     */
    MergedRanges holes() {
        return holes;
    }

    /** The GiB boundaries where the kernel's planner starts or ends a TDMR (kernel-init.md §3.3). */
    List<Long> kernelBoundaries() {
        List<Long> boundaries = new ArrayList<>();
        long covered = 0;
        for (int b = 0; b < memlist.count(); b++) {
            long start = Page.alignDown(memlist.start(b), GIB);
            long end = Page.alignUp(memlist.end(b), GIB);
            if (b > 0 && end <= covered) {
                continue;
            }
            boundaries.add(b > 0 ? Math.max(start, covered) : start);
            boundaries.add(end);
            covered = end;
        }
        return boundaries;
    }

    /**
     * The GiB boundaries where memory of one node ends and memory of another goes on past: the
     * GiB boundary after a block, when the next block is another node's and reaches beyond it. The
     * kernel's planner ends a TDMR there; a TDMR that crosses one holds memory of two nodes with its
     * PAMT on one of them.
     */
    List<Long> nodeBoundaries() {
        List<Long> boundaries = new ArrayList<>();
        for (long boundary : nodeBoundaries) {
            boundaries.add(boundary);
        }
        return boundaries;
    }

    /** The node boundaries strictly inside {@code [start, end)}. */
    int crossings(long start, long end) {
        return MergedRanges.below(nodeBoundaries, end) - MergedRanges.below(nodeBoundaries, start + 1);
    }

    private static long[] nodeBoundaries(TdxMemlist memlist) {
        List<Long> boundaries = new ArrayList<>();
        for (int b = 1; b < memlist.count(); b++) {
            long end = Page.alignUp(memlist.end(b - 1), GIB);
            if (memlist.node(b) != memlist.node(b - 1) && end < memlist.end(b)) {
                boundaries.add(end);
            }
        }
        return boundaries.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * tdmr_get_nid() (kernel-init.md §3.5): the node of the first block that ends above the TDMR's
     * base, in whole pages; node 0 when there is none, which cannot happen for a TDMR that covers memory.
     */
    int node(long tdmrBase) {
        int low = 0;
        int high = memlist.count();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (memlist.end(mid) >>> Page.SHIFT <= tdmrBase >>> Page.SHIFT) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low < memlist.count() ? memlist.node(low) : 0;
    }

    /** The nodes that have memory, ascending. */
    List<Integer> nodes() {
        return nodes;
    }

    int blockCount() {
        return memlist.count();
    }
}
