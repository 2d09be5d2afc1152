package org.tdxemu.scenarios.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.scenarios.trace.TraceReplayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Replays a trace on a fresh platform and reports "
        + "the first call whose status or listed outputs differ (with --keep-going, every such call and a count).",
        "A trace ends with {\"type\":\"end\",\"seamcalls\":N}; one without it was cut short and is bad input. A trace "
                + "compressed with gzip (.jsonl.gz) is read as it is."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every call matched", "1:a call differed",
                "2:bad input: a malformed or cut-short trace, or an option, named in one line on standard error"})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TRACE.jsonl", description = "a trace recorded by `run --trace`, or written by hand")
    String trace;

    @Option(names = "--module-version", paramLabel = "V", converter = WhatIf.VersionConverter.class,
            description = "replay against this module: 1.0 or 1.5 (default: the trace's)")
    ModuleVersion moduleVersion;

    @Option(names = "--dynamic-pamt", negatable = true,
            description = "replay against the module with Dynamic PAMT, or without it (--no-dynamic-pamt); 1.5 only "
                    + "(default: as the trace's)")
    Boolean dynamicPamt;

    @Option(names = "--keep-going", description = "issue every call and list each that differs, then count them")
    boolean keepGoing;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (moduleVersion != null) {
            // The options contradict each other whatever the trace says.
            WhatIf.play(ModuleSpec.DEFAULT, moduleVersion, dynamicPamt);
        }
        Path path = UserFile.path(trace);
        TraceReplayer.Result result;
        BufferedReader reader = UserFile.lines(path);
        try (reader) {
            result = TraceReplayer.replay(reader, module -> WhatIf.play(module, moduleVersion, dynamicPamt), keepGoing);
        } catch (ScenarioException e) {
            throw e.inFile(path.toString());
        } catch (IOException e) {
            throw new ScenarioException(path + ": " + UserFile.reason(e));
        }
        String calls = TextReports.count(result.calls(), "SEAMCALL");
        String against = "replayed against module " + result.module().label();
        if (result.matched()) {
            out.println(path + ": " + calls + " " + against + ", every status and listed output matched");
            return Tdxemu.OK;
        }
        result.divergences().forEach(d -> out.println(path + ": " + d.describe(result.module())));
        if (keepGoing) {
            out.println(path + ": " + result.divergences().size() + " of " + calls + " differed when " + against);
        }
        return Tdxemu.EXPECTATION_FAILED;
    }
}
