package org.tdxemu.benchmarks.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.tdxemu.kernel.host.ContigAllocator;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.init.PlannerSetup;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.planner.TdmrPlanner;

/**
 * A layout ready to plan again and again from the same state: each round runs construct_tdmrs()
 * and gives the PAMTs back to the allocator it took them from. Built only for layouts that plan
 * without a message, so that rounds leave nothing behind. It also replays the planner's PAMT
 * requests alone, the allocator's share of a round.
 */
final class PlannedLayout {

    private final PlannerSetup.Ready setup;
    /** The planner's alloc_contig_pages() requests, in order: pages and node of each. */
    private final long[] requestedPages;
    private final int[] requestedNodes;
    private final long[] granted;

    private PlannedLayout(PlannerSetup.Ready setup, List<long[]> requests) {
        this.setup = setup;
        this.requestedPages = requests.stream().mapToLong(r -> r[0]).toArray();
        this.requestedNodes = requests.stream().mapToInt(r -> (int) r[1]).toArray();
        this.granted = new long[requests.size()];
    }

    /** @throws IllegalStateException if {@code name} does not plan, or the kernel prints anything planning it */
    static PlannedLayout of(PlannerSetup setup, String name) {
        if (!(setup instanceof PlannerSetup.Ready ready)) {
            throw new IllegalStateException(name + " does not reach construct_tdmrs(): " + setup);
        }
        long free = ready.allocator().freeBytes();
        List<long[]> requests = new ArrayList<>();
        ContigAllocator recorder = new ContigAllocator() {
            @Override
            public OptionalLong allocContigPages(long pageCount, int node) {
                requests.add(new long[] {pageCount, node});
                return ready.allocator().allocContigPages(pageCount, node);
            }

            @Override
            public void freeContigRange(long pa, long pageCount) {
                ready.allocator().freeContigRange(pa, pageCount);
            }
        };
        PlanResult first = TdmrPlanner.construct(ready.memlist(), ready.holeSource(), ready.limits(), ready.rules(),
                recorder, ready.log());
        PlannedLayout planned = new PlannedLayout(ready, requests);
        planned.free(first);
        if (!(first instanceof PlanResult.Planned) || !ready.log().lines().isEmpty()
                || ready.allocator().freeBytes() != free) {
            throw new IllegalStateException(name + " does not plan cleanly: " + first + ", " + ready.log().lines());
        }
        return planned;
    }

    PlanResult constructAndFree() {
        return free(setup.plan());
    }

    private PlanResult free(PlanResult construction) {
        return freePamts(construction, setup.allocator());
    }

    /** Gives {@code plan}'s PAMT chunks back to {@code allocator}, as the kernel's error path does; returns {@code plan}. */
    static PlanResult freePamts(PlanResult plan, ContigAllocator allocator) {
        for (Tdmr tdmr : plan.tdmrPlan().map(TdmrPlan::tdmrs).orElse(List.of())) {
            allocator.freeContigRange(tdmr.pamtChunk().start(), tdmr.pamtChunk().size() >>> Page.SHIFT);
        }
        return plan;
    }

    /** The planner's PAMT allocations, in its order, then the frees that undo them; returns the last address. */
    long allocateAndFreePamtsAlone() {
        for (int i = 0; i < granted.length; i++) {
            granted[i] = setup.allocator().allocContigPages(requestedPages[i], requestedNodes[i]).getAsLong();
        }
        for (int i = 0; i < granted.length; i++) {
            setup.allocator().freeContigRange(granted[i], requestedPages[i]);
        }
        return granted[granted.length - 1];
    }
}
