package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tdxemu.kernel.layout.LayoutSpec;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.layout.RandomLayouts;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.compare.Comparison;
import org.tdxemu.scenarios.compare.LayoutScenarios;
import org.tdxemu.scenarios.output.ComparisonReports;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "planners", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Compares the kernel's TDMR planner with tdxemu's optimal one, layout by layout.",
                "For each layout, what each planner makes of it (TDMRs, the most reserved areas in one, PAMT) and the "
                        + "emulated module's answer to TDH.SYS.CONFIG for its plan; then the totals.",
                "FILE is a scenario file or bundled scenario name, run without its faults and expectations; with no "
                        + "FILE and no --random, every bundled scenario. --random N adds N generated layouts, the same "
                        + "for the same --seed."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:wherever the module took the kernel's plan, it took an optimal plan of no more PAMT",
                "1:somewhere it did not", "2:bad input"})
final class PlannersCommand implements Callable<Integer> {

    /** More layouts than this are a run for the night, not a comparison. */
    static final int MAX_RANDOM = 1_000_000;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "scenario files or bundled scenario names")
    List<String> files = List.of();

    @Option(names = "--random", paramLabel = "N", description = "also compare on N generated layouts")
    Integer random;

    @Option(names = "--seed", paramLabel = "S", description = "the seed the generated layouts come from (default 1)")
    Long seed;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "layouts compared at once (default: one per core)")
    Integer threads;

    @Option(names = "--svg", paramLabel = "OUT.svg", description = "also draw the layout's two plans, the kernel's "
            + "above the optimal one, over one address axis (one FILE, or --random 1)")
    Path svg;

    @Override
    public Integer call() {
        if (random != null && (random < 1 || random > MAX_RANDOM)) {
            throw new ScenarioException("--random: " + random + " is out of range: expected 1 to " + MAX_RANDOM);
        }
        int threadCount = Threads.count(threads);
        if (seed != null && random == null) {
            throw new ScenarioException("--seed: only with --random N (see `tdxemu help planners`)");
        }
        if (svg != null) {
            if (files.size() + (random == null ? 0 : random) != 1) {
                throw new ScenarioException("--svg: draws the plans of one layout: give one FILE, or --random 1 "
                        + "without FILE");
            }
            OutputFiles.checkWritable(svg, "--svg");
        }
        List<Scenario> scenarios = new ArrayList<>();
        List<String> names = files.isEmpty() && random == null ? Library.names() : files;
        names.forEach(name -> scenarios.add(Inputs.scenario(name)));
        List<LayoutSpec> specs = random == null ? List.of() : RandomLayouts.draw(seed == null ? 1 : seed, random);
        int nameWidth = scenarios.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        nameWidth = Math.max(nameWidth, specs.stream().mapToInt(s -> s.name().length()).max().orElse(0));
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println(ComparisonReports.heading(nameWidth));
        }
        List<Comparison> comparisons = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        try {
            List<Future<Compared>> futures = new ArrayList<>();
            for (int i = 0; i < scenarios.size() + specs.size(); i++) {
                int layout = i;
                futures.add(pool.submit(() -> {
                    Scenario scenario = layout < scenarios.size() ? scenarios.get(layout)
                            : LayoutScenarios.of(Layouts.generate(specs.get(layout - scenarios.size())));
                    return new Compared(scenario, Comparison.of(scenario));
                }));
            }
            // In the layouts' order, each printed as soon as it and those before it are done.
            for (Future<Compared> future : futures) {
                Compared compared = future.get();
                comparisons.add(compared.comparison());
                if (svg != null) {
                    OutputFiles.write(svg, "--svg", picture(compared.scenario(), compared.comparison()));
                }
                if (!json) {
                    ComparisonReports.rows(compared.comparison(), nameWidth).forEach(out::println);
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the comparison was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a comparison failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (json) {
            out.println(ComparisonReports.json(comparisons).toString());
        } else {
            out.println(ComparisonReports.totals(comparisons));
        }
        return comparisons.stream().allMatch(PlannersCommand::optimalHolds) ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
    }

    /** One layout, compared. */
    private record Compared(Scenario scenario, Comparison comparison) {
    }

    /** The kernel's plan above the optimal one, as one SVG file. */
    private static String picture(Scenario scenario, Comparison comparison) {
        List<MemoryPicture> plans = comparison.sides().stream()
                .map(side -> MemoryPicture.ofPlan(scenario, side.plan(), scenario.name() + ", "
                        + (side.planner() == PlannerKind.KERNEL ? "the kernel's planner" : "the optimal planner"),
                        "cannot plan"))
                .toList();
        return MemoryPictureSvg.file(scenario.name() + ": the kernel's planner and the optimal planner", plans);
    }

    /** Where the module took the kernel's plan, it took the optimal one, of no more PAMT. */
    private static boolean optimalHolds(Comparison c) {
        return !c.kernel().verdict().accepted()
                || c.optimal().verdict().accepted() && c.optimal().pamtKb() <= c.kernel().pamtKb();
    }
}
