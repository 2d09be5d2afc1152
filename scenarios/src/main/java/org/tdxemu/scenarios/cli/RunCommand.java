package org.tdxemu.scenarios.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tdxemu.scenarios.output.JsonReports;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.run.Instruments;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.scenarios.trace.TraceRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, description = {"Runs scenarios: prints each kernel log and a one-line summary.",
        "FILE may also name a bundled scenario (see `tdxemu scenarios`).",
        "Exit status: 0 when every expectation held, 1 when one failed, 2 for bad input."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "scenario files or bundled scenario names")
    List<String> files;

    @Option(names = "--json", description = "print one JSON object per scenario instead of the log")
    boolean json;

    @Option(names = "--trace", paramLabel = "OUT.jsonl", description = "record the run as a trace (one scenario)")
    Path trace;

    @Mixin
    Overrides overrides;

    @Override
    public Integer call() {
        return runAll(files, json, trace, overrides.profile, overrides.moduleVersion, spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    static int runAll(List<String> files, boolean json, Path trace, String profile, String moduleVersion,
                      PrintWriter out, PrintWriter err) {
        List<Scenario> scenarios = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String file : files) {
            try {
                scenarios.add(Inputs.withOverrides(Inputs.scenario(file), profile, moduleVersion));
            } catch (ScenarioException e) {
                problems.add(e.getMessage());
            }
        }
        if (trace != null && files.size() > 1) {
            problems.add("--trace: records one scenario; " + files.size() + " were given");
        }
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            return Tdxemu.BAD_INPUT;
        }
        int status = Tdxemu.OK;
        for (Scenario scenario : scenarios) {
            RunReport report;
            try {
                report = trace == null ? ScenarioRunner.run(scenario) : runTraced(scenario, trace);
            } catch (ScenarioException e) {
                err.println(e.getMessage());
                return Tdxemu.BAD_INPUT;
            }
            if (json) {
                out.println(JsonReports.run(report).toString());
            } else {
                report.log().forEach(out::println);
                out.println(TextReports.summary(report));
            }
            if (!report.expectationsMet()) {
                status = Tdxemu.EXPECTATION_FAILED;
            }
        }
        return status;
    }

    private static RunReport runTraced(Scenario scenario, Path trace) {
        try (BufferedWriter writer = Files.newBufferedWriter(trace)) {
            return ScenarioRunner.run(scenario, Instruments.traced(new TraceRecorder(writer, scenario.platformJson(),
                    scenario.moduleJson())));
        } catch (IOException e) {
            throw new ScenarioException("--trace: cannot write " + trace + ": " + e.getMessage());
        }
    }
}
