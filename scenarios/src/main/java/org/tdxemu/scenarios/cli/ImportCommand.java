package org.tdxemu.scenarios.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tdxemu.scenarios.dmesg.ImportedMachine;
import org.tdxemu.scenarios.format.ScenarioJson;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Turns a real machine's kernel log into a scenario.",
                "The scenario holds the CMRs, KeyIDs, memory, CPUs, module and kernel the log shows, and, as its "
                        + "expectation, what the machine's kernel printed about initializing TDX.",
                "LOG is `dmesg` output (`dmesg | grep -i tdx` is enough), a full boot log, or a journal; time stamps and "
                        + "syslog or journald prefixes are taken off. Standard error says which lines each value came "
                        + "from and what had to be assumed; the scenario records the same under \"imported\"."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the scenario was written (lines that could not be read are named on standard error)",
                "2:bad input: no CMR lines, lines that contradict each other, an unreadable file, named in one line"})
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "LOG", description = "the kernel log, or - for standard input")
    String log;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the scenario here instead of "
            + "standard output")
    Path output;

    @Override
    public Integer call() {
        ImportedMachine machine = Inputs.machine(log);
        String scenario = ScenarioJson.write(machine.scenarioJson());
        try {
            ScenarioReader.parse(scenario);
        } catch (ScenarioException e) {
            throw new IllegalStateException("the imported scenario does not read back: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == null) {
            out.print(scenario);
            out.flush();
        } else {
            try (BufferedWriter writer = OutputFiles.writer(output, "--output")) {
                writer.write(scenario);
            } catch (IOException e) {
                throw OutputFiles.cannotWrite("--output", output, e);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        machine.notes(true).forEach(err::println);
        return Tdxemu.OK;
    }
}
