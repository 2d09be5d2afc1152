package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.ContigRangeAllocator;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/**
 * A TDMR planner that succeeds where the kernel's fails, and spends no more PAMT where both
 * succeed; not the kernel's (docs/scenarios.md, "Planners"). It covers exactly the memory the
 * kernel's planner covers, reserves exactly what that leaves unusable, and allocates its PAMTs
 * from the same page allocator, but it
 * <ul>
 *   <li>cuts the runs of memory into TDMRs where that costs the least PAMT and keeps every TDMR
 *       within the module's reserved areas, splitting a run at a GiB boundary, or spanning the gap
 *       between runs when there are more runs than TDMRs ({@link TdmrCuts});</li>
 *   <li>puts each node's PAMTs back to back, next to a hole where that saves an area
 *       ({@link PamtPlacement}), and allocates each chunk where it chose with alloc_contig_range();</li>
 *   <li>makes touching holes and PAMTs one reserved area.</li>
 * </ul>
 *
 * <p>Plans are weighed by {@link PlanCost}: TDMRs across a node boundary, then PAMT, then TDMRs.
 * It first cuts for the holes alone, a plan no placement of PAMTs can beat; when the PAMTs, placed
 * for those cuts, leave every TDMR within the limit, that plan is the cheapest. Otherwise it cuts
 * again around where the PAMTs went, a few rounds; tries the next cheapest cuts the same way; and
 * searches the spots each node's PAMTs can take ({@link PamtPlacement#spots}), within a bound on
 * the placements it tries. It keeps the cheapest plan any of that gave.
 *
 * <p>Its lines in the kernel log begin {@code optimal planner:} (docs/scenarios.md): one when it has
 * planned, one with the reason when it cannot.
 */
public final class OptimalPlanner {

    /** Cutting again around where the PAMTs went settles within a round or two; more never helped. */
    private static final int ROUNDS = 4;

    private final Coverage coverage;
    private final ModuleLimits limits;
    private final PlannerRules rules;
    private final ContigRangeAllocator allocator;
    private final KernelLog log;
    /** Where free memory for PAMTs begins and ends, in whole GiBs: cuts that let a TDMR hold PAMTs alone. */
    private List<Long> moreCuts = List.of();
    private int placementsLeft = PLACEMENTS;

    private OptimalPlanner(Coverage coverage, ModuleLimits limits, PlannerRules rules, ContigRangeAllocator allocator,
                           KernelLog log) {
        this.coverage = coverage;
        this.limits = limits;
        this.rules = rules;
        this.allocator = allocator;
        this.log = log;
    }

    /**
     * Plans TDMRs for {@code memlist}, with what {@link TdmrPlanner#construct} takes.
     *
     * @return the plan, whose PAMTs the caller now owns; or the error with nothing allocated, a
     *         reason, and the TDMRs it would have needed
     */
    public static PlanResult construct(TdxMemlist memlist, AddressRanges holeSource, ModuleLimits limits,
                                       PlannerRules rules, ContigRangeAllocator allocator, KernelLog log) {
        if (!limits.supportedByKernel()) {
            throw new IllegalArgumentException("limits the kernel cannot work with: " + limits);
        }
        return new OptimalPlanner(Coverage.of(memlist, holeSource), limits, rules, allocator, log).construct();
    }

    /** A plan before allocation: the TDMRs, where their PAMT chunks go, and what it costs. */
    private record Candidate(List<Range> tdmrs, PamtPlacement.Chunks chunks, PlanCost cost) {
    }

    /** A plan, or why the last try found none. */
    private record Outcome(Optional<Candidate> candidate, Optional<Failure> failure) {

        static Outcome of(Candidate candidate) {
            return new Outcome(Optional.of(candidate), Optional.empty());
        }

        static Outcome of(Failure failure) {
            return new Outcome(Optional.empty(), Optional.of(failure));
        }

        /** {@code other} when its plan costs no more than this one's, else this. */
        Outcome orCheaper(Outcome other) {
            if (candidate.isEmpty()) {
                return other.candidate.isPresent() ? other : this;
            }
            return other.candidate.isPresent() && other.candidate.get().cost().compareTo(candidate.get().cost()) <= 0
                    ? other : this;
        }
    }

    /** Why there is no plan: what the kernel returns, the TDMRs it would have needed, what ran short. */
    private record Failure(Errno errno, List<Tdmr> tdmrs, Optional<Shortfall> shortfall, String reason) {
    }

    private PlanResult construct() {
        if (coverage.runs().isEmpty()) {
            return reported(new Failure(Errno.ENOMEM, List.of(), Optional.empty(),
                    "the memory list is empty: there is nothing to cover"));
        }
        MergedRanges holes = coverage.holes();
        PamtPlacement placement = new PamtPlacement(coverage, limits, allocator::freeRanges);
        moreCuts = placement.gibsAtFreeRangeEdges();
        List<List<Range>> cheapest = TdmrCuts.alternatives(coverage, limits, holes, moreCuts, ANY_BASE, 1);
        if (cheapest.isEmpty()) {
            return tooFewAreas(holes);
        }
        Outcome best = tryInOrder(placement, cheapest);
        if (!isAtMost(best, cost(cheapest.get(0)))) {
            Set<List<Range>> alternatives = new LinkedHashSet<>();
            for (Comparator<PlanCost> order : List.of(Comparator.<PlanCost>naturalOrder(), PlanCost.PAMT_FIRST)) {
                alternatives.addAll(TdmrCuts.alternatives(coverage, limits, holes, moreCuts, ANY_BASE, ALTERNATIVES, order));
            }
            List<List<Range>> byCost = new ArrayList<>(alternatives);
            byCost.sort(Comparator.comparing(this::cost));
            best = best.orCheaper(tryInOrder(placement, byCost));
        }
        return best.candidate().isPresent() ? allocated(best.candidate().get()) : reported(best.failure().orElseThrow());
    }

    /**
     * The cuts, cheapest first, each placed by every policy and settled; then, if none of them gave
     * a plan as cheap as the cuts themselves, the spots searched for each in turn. Stops as soon as
     * nothing further can be cheaper than what it has.
     */
    private Outcome tryInOrder(PamtPlacement placement, List<List<Range>> cuts) {
        List<Function<List<Range>, PamtPlacement.Result>> ways = List.of(
                tdmrs -> placement.place(tdmrs, PamtPlacement.Policy.BOTTOM_OF_ZONES),
                tdmrs -> placement.place(tdmrs, PamtPlacement.Policy.NEXT_TO_HOLES),
                tdmrs -> placement.fit(tdmrs, Map.of()),
                placement::fitLongestFirst);
        Outcome best = null;
        for (List<Range> tdmrs : cuts) {
            PlanCost cost = cost(tdmrs);
            if (best != null && isAtMost(best, cost)) {
                return best;
            }
            for (Function<List<Range>, PamtPlacement.Result> way : ways) {
                Outcome outcome = settle(tdmrs, ANY_BASE, way);
                best = best == null ? outcome : best.orCheaper(outcome);
                if (isAtMost(best, cost)) {
                    return best;
                }
            }
        }
        for (List<Range> tdmrs : cuts) {
            if (isAtMost(best, cost(tdmrs)) || placementsLeft <= 0) {
                return best;
            }
            best = best.orCheaper(searchSpots(placement, tdmrs, cost(tdmrs)));
        }
        return best;
    }

    /** Whether {@code outcome} is a plan that costs no more than {@code cost}. */
    private static boolean isAtMost(Outcome outcome, PlanCost cost) {
        return outcome.candidate().isPresent() && outcome.candidate().get().cost().compareTo(cost) <= 0;
    }

    /** How many of the cheapest cuts are tried for their PAMTs when the cheapest cannot hold them. */
    private static final int ALTERNATIVES = 32;
    /**
     * How many placements one plan may try in all, each placed, checked and perhaps cut again: a
     * bound on the search where nothing cheap fits, which small hosts never reach and large ones
     * reach only when no plan fits.
     */
    private static final int PLACEMENTS = 4096;

    private static final LongPredicate ANY_BASE = base -> true;

    private PlanCost cost(List<Range> tdmrs) {
        return PlanCost.of(tdmrs, coverage, limits);
    }

    /**
     * Places the PAMTs for {@code tdmrs}; where they leave a TDMR over the limit, cuts again so
     * that the TDMRs hold the PAMTs where they went, and places again for the new cuts, a few rounds.
     */
    private Outcome settle(List<Range> first, LongPredicate allowedBase, Function<List<Range>, PamtPlacement.Result> place) {
        placementsLeft--;
        List<Range> tdmrs = first;
        for (int round = 0; ; round++) {
            PamtPlacement.Result placed = place.apply(tdmrs);
            if (placed.homeless().isPresent()) {
                int t = placed.homeless().getAsInt();
                long pages = PamtPlacement.pages(limits.pamtChunkBytes(tdmrs.get(t).size()));
                return Outcome.of(new Failure(Errno.ENOMEM, withoutPamt(tdmrs, coverage.holes()),
                        Optional.of(Shortfall.pamtPages(t, pages)), String.format(
                                "TDMR %s needs %d contiguous PAMT pages, and no node has a free range that long",
                                tdmrs.get(t), pages)));
            }
            MergedRanges reserved = coverage.holes().with(placed.chunks().ranges());
            int crowded = mostCrowded(tdmrs, reserved);
            Range tdmr = tdmrs.get(crowded);
            int needed = reserved.countWithin(tdmr.start(), tdmr.end());
            if (needed <= limits.maxReservedPerTdmr()) {
                return Outcome.of(new Candidate(tdmrs, placed.chunks(), PlanCost.of(tdmrs, coverage, limits)));
            }
            Optional<List<Range>> around = TdmrCuts.cheapest(coverage, limits, reserved, moreCuts, allowedBase);
            if (around.isEmpty() || round == ROUNDS - 1) {
                return Outcome.of(new Failure(rules.exhausted(), withoutPamt(tdmrs, reserved),
                        Optional.of(Shortfall.reservedAreas(crowded, needed, limits.maxReservedPerTdmr())), String.format(
                                "TDMR %s needs %d reserved areas with the PAMTs where they fit, the module takes %d",
                                tdmr, needed, limits.maxReservedPerTdmr())));
            }
            tdmrs = around.get();
        }
    }

    /**
     * What each node's PAMTs do in {@link #searchSpots}: go where {@link PamtPlacement#fit} puts
     * them ({@code spot} empty, {@code absent} false), stack at a spot, or not exist, no TDMR being
     * based where its PAMT would go to that node.
     */
    private record NodeChoice(Optional<PamtPlacement.Spot> spot, boolean absent) {

        static final NodeChoice FITTED = new NodeChoice(Optional.empty(), false);
        static final NodeChoice ABSENT = new NodeChoice(Optional.empty(), true);
    }

    /**
     * When no placement gave the cheapest plan: each node's PAMTs fitted, stacked at one of the
     * spots its free memory offers ({@link PamtPlacement#spots}), or gone, by no TDMR being based
     * on the node; every combination of those when they are few, else for one node after the
     * other, the others keeping the best found so far. Each is cut for with its PAMTs where they
     * go, then settled.
     */
    private Outcome searchSpots(PamtPlacement placement, List<Range> relaxed, PlanCost least) {
        List<Long> boundaries = relaxed.stream().map(Range::start).toList();
        List<Integer> nodes = coverage.nodes();
        List<List<NodeChoice>> options = new ArrayList<>();
        long combinations = 1;
        for (int node : nodes) {
            List<NodeChoice> choices = new ArrayList<>(List.of(NodeChoice.FITTED, NodeChoice.ABSENT));
            for (PamtPlacement.Spot spot : placement.spots(node, limits.pamtChunkBytes(Coverage.GIB), boundaries)) {
                choices.add(new NodeChoice(Optional.of(spot), false));
            }
            options.add(choices);
            combinations = Math.min(Long.MAX_VALUE / 1024, combinations * choices.size());
        }
        NodeChoice[] current = new NodeChoice[nodes.size()];
        Arrays.fill(current, NodeChoice.FITTED);
        Outcome best = tryChoices(placement, relaxed, nodes, current);
        if (combinations <= MAX_COMBINATIONS) {
            int[] index = new int[nodes.size()];
            for (long c = 0; c < combinations && !isAtMost(best, least) && placementsLeft > 0; c++) {
                for (int n = 0; n < nodes.size(); n++) {
                    current[n] = options.get(n).get(index[n]);
                }
                best = best.orCheaper(tryChoices(placement, relaxed, nodes, current));
                for (int n = 0; n < nodes.size() && ++index[n] == options.get(n).size(); n++) {
                    index[n] = 0;
                }
            }
            return best;
        }
        for (int n = 0; n < nodes.size() && !isAtMost(best, least) && placementsLeft > 0; n++) {
            NodeChoice kept = current[n];
            for (NodeChoice choice : options.get(n)) {
                current[n] = choice;
                Outcome outcome = tryChoices(placement, relaxed, nodes, current);
                if (best.orCheaper(outcome) == outcome && outcome.candidate().isPresent()) {
                    kept = choice;
                }
                best = best.orCheaper(outcome);
            }
            current[n] = kept;
        }
        return best;
    }

    /** Up to this many combinations of spots are each tried; beyond, one node's spots at a time. */
    private static final long MAX_COMBINATIONS = 4096;

    private Outcome tryChoices(PamtPlacement placement, List<Range> relaxed, List<Integer> nodes, NodeChoice[] choices) {
        Map<Integer, PamtPlacement.Spot> spots = new HashMap<>();
        List<Integer> absent = new ArrayList<>();
        List<Range> stacked = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            int node = nodes.get(n);
            if (choices[n].absent()) {
                absent.add(node);
            }
            if (choices[n].spot().isPresent()) {
                PamtPlacement.Spot spot = choices[n].spot().get();
                spots.put(node, spot);
                long bytes = Math.max(placement.groupBytes(relaxed, node), limits.pamtChunkBytes(Coverage.GIB));
                stacked.add(spot.downward() ? new Range(Math.max(spot.free().start(), spot.from() - bytes), spot.from())
                        : new Range(spot.from(), Math.min(spot.free().end(), spot.from() + bytes)));
            }
        }
        if (absent.size() == nodes.size()) {
            return Outcome.of(new Failure(rules.exhausted(), List.of(), Optional.empty(), "every node left out"));
        }
        LongPredicate allowedBase = base -> !absent.contains(coverage.node(base));
        Optional<List<Range>> first = TdmrCuts.cheapest(coverage, limits, coverage.holes().with(stacked), moreCuts,
                allowedBase);
        if (first.isEmpty()) {
            return Outcome.of(new Failure(rules.exhausted(), List.of(), Optional.empty(), "no cuts around the spots"));
        }
        return settle(first.get(), allowedBase, tdmrs -> placement.fit(tdmrs, spots));
    }

    /** The index of the TDMR with the most reserved areas, the first of them on a tie. */
    private static int mostCrowded(List<Range> tdmrs, MergedRanges reserved) {
        int crowded = 0;
        int most = -1;
        for (int t = 0; t < tdmrs.size(); t++) {
            int areas = reserved.countWithin(tdmrs.get(t).start(), tdmrs.get(t).end());
            if (areas > most) {
                most = areas;
                crowded = t;
            }
        }
        return crowded;
    }

    /**
     * Not even the holes fit: a GiB holds more of them than a TDMR takes, or the fewest TDMRs that
     * hold them are more than the module takes.
     */
    private PlanResult tooFewAreas(MergedRanges holes) {
        int maxAreas = limits.maxReservedPerTdmr();
        Optional<List<Range>> fewest = TdmrCuts.fewest(coverage, limits, holes);
        if (fewest.isEmpty()) {
            Range gib = crowdedGib(holes);
            int needed = holes.countWithin(gib.start(), gib.end());
            return reported(new Failure(rules.exhausted(), withoutPamt(List.of(gib), holes),
                    Optional.of(Shortfall.reservedAreas(0, needed, maxAreas)), String.format(
                            "the GiB %s alone holds %d holes, and the module takes %d reserved areas per TDMR",
                            gib, needed, maxAreas)));
        }
        int needed = fewest.get().size();
        int maxTdmrs = limits.maxTdmrs();
        return reported(new Failure(rules.exhausted(), withoutPamt(fewest.get(), holes),
                Optional.of(Shortfall.tdmrs(maxTdmrs, needed, maxTdmrs)), String.format(
                        "needs at least %d TDMRs, the module takes %d: the memory lies in %d runs 1 GiB or more apart,"
                                + " a TDMR that spans the gap between two must reserve it, and with %d reserved %s per"
                                + " TDMR for those gaps and the holes no fewer TDMRs cover it",
                        needed, maxTdmrs, coverage.runs().size(), maxAreas, maxAreas == 1 ? "area" : "areas")));
    }

    /** The first GiB of memory that holds more holes than a TDMR takes. */
    private Range crowdedGib(MergedRanges holes) {
        for (Range run : coverage.runs()) {
            for (long gib = run.start(); gib < run.end(); gib += Coverage.GIB) {
                if (holes.countWithin(gib, gib + Coverage.GIB) > limits.maxReservedPerTdmr()) {
                    return Range.ofSize(gib, Coverage.GIB);
                }
            }
        }
        throw new IllegalStateException("no TDMR fits, yet every GiB does");
    }

    /**
     * Allocates each chunk where it was placed. The page allocator was asked where memory is free
     * and nothing else allocates meanwhile, so only an injected failure can refuse one; then every
     * chunk already taken is freed again and it is -ENOMEM, as for the kernel's planner.
     */
    private PlanResult allocated(Candidate plan) {
        PamtPlacement.Chunks chunks = plan.chunks();
        List<Range> tdmrs = plan.tdmrs();
        for (int t = 0; t < tdmrs.size(); t++) {
            long pages = PamtPlacement.pages(chunks.sizes()[t]);
            if (!allocator.allocContigRange(chunks.bases()[t], pages)) {
                for (int freed = 0; freed < t; freed++) {
                    allocator.freeContigRange(chunks.bases()[freed], PamtPlacement.pages(chunks.sizes()[freed]));
                }
                return reported(new Failure(Errno.ENOMEM, withoutPamt(tdmrs, coverage.holes()),
                        Optional.of(Shortfall.pamtPages(t, pages)), String.format(
                                "TDMR %s: the page allocator would not give the %d pages at 0x%x for its PAMT",
                                tdmrs.get(t), pages, chunks.bases()[t])));
            }
        }
        MergedRanges reserved = coverage.holes().with(chunks.ranges());
        List<Tdmr> built = new ArrayList<>(tdmrs.size());
        for (int t = 0; t < tdmrs.size(); t++) {
            Range tdmr = tdmrs.get(t);
            built.add(new Tdmr(tdmr.start(), tdmr.size(), chunks.bases()[t], limits.pamtBytes(tdmr.size(), PageSize.SIZE_4K),
                    limits.pamtBytes(tdmr.size(), PageSize.SIZE_2M), limits.pamtBytes(tdmr.size(), PageSize.SIZE_1G),
                    areas(tdmr, reserved)));
        }
        log.printf("optimal planner: %d memory blocks in %d TDMRs", coverage.blockCount(), built.size());
        return new PlanResult.Planned(new TdmrPlan(built), log.lines());
    }

    /** What {@code reserved} holds inside {@code tdmr}, as TDMR_INFO takes it. */
    private static List<ReservedArea> areas(Range tdmr, MergedRanges reserved) {
        List<ReservedArea> areas = new ArrayList<>();
        for (Range part : reserved.clippedTo(tdmr.start(), tdmr.end())) {
            areas.add(new ReservedArea(part.start() - tdmr.start(), part.size()));
        }
        return areas;
    }

    /** TDMRs for a report of why there is no plan: their reserved areas, no PAMT. */
    private static List<Tdmr> withoutPamt(List<Range> tdmrs, MergedRanges reserved) {
        return tdmrs.stream().map(t -> new Tdmr(t.start(), t.size(), 0, 0, 0, 0, areas(t, reserved))).toList();
    }

    private PlanResult reported(Failure failure) {
        log.print("optimal planner: cannot plan: " + failure.reason());
        return new PlanResult.NotPlanned(failure.errno(), failure.tdmrs(), failure.shortfall(),
                Optional.of(failure.reason()), log.lines());
    }
}
