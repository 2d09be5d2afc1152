package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.seamcall.memory.Range;

/**
 * Where the TDMRs of a plan begin and end: the cheapest way to cut the runs of {@link Coverage}
 * into TDMRs, each within the reserved-area limit, at most the module's number of them.
 *
 * <p>A TDMR costs the PAMT its size needs ({@link ModuleLimits#pamtChunkBytes}); it may cut a run
 * at a GiB boundary, or span the gap between runs, whose GiBs it then pays for and holds as a
 * reserved area. Cuts are weighed by {@link PlanCost}: node boundaries crossed, PAMT, TDMRs.
 *
 * <p>The cuts it tries are the GiB boundaries where the number of reserved areas on either side
 * can change (beside each reserved range), where the kernel's planner puts its TDMRs' ends, where
 * memory of one node gives way to another's, and those its caller adds (where free memory for
 * PAMTs begins and ends). Cutting anywhere else between two of those boundaries gives each side
 * the same areas; it can change the PAMT's rounding only for TDMRs over 256 GiB (with 16-byte
 * entries), by a page each.
 *
 * <p>It is a dynamic program over those boundaries, each TDMR ending at one of them; a TDMR
 * is tried from every boundary that leaves it within the area limit, so the work is the number
 * of boundaries times the few that a TDMR of at most that many areas can span.
 */
final class TdmrCuts {

    private final Coverage coverage;
    private final Comparator<PlanCost> order;
    private final ModuleLimits limits;
    private final MergedRanges reserved;
    private final long[] positions;
    /** The run each position lies in; a position at a run's end belongs to that run. */
    private final int[] runOf;
    /** For each run, the index of the position at its end. */
    private final int[] runEndIndex;
    /** For each run, the index of the position at its start. */
    private final int[] runStartIndex;

    private TdmrCuts(Coverage coverage, ModuleLimits limits, MergedRanges reserved, List<Long> moreCuts,
                     Comparator<PlanCost> order) {
        this.order = order;
        this.coverage = coverage;
        this.limits = limits;
        this.reserved = reserved;
        List<Range> runs = coverage.runs();
        List<Long> kernelBoundaries = coverage.kernelBoundaries();
        List<Long> nodeBoundaries = coverage.nodeBoundaries();
        long[] candidates = new long[2 * runs.size() + 4 * reserved.count() + kernelBoundaries.size() + moreCuts.size()
                + nodeBoundaries.size()];
        int added = 0;
        for (Range run : runs) {
            candidates[added++] = run.start();
            candidates[added++] = run.end();
        }
        for (int i = 0; i < reserved.count(); i++) {
            Range r = reserved.get(i);
            long before = Page.alignDown(r.start(), Coverage.GIB);
            long after = Page.alignUp(r.end(), Coverage.GIB);
            candidates[added++] = before;
            candidates[added++] = before + Coverage.GIB;
            candidates[added++] = after - Coverage.GIB;
            candidates[added++] = after;
        }
        for (List<Long> more : List.of(kernelBoundaries, moreCuts, nodeBoundaries)) {
            for (long boundary : more) {
                candidates[added++] = boundary;
            }
        }
        Arrays.sort(candidates);

        long[] inRuns = new long[candidates.length];
        int[] runIndices = new int[candidates.length];
        int count = 0;
        int run = 0;
        for (int c = 0; c < candidates.length; c++) {
            long p = candidates[c];
            if (c > 0 && p == candidates[c - 1]) {
                continue;
            }
            while (run < runs.size() && runs.get(run).end() < p) {
                run++;
            }
            if (run < runs.size() && runs.get(run).start() <= p) {
                inRuns[count] = p;
                runIndices[count] = run;
                count++;
            }
        }
        this.positions = Arrays.copyOf(inRuns, count);
        this.runOf = Arrays.copyOf(runIndices, count);
        this.runEndIndex = new int[runs.size()];
        this.runStartIndex = new int[runs.size()];
        for (int i = count - 1; i >= 0; i--) {
            if (positions[i] == runs.get(runOf[i]).end()) {
                runEndIndex[runOf[i]] = i;
            }
            if (positions[i] == runs.get(runOf[i]).start()) {
                runStartIndex[runOf[i]] = i;
            }
        }
    }

    /**
     * The cheapest cuts of the coverage into at most the module's TDMRs, none with more than its
     * reserved areas counted in {@code reserved}, and none based where {@code allowedBase} says no;
     * empty when there are none.
     *
     * @param reserved the coverage's holes, with the ranges the PAMTs will take where that is known
     * @param moreCuts GiB boundaries to try cutting at besides those where areas can change
     */
    static Optional<List<Range>> cheapest(Coverage coverage, ModuleLimits limits, MergedRanges reserved,
                                          List<Long> moreCuts, LongPredicate allowedBase) {
        return alternatives(coverage, limits, reserved, moreCuts, allowedBase, 1).stream().findFirst();
    }

    /**
     * The {@code most} cheapest cuts, {@link #cheapest}'s first: a planner that cannot place the
     * PAMTs for one may for the next.
     */
    static List<List<Range>> alternatives(Coverage coverage, ModuleLimits limits, MergedRanges reserved,
                                          List<Long> moreCuts, LongPredicate allowedBase, int most) {
        return alternatives(coverage, limits, reserved, moreCuts, allowedBase, most, Comparator.naturalOrder());
    }

    /**
     * The {@code most} cheapest cuts as {@code order} weighs them: the planner also looks at the
     * cheapest in PAMT alone, since its own order puts every cut that crosses no node boundary
     * before any that does, and those may all leave no room for the PAMTs.
     */
    static List<List<Range>> alternatives(Coverage coverage, ModuleLimits limits, MergedRanges reserved,
                                          List<Long> moreCuts, LongPredicate allowedBase, int most,
                                          Comparator<PlanCost> order) {
        if (coverage.runs().isEmpty()) {
            return List.of();
        }
        TdmrCuts cuts = new TdmrCuts(coverage, limits, reserved, moreCuts, order);
        List<List<Range>> unbounded = cuts.solve(Integer.MAX_VALUE, allowedBase, most);
        if (unbounded.stream().allMatch(c -> c.size() <= limits.maxTdmrs())) {
            return unbounded;
        }
        return cuts.solve(limits.maxTdmrs(), allowedBase, most);
    }

    /**
     * The fewest TDMRs that cover the coverage within the area limit, counting {@code reserved};
     * empty when a single GiB already holds too many areas. Taking each TDMR as far as it goes is
     * the fewest, because a TDMR inside one that fits fits too.
     */
    static Optional<List<Range>> fewest(Coverage coverage, ModuleLimits limits, MergedRanges reserved) {
        TdmrCuts cuts = new TdmrCuts(coverage, limits, reserved, List.of(), Comparator.naturalOrder());
        List<Range> tdmrs = new ArrayList<>();
        int maxAreas = limits.maxReservedPerTdmr();
        int i = 0;
        while (i < cuts.positions.length - 1) {
            long start = cuts.positions[i];
            int furthest = -1;
            for (int j = i + 1; j < cuts.positions.length && reserved.countWithin(start, cuts.positions[j]) <= maxAreas;
                 j++) {
                if (!cuts.isRunStart(j)) {
                    furthest = j;
                }
            }
            if (furthest < 0) {
                return Optional.empty();
            }
            tdmrs.add(new Range(start, cuts.positions[furthest]));
            i = cuts.isRunEnd(furthest) ? furthest + 1 : furthest;
        }
        return Optional.of(tdmrs);
    }

    private boolean isRunStart(int i) {
        return positions[i] == coverage.runs().get(runOf[i]).start();
    }

    private boolean isRunEnd(int i) {
        return i == runEndIndex[runOf[i]];
    }

    /**
     * The dynamic program, keeping the {@code most} cheapest ways into each state. best[k][j] lists
     * the cheapest ways to cover everything below position j with k TDMRs, the last ending at j (k
     * ignored, one layer, when the count is not bounded), cheapest first: each its cost, the start
     * of its last TDMR, and which way into that start it continues. Returns up to {@code most}
     * cuts, cheapest first.
     */
    private List<List<Range>> solve(int maxTdmrs, LongPredicate allowedBase, int most) {
        int n = positions.length;
        boolean bounded = maxTdmrs != Integer.MAX_VALUE;
        int layers = bounded ? Math.min(maxTdmrs, n) + 1 : 1;
        Way[][][] best = new Way[layers][n][];
        int maxAreas = limits.maxReservedPerTdmr();
        for (int j = 0; j < n; j++) {
            if (isRunStart(j)) {
                continue;
            }
            long end = positions[j];
            // Spanning a gap only costs more: with no bound on TDMRs, the cheapest cuts never do.
            int first = bounded || most > 1 ? 0 : runStartIndex[runOf[j]];
            for (int i = j - 1; i >= first; i--) {
                long start = positions[i];
                if (reserved.countWithin(start, end) > maxAreas) {
                    break;
                }
                if (isRunEnd(i) || !allowedBase.test(start)) {
                    continue;
                }
                long pamt = limits.pamtChunkBytes(end - start);
                int crossings = coverage.crossings(start, end);
                for (int k = bounded ? 1 : 0; k < layers; k++) {
                    Way[] before = before(best, i, bounded ? k - 1 : 0);
                    for (int r = 0; before != null && r < before.length; r++) {
                        best[k][j] = kept(best[k][j], new Way(before[r].cost().plus(crossings, pamt), i, r), most);
                    }
                }
            }
        }
        int last = n - 1;
        Way[] finals = null;
        int[] finalLayers = new int[0];
        for (int k = 0; k < layers; k++) {
            for (int r = 0; best[k][last] != null && r < best[k][last].length; r++) {
                Way way = best[k][last][r];
                finals = kept(finals, new Way(way.cost(), k, r), most);
            }
        }
        List<List<Range>> cuts = new ArrayList<>();
        for (int f = 0; finals != null && f < finals.length; f++) {
            int k = finals[f].start();
            Way way = best[k][last][finals[f].continues()];
            int j = last;
            List<Range> tdmrs = new ArrayList<>();
            while (true) {
                int i = way.start();
                tdmrs.add(new Range(positions[i], positions[j]));
                if (isRunStart(i) && runOf[i] == 0) {
                    break;
                }
                j = isRunStart(i) ? runEndIndex[runOf[i] - 1] : i;
                k = bounded ? k - 1 : 0;
                way = best[k][j][way.continues()];
            }
            Collections.reverse(tdmrs);
            cuts.add(tdmrs);
        }
        return cuts;
    }

    /** One way into a state: its cost, where its last TDMR starts, and which way into that start it continues. */
    private record Way(PlanCost cost, int start, int continues) {
    }

    /** {@code ways} with {@code way} among them if it is one of the {@code most} cheapest, cheapest first. */
    private Way[] kept(Way[] ways, Way way, int most) {
        if (ways == null) {
            return new Way[] {way};
        }
        int at = ways.length;
        while (at > 0 && order.compare(way.cost(), ways[at - 1].cost()) < 0) {
            at--;
        }
        if (at >= most) {
            return ways;
        }
        Way[] more = new Way[Math.min(ways.length + 1, most)];
        System.arraycopy(ways, 0, more, 0, at);
        more[at] = way;
        System.arraycopy(ways, at, more, at + 1, more.length - at - 1);
        return more;
    }

    /** The ways to cover everything below position {@code i} when a TDMR starts there; null when nothing can. */
    private Way[] before(Way[][][] best, int i, int layer) {
        if (isRunStart(i)) {
            int run = runOf[i];
            if (run == 0) {
                return layer == 0 ? NOTHING : null;
            }
            return layer < 0 ? null : best[layer][runEndIndex[run - 1]];
        }
        return layer < 0 ? null : best[layer][i];
    }

    /** Before the first TDMR: nothing covered, for nothing. */
    private static final Way[] NOTHING = {new Way(PlanCost.NOTHING, -1, -1)};

}
