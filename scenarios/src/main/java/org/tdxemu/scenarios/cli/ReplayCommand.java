package org.tdxemu.scenarios.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.scenarios.trace.TraceReplayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true, description = {"Replays a trace on a fresh platform and reports the first call whose "
        + "status or listed outputs differ.", "Exit status: 0 when every call matched, 1 when one differed, 2 for bad input."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TRACE.jsonl", description = "a trace recorded by `run --trace`, or written by hand")
    Path trace;

    @Option(names = "--module-version", paramLabel = "V", description = "replay against this module: 1.0 or 1.5")
    String moduleVersion;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (BufferedReader reader = Files.newBufferedReader(trace)) {
            Optional<ModuleVersion> version = Optional.ofNullable(moduleVersion).map(Inputs::version);
            TraceReplayer.Result result = TraceReplayer.replay(reader, version);
            if (result.matched()) {
                out.println(trace + ": " + result.calls() + " SEAMCALLs replayed, every status and listed output matched");
                return Tdxemu.OK;
            }
            out.println(trace + ": " + result.mismatch().orElseThrow());
            return Tdxemu.EXPECTATION_FAILED;
        } catch (NoSuchFileException e) {
            err.println(trace + ": no such file");
        } catch (IOException e) {
            err.println(trace + ": cannot be read: " + e.getMessage());
        } catch (ScenarioException e) {
            err.println(trace + ": " + e.getMessage());
        }
        return Tdxemu.BAD_INPUT;
    }
}
