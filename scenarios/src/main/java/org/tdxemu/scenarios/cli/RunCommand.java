package org.tdxemu.scenarios.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tdxemu.scenarios.dmesg.ImportedMachine;
import org.tdxemu.scenarios.dmesg.Reproduction;
import org.tdxemu.scenarios.format.ScenarioJson;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.output.JsonReports;
import org.tdxemu.scenarios.output.RunHtml;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
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

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class, description = {"Runs scenarios: prints each kernel log and a one-line summary.",
        "FILE may also name a bundled scenario (see `tdxemu scenarios`). With several files, each is run and reported "
                + "in turn, and a last line counts them.",
        "With --log LOG instead of files, imports a real machine's kernel log (see `tdxemu help import`), runs it, "
                + "and ends with whether the emulation printed what the machine did: `reproduced: ...`, or the lines "
                + "where the two differ.",
        "A what-if option that changes the scenario (--kernel-profile, --module-version, --holes, "
                + "--[no-]dynamic-pamt) leaves its expectations unchecked: they describe the scenario as written."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every scenario ran and its expectations held (or it had none)",
                "1:an expectation failed, a fault never fired, or the emulation did not reproduce the machine's log",
                "2:bad input: a file or an option, named in one line on standard error"})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "scenario files or bundled scenario names")
    List<String> files = List.of();

    @Option(names = "--log", paramLabel = "LOG", description = "import a real machine's kernel log (see `tdxemu help "
            + "import`; - for standard input), run it, and say whether the emulation printed what the machine did")
    String log;

    @Option(names = "--json", description = "print one JSON object per scenario instead of the log")
    boolean json;

    @Option(names = "--trace", paramLabel = "OUT.jsonl", description = "record the run as a trace (one scenario)")
    Path trace;

    @Option(names = "--no-expect", description = "do not check the scenarios' expectations")
    boolean noExpect;

    @Option(names = "--svg", paramLabel = "OUT.svg", description = "also draw the address space the run planned: RAM "
            + "by node, CMRs, holes, TDMRs, reserved areas and PAMTs (one scenario)")
    Path svg;

    @Option(names = "--html", paramLabel = "OUT.html", description = "also write one self-contained HTML report of the "
            + "run: outcome, picture, TDMRs, PAMT cost, SEAMCALLs, kernel log (one scenario)")
    Path html;

    @Mixin
    WhatIf whatIf;

    /**
     * How to run: the output form, a trace to record, a picture and a report to write, whether to
     * check expectations, and the what-if options.
     */
    record Options(boolean json, Optional<Path> trace, Optional<Path> svg, Optional<Path> html,
                   boolean checkExpectations, WhatIf whatIf) {
        /** What {@code ./tdxemu} with no arguments does. */
        static Options defaults() {
            return new Options(false, Optional.empty(), Optional.empty(), Optional.empty(), true, new WhatIf());
        }
    }

    @Override
    public Integer call() {
        Options options = new Options(json, Optional.ofNullable(trace), Optional.ofNullable(svg),
                Optional.ofNullable(html), !noExpect, whatIf);
        if (log != null && !files.isEmpty()) {
            throw new ScenarioException("tdxemu run: give scenario files or --log, not both (see `tdxemu help run`)");
        }
        if (log == null && files.isEmpty()) {
            throw new ScenarioException("tdxemu run: name a scenario file or a bundled scenario, or give --log LOG "
                    + "(see `tdxemu help run`)");
        }
        return log != null ? runLog(log, options, spec.commandLine().getOut(), spec.commandLine().getErr())
                : run(files, options, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Imports a real machine's log, runs it as its scenario, and compares what the emulated kernel
     * printed with what the machine's kernel printed. Exit status 1 when they differ.
     */
    static int runLog(String log, Options options, PrintWriter out, PrintWriter err) {
        if (options.trace().isPresent()) {
            throw new ScenarioException("--trace: records a scenario run; import the log first (`tdxemu import LOG -o "
                    + "FILE`) and run that file with --trace");
        }
        options.svg().ifPresent(file -> OutputFiles.checkWritable(file, "--svg"));
        options.html().ifPresent(file -> OutputFiles.checkWritable(file, "--html"));
        ImportedMachine machine = Inputs.machine(log);
        WhatIf.Applied applied = options.whatIf().applyTo(ScenarioReader.parse(ScenarioJson.write(machine.scenarioJson())));
        Scenario scenario = applied.scenario().withoutExpectations();
        RunReport report = ScenarioRunner.run(scenario);
        writePictureAndReport(options, scenario, report, Optional.of(MACHINE_INSTEAD));
        Reproduction reproduction = Reproduction.compare(machine.said(), report.log());
        if (options.json()) {
            ObjectNode json = JsonReports.run(report, Optional.of(MACHINE_INSTEAD));
            json.set("machine", JsonReports.machine(machine, reproduction));
            out.println(json.toString());
        } else {
            report.log().forEach(out::println);
            out.println(TextReports.outcome(report) + (applied.changes().isEmpty() ? ""
                    : " (with " + String.join(" and ", applied.changes()) + ")"));
            reproduction.lines(machine.logName()).forEach(out::println);
        }
        out.flush();
        machine.notes(false).forEach(err::println);
        return !reproduction.comparable() || reproduction.reproduced() ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
    }

    /** The picture and the report the options ask for, of one run. */
    private static void writePictureAndReport(Options options, Scenario scenario, RunReport report,
                                              Optional<String> notCheckedBecause) {
        if (options.svg().isPresent()) {
            OutputFiles.write(options.svg().get(), "--svg", MemoryPictureSvg.file(MemoryPicture.ofRun(scenario, report)));
        }
        if (options.html().isPresent()) {
            OutputFiles.write(options.html().get(), "--html", RunHtml.page(scenario, report, notCheckedBecause));
        }
    }

    /** Why {@code run --log --json} checks no expectations. */
    private static final String MACHINE_INSTEAD = "the machine's log is compared line by line instead";

    /**
     * Runs each scenario in turn and reports it; a bad file is reported and the others still run.
     * Exit status 2 when any input was bad, else 1 when any scenario failed, else 0.
     */
    static int run(List<String> files, Options options, PrintWriter out, PrintWriter err) {
        if (options.trace().isPresent() && files.size() > 1) {
            throw new ScenarioException("--trace: records one scenario; " + files.size() + " were given");
        }
        if (options.svg().isPresent() && files.size() > 1) {
            throw new ScenarioException("--svg: draws one scenario; " + files.size() + " were given");
        }
        if (options.html().isPresent() && files.size() > 1) {
            throw new ScenarioException("--html: reports one scenario; " + files.size() + " were given");
        }
        options.svg().ifPresent(file -> OutputFiles.checkWritable(file, "--svg"));
        options.html().ifPresent(file -> OutputFiles.checkWritable(file, "--html"));
        Tally tally = new Tally();
        for (String file : files) {
            try {
                tally.add(runOne(Inputs.scenario(file), options, out));
            } catch (ScenarioException e) {
                out.flush();
                err.println(Tdxemu.oneLine(e.getMessage()));
                err.flush();
                tally.badInput++;
            }
        }
        if (files.size() > 1) {
            (options.json() ? err : out).println(tally);
        }
        return tally.exitStatus();
    }

    /** Runs one scenario with the what-if options and reports it. */
    private static RunReport runOne(Scenario written, Options options, PrintWriter out) {
        WhatIf.Applied applied = options.whatIf().applyTo(written);
        Scenario scenario = applied.scenario();
        Optional<String> notCheckedBecause = Optional.empty();
        if (scenario.expect().isPresent() && !options.checkExpectations()) {
            notCheckedBecause = Optional.of("--no-expect");
        } else if (scenario.expect().isPresent() && !applied.changes().isEmpty()) {
            notCheckedBecause = Optional.of(String.join(" and ", applied.changes())
                    + (applied.changes().size() == 1 ? " changes" : " change") + " the scenario");
        }
        if (notCheckedBecause.isPresent()) {
            scenario = scenario.withoutExpectations();
        }
        RunReport report = options.trace().isPresent() ? traced(scenario, options.trace().get())
                : ScenarioRunner.run(scenario);
        writePictureAndReport(options, scenario, report, notCheckedBecause);
        if (options.json()) {
            out.println(JsonReports.run(report, notCheckedBecause).toString());
        } else {
            report.log().forEach(out::println);
            out.println(TextReports.summary(report, notCheckedBecause));
        }
        return report;
    }

    private static RunReport traced(Scenario scenario, Path trace) {
        try (BufferedWriter writer = OutputFiles.writer(trace, "--trace")) {
            TraceRecorder recorder = new TraceRecorder(writer, scenario.platformJson(), scenario.moduleJson());
            RunReport report = ScenarioRunner.run(scenario, Instruments.traced(recorder));
            recorder.end();
            return report;
        } catch (IOException e) {
            throw OutputFiles.cannotWrite("--trace", trace, e);
        } catch (UncheckedIOException e) {
            throw OutputFiles.cannotWrite("--trace", trace, e.getCause());
        }
    }

    /** How a multi-file run went, e.g. {@code 3 scenarios: 2 met, 1 failed}. */
    private static final class Tally {
        int met;
        int failed;
        int unchecked;
        int badInput;

        void add(RunReport report) {
            if (!report.passed()) {
                failed++;
            } else if (report.expectationsChecked()) {
                met++;
            } else {
                unchecked++;
            }
        }

        int exitStatus() {
            return badInput > 0 ? Tdxemu.BAD_INPUT : failed > 0 ? Tdxemu.EXPECTATION_FAILED : Tdxemu.OK;
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            addPart(parts, met, "met");
            addPart(parts, failed, "failed");
            addPart(parts, unchecked, "not checked");
            addPart(parts, badInput, "bad input");
            return TextReports.count(met + failed + unchecked + badInput, "scenario") + ": " + String.join(", ", parts);
        }

        private static void addPart(List<String> parts, int count, String what) {
            if (count > 0) {
                parts.add(count + " " + what);
            }
        }
    }
}
