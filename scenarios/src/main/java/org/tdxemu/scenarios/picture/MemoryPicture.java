package org.tdxemu.scenarios.picture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Shortfall;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.memory.Range;

/**
 * What the picture of a host's physical address space shows: its RAM by NUMA node, the RAM in use
 * at boot, the CMRs, and the TDMRs the kernel built with their PAMTs and reserved areas; and, when
 * the kernel could not plan, what went wrong, drawn where it went wrong.
 *
 * @param title          the first line: the scenario and how it came out
 * @param trouble        why it failed, when it did: drawn in red under the title
 * @param tdmrs          the TDMRs, or the TDMR list as the kernel left it when it could not plan
 * @param pamtsFreed     the PAMTs shown were freed again (the kernel gave up planning)
 * @param filledIn       how many TDMRs, from TDMR 0, had their reserved areas filled in when the kernel
 *                       stopped (all of them, unless it could not plan)
 * @param troubledTdmr   the TDMR that ran out of reserved areas or of contiguous PAMT pages
 * @param unplacedAreas  the reserved areas that TDMR needed and had no room for
 * @param leftOut        RAM that no TDMR covers because the module takes no more TDMRs
 */
public record MemoryPicture(String title, Optional<String> trouble, List<MemoryRegion> ram, List<Range> inUse,
                            List<Range> cmrs, List<Tdmr> tdmrs, int reservedAreasPerTdmr, boolean pamtsFreed,
                            int filledIn, OptionalInt troubledTdmr, List<Range> unplacedAreas, Optional<Range> leftOut) {

    public MemoryPicture {
        ram = List.copyOf(ram);
        inUse = List.copyOf(inUse);
        cmrs = List.copyOf(cmrs);
        tdmrs = List.copyOf(tdmrs);
        unplacedAreas = List.copyOf(unplacedAreas);
    }

    /** What {@code plan} draws: the plan the kernel builds for the scenario's host, or how far it got. */
    public static MemoryPicture ofPlan(Scenario scenario, PlanResult plan) {
        return ofPlan(scenario, plan, scenario.name(), scenario.kernel().planner() == PlannerKind.OPTIMAL
                ? "the optimal planner cannot plan" : "the kernel cannot plan");
    }

    /**
     * {@link #ofPlan(Scenario, PlanResult)} titled {@code "<subject>: 3 TDMRs, …"}, or {@code
     * "<subject>: <cannotPlan>: ENOSPC (-28)"} when there is no plan.
     */
    public static MemoryPicture ofPlan(Scenario scenario, PlanResult plan, String subject, String cannotPlan) {
        if (plan instanceof PlanResult.Planned planned) {
            return drawn(scenario, subject + ": " + TextReports.count(plan.tdmrs().size(), "TDMR") + ", "
                    + planned.plan().pamtKb() + " KB of PAMT" + share(scenario.platform(), plan.tdmrs()), Optional.empty(),
                    plan.tdmrs());
        }
        PlanResult.NotPlanned notPlanned = (PlanResult.NotPlanned) plan;
        String title = subject + ": " + cannotPlan + ": " + notPlanned.errno().name() + " ("
                + notPlanned.errno().kernelReturn() + ")";
        String why = notPlanned.reason().orElse(notPlanned.log().isEmpty() ? "no TDMRs were built"
                : notPlanned.log().get(notPlanned.log().size() - 1));
        return notPlanned(scenario, title, why, notPlanned);
    }

    /**
     * What {@code run} draws: the plan the run built. A run whose kernel could not plan keeps no
     * TDMR list; when its log holds the planner's failure, the picture shows the list the planner
     * alone leaves for the same host, which is the list the run's kernel left.
     */
    public static MemoryPicture ofRun(Scenario scenario, RunReport report) {
        StringBuilder title = new StringBuilder(scenario.name()).append(": ");
        title.append(report.initialized() ? "initialized"
                : "failed with " + report.errno().map(e -> e.name() + " (" + e.kernelReturn() + ")").orElse("?"));
        Optional<String> why = report.initialized() ? Optional.empty() : Optional.of(why(report));
        if (report.plan().isPresent()) {
            List<Tdmr> tdmrs = report.plan().get().tdmrs();
            title.append(", ").append(report.plan().get().pamtKb()).append(" KB of PAMT in ")
                    .append(TextReports.count(tdmrs.size(), "TDMR")).append(share(scenario.platform(), tdmrs));
            return drawn(scenario, title.toString(), why, tdmrs);
        }
        if (!report.initialized() && ScenarioRunner.plan(scenario) instanceof PlanResult.NotPlanned notPlanned
                && report.errno().equals(Optional.of(notPlanned.errno())) && !notPlanned.tdmrs().isEmpty()
                && report.log().containsAll(notPlanned.log())) {
            return notPlanned(scenario, title.toString(), notPlanned.reason().orElse(why(report)), notPlanned);
        }
        return drawn(scenario, title.toString(), why, List.of());
    }

    /** A picture of {@code tdmrs} as the kernel completed them, nothing marked. */
    private static MemoryPicture drawn(Scenario scenario, String title, Optional<String> trouble, List<Tdmr> tdmrs) {
        PlatformSpec platform = scenario.platform();
        return new MemoryPicture(title, trouble, platform.memory(), platform.reserved(), platform.cmrs(), tdmrs,
                scenario.module().maxReservedPerTdmr(), false, tdmrs.size(), OptionalInt.empty(), List.of(),
                Optional.empty());
    }

    /** The RAM the picture spans: every memory region's bytes. */
    public long ramBytes() {
        return bytes(ram);
    }

    /** What the PAMTs of the TDMRs take. */
    public long pamtBytes() {
        return pamtBytes(tdmrs);
    }

    /** The PAMTs as a share of the RAM, {@code 0.39%}. */
    public String pamtShare() {
        return percent(pamtBytes(), ramBytes());
    }

    /** The TDMR whose PAMT chunk holds {@code range}, if any: whose PAMT a reserved area is. */
    public Optional<Integer> pamtOwner(Range range) {
        for (int i = 0; i < tdmrs.size(); i++) {
            Range chunk = tdmrs.get(i).pamtChunk();
            if (!chunk.isEmpty() && chunk.overlaps(range)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private static MemoryPicture notPlanned(Scenario scenario, String title, String why, PlanResult.NotPlanned plan) {
        PlatformSpec platform = scenario.platform();
        List<Tdmr> tdmrs = plan.tdmrs();
        OptionalInt troubled = OptionalInt.empty();
        List<Range> unplaced = List.of();
        Optional<Range> leftOut = Optional.empty();
        // construct_tdmrs() fills out every TDMR, then allocates every PAMT, then fills in the
        // reserved areas TDMR by TDMR (kernel-init.md §3.5, §3.6); a shortage stops it where it is.
        int filledIn = tdmrs.size();
        if (plan.shortfall().isPresent() && !tdmrs.isEmpty()) {
            Shortfall shortfall = plan.shortfall().get();
            filledIn = shortfall.what() == Shortfall.Resource.RESERVED_AREAS ? shortfall.tdmr() : 0;
            switch (shortfall.what()) {
                case RESERVED_AREAS -> {
                    troubled = OptionalInt.of(shortfall.tdmr());
                    List<Range> holesFrom = scenario.kernel().holes() == HoleSource.CMRS ? platform.cmrs()
                            : platform.memory().stream().map(MemoryRegion::range).toList();
                    unplaced = unplacedAreas(tdmrs, shortfall.tdmr(), holesFrom);
                }
                case PAMT_PAGES -> troubled = OptionalInt.of(shortfall.tdmr());
                case TDMRS -> {
                    long covered = tdmrs.get(tdmrs.size() - 1).end();
                    long ramEnd = platform.memory().get(platform.memory().size() - 1).end();
                    if (ramEnd > covered) {
                        leftOut = Optional.of(new Range(covered, ramEnd));
                    }
                }
            }
        }
        return new MemoryPicture(title, Optional.of(why), platform.memory(), platform.reserved(), platform.cmrs(), tdmrs,
                scenario.module().maxReservedPerTdmr(), true, filledIn, troubled, unplaced, leftOut);
    }

    /**
     * The reserved areas TDMR {@code index} needed beyond those it holds: the holes in it (its
     * bytes outside {@code holesFrom}) and the PAMTs inside it, less the areas already added.
     */
    static List<Range> unplacedAreas(List<Tdmr> tdmrs, int index, List<Range> holesFrom) {
        Tdmr tdmr = tdmrs.get(index);
        List<Range> needed = new ArrayList<>(subtract(tdmr.range(), holesFrom));
        for (Tdmr other : tdmrs) {
            Range chunk = other.pamtChunk();
            if (!chunk.isEmpty() && chunk.overlaps(tdmr.range())) {
                needed.add(new Range(Math.max(chunk.start(), tdmr.base()), Math.min(chunk.end(), tdmr.end())));
            }
        }
        List<Range> added = tdmr.reservedAreas().stream().map(area -> range(tdmr, area)).toList();
        List<Range> unplaced = new ArrayList<>();
        for (Range range : needed) {
            unplaced.addAll(subtract(range, added));
        }
        unplaced.sort(null);
        return unplaced;
    }

    /** The parts of {@code range} that none of {@code covered} covers, ascending. */
    static List<Range> subtract(Range range, List<Range> covered) {
        List<Range> sorted = covered.stream().filter(c -> c.overlaps(range))
                .sorted(Comparator.comparingLong(Range::start)).toList();
        List<Range> parts = new ArrayList<>();
        long at = range.start();
        for (Range c : sorted) {
            if (c.start() > at) {
                parts.add(new Range(at, c.start()));
            }
            at = Math.max(at, c.end());
        }
        if (at < range.end()) {
            parts.add(new Range(at, range.end()));
        }
        return parts;
    }

    /** {@code  (0.39% of 2 TiB of RAM)}: what the PAMTs cost. */
    private static String share(PlatformSpec platform, List<Tdmr> tdmrs) {
        long ram = bytes(platform.memory());
        return ram == 0 ? "" : " (" + percent(pamtBytes(tdmrs), ram) + " of " + Sizes.rounded(ram) + " of RAM)";
    }

    private static long bytes(List<MemoryRegion> regions) {
        return regions.stream().mapToLong(r -> r.end() - r.start()).sum();
    }

    private static long pamtBytes(List<Tdmr> tdmrs) {
        return tdmrs.stream().mapToLong(t -> t.pamtChunk().size()).sum();
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.2f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
    }

    private static String why(RunReport report) {
        if (report.failingCall().isPresent()) {
            return "the SEAMCALL that failed it: " + TextReports.failingCall(report.failingCall().get());
        }
        return report.log().isEmpty() ? "the kernel printed nothing" : report.log().get(report.log().size() - 1);
    }

    /** The reserved area {@code area} of {@code tdmr} as an address range. */
    static Range range(Tdmr tdmr, ReservedArea area) {
        return Range.ofSize(tdmr.base() + area.offset(), area.size());
    }
}
