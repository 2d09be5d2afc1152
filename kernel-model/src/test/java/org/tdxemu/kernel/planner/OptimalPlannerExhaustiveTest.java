package org.tdxemu.kernel.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.Allocation;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.PlannerSetup;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.seamcall.memory.Range;

/**
 * On small hosts (up to 8 memory blocks in 8 GiB, on one or two nodes, a module of at most 3
 * TDMRs and 4 reserved areas each) the optimal planner spends exactly the PAMT of the cheapest plan
 * that fits, found by {@link ExhaustivePlans} trying every plan (with as few TDMRs across node
 * boundaries as any plan that fits), and it fails only when no plan fits. {@code -Dfuzz.tries=N}
 * sets the number of hosts (default 300).
 */
class OptimalPlannerExhaustiveTest {

    private static final int TRIES = Integer.getInteger("fuzz.tries", 300);
    private static final long MIB = Hosts.MIB;
    private static final long GIB = Hosts.GIB;

    /** A block: the gap before it and its size in units of 4 MiB, its node, and pages in use at its start. */
    private record BlockSpec(int gapUnits, int sizeUnits, int node, int pagesInUse) {
    }

    /** A small host, where its memory starts, its module's limits, and where holes come from. */
    private record Small(List<BlockSpec> blocks, boolean high, int maxTdmrs, int maxAreas, boolean holesFromCmr) {
    }

    private static Gen<BlockSpec> blocks() {
        Gen<Integer> gaps = integers().between(0, 0).mix(integers().between(1, 512));
        return gaps.zip(integers().between(1, 256).mix(integers().between(1, 8)), integers().between(0, 1),
                integers().between(0, 64), BlockSpec::new);
    }

    private static Gen<Small> hosts() {
        return lists().of(blocks()).ofSizeBetween(1, 8).zip(booleans().all(), integers().between(1, 3),
                integers().between(1, 4), booleans().all(), Small::new);
    }

    private final TreeMap<String, Integer> outcomes = new TreeMap<>();

    @Test
    void theOptimalPlannersPamtIsTheLeastAnyPlanThatFitsSpends() {
        qt().withExamples(TRIES).withShrinkCycles(500).forAll(hosts()).checkAssert(this::check);
        System.out.printf("The optimal planner against every plan: %d small hosts %s%n", TRIES, outcomes);
    }

    private void check(Small small) {
        List<MemoryRegion> regions = new ArrayList<>();
        List<Range> inUse = new ArrayList<>();
        long cursor = small.high() ? 4 * GIB : MIB;
        long limit = cursor + 8 * GIB;
        for (BlockSpec b : small.blocks()) {
            long start = cursor + b.gapUnits() * 4 * MIB;
            long end = Math.min(start + b.sizeUnits() * 4 * MIB, limit);
            if (start >= end) {
                break;
            }
            regions.add(new MemoryRegion(start, end, b.node()));
            if (b.pagesInUse() > 0 && b.pagesInUse() * 4096L < end - start) {
                inUse.add(Range.ofSize(start, b.pagesInUse() * 4096L));
            }
            cursor = end;
        }
        HostConfig host = HostConfig.of(regions, HostConfig.cpus(1, 1, Set.of()), Hosts.KEY_IDS).withReserved(inUse);
        List<Range> cmrs = List.of(new Range(regions.get(0).start(), regions.get(regions.size() - 1).end()));
        ModuleLimits limits = ModuleLimits.uniform(small.maxTdmrs(), small.maxAreas(), 16);
        KernelOptions options = new KernelOptions(Profile.MAINLINE, small.holesFromCmr() ? HoleSource.CMRS
                : HoleSource.MEMBLOCK, PlannerKind.OPTIMAL);
        PlannerSetup.Ready ready = (PlannerSetup.Ready) TdxKernel.plannerSetup(host, limits, options, cmrs);
        List<Range> live = ready.allocator().allocations().stream().map(Allocation::range).toList();
        List<Range> holeSource = small.holesFromCmr() ? cmrs : memblock(host);
        ExhaustivePlans every = new ExhaustivePlans(host, holeSource, small.maxTdmrs(), small.maxAreas(), live);
        Optional<ExhaustivePlans.Weight> cheapest = every.lightest();
        PlanResult planned = ready.plan();
        Optional<ExhaustivePlans.Weight> optimal = planned.tdmrPlan()
                .map(p -> every.weigh(p.tdmrs().stream().map(Tdmr::range).toList()));
        assertEquals(cheapest, optimal, () -> host.memblock() + " in use " + inUse + ", " + limits + ", holes from "
                + (small.holesFromCmr() ? "the CMRs " : "memblock ") + planned.log() + " " + planned.tdmrs());
        outcomes.merge(cheapest.isPresent() ? "planned" : "no plan fits", 1, Integer::sum);
    }

    private static List<Range> memblock(HostConfig host) {
        return host.memblock().stream().map(MemoryRegion::range).toList();
    }
}
