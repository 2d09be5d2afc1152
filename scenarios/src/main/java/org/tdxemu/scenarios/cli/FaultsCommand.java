package org.tdxemu.scenarios.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.tdxemu.scenarios.campaign.CampaignProgress;
import org.tdxemu.scenarios.campaign.CampaignProgressBar;
import org.tdxemu.scenarios.campaign.CampaignResult;
import org.tdxemu.scenarios.campaign.FaultCampaign;
import org.tdxemu.scenarios.campaign.Shard;
import org.tdxemu.scenarios.campaign.ShardFile;
import org.tdxemu.scenarios.output.CampaignHtml;
import org.tdxemu.scenarios.output.CampaignReports;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "faults", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class, description = {"Fault campaign: runs the scenario cleanly, then once for every SEAMCALL "
        + "the kernel issued and every status its leaf can return, with that one call failed, and checks the kernel's "
        + "errno and log, leaks, and the module's state after each run.",
        "When standard error is a terminal, a progress bar there counts the campaign's work in SEAMCALLs and shows "
                + "the time left; standard output holds the table (or the JSON) alone.",
        "A campaign too large for one machine runs in shards: `--shard K/N` on each of N machines runs every N-th "
                + "run from the K-th and prints its results as JSON; `tdxemu faults-merge` makes the report of the "
                + "whole campaign from all N."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no violation (with --shard: the shard ran; faults-merge gives the verdict)",
                "1:one or more violations", "2:bad input"})
final class FaultsCommand implements Callable<Integer> {

    /** The system property the ./tdxemu launcher sets to true when standard error is a terminal ({@code [ -t 2 ]}). */
    private static final String STDERR_IS_TERMINAL = "tdxemu.stderrIsTerminal";

    /** The devices a terminal is: a pseudo-terminal, or a console or serial line. */
    private static final Pattern TERMINAL_DEVICE = Pattern.compile("/dev/(pts/\\d+|tty\\w*)");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SCENARIO", description = "a scenario file or bundled scenario name")
    String file;

    @Option(names = "--json", description = "print the matrix as JSON")
    boolean json;

    @Option(names = "--every-call", description = "fault every call of a repeated loop, not only its first and last")
    boolean everyCall;

    @Option(names = "--threads", paramLabel = "N", description = "runs at once (default: one per core)")
    Integer threads;

    @Option(names = "--html", paramLabel = "OUT.html", description = "also write the campaign as one self-contained "
            + "HTML page: a matrix of calls by statuses for each leaf, each cell coloured by outcome, details on hover")
    Path html;

    @Option(names = "--shard", paramLabel = "K/N", converter = ShardConverter.class,
            description = "run shard K of N (every N-th run, from the K-th) and print its results as JSON, for "
                    + "faults-merge")
    Shard shard;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the table, the JSON or the shard's "
            + "results here instead of standard output")
    Path output;

    @Mixin
    WhatIf whatIf;

    private final BooleanSupplier stderrIsTerminal;

    FaultsCommand() {
        this(FaultsCommand::stderrIsTerminal);
    }

    /** A command that draws its progress bar when {@code stderrIsTerminal} says so, for tests. */
    FaultsCommand(BooleanSupplier stderrIsTerminal) {
        this.stderrIsTerminal = stderrIsTerminal;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threadCount = Threads.count(threads);
        if (html != null) {
            if (shard != null) {
                throw new ScenarioException("--html: draws the whole campaign, not shard " + shard
                        + "; give it to faults-merge, which draws the merged shards");
            }
            OutputFiles.checkWritable(html, "--html");
        }
        Scenario scenario = whatIf.applyTo(Inputs.scenario(file)).scenario();
        FaultCampaign campaign = new FaultCampaign(scenario, everyCall);
        // Opened before the campaign runs, so that a file it cannot write is said at once; null: standard output.
        try (BufferedWriter file = output == null ? null : OutputFiles.writer(output, "--output")) {
            CampaignResult result;
            try (CampaignProgress progress = stderrIsTerminal.getAsBoolean()
                    ? new CampaignProgressBar(err) : CampaignProgress.SILENT) {
                result = campaign.run(threadCount, progress,
                        shard == null ? Shard.WHOLE : shard);
            }
            if (html != null) {
                OutputFiles.write(html, "--html", CampaignHtml.page(result));
            }
            List<String> lines = shard != null ? List.of(ShardFile.json(result, shard, campaign.fingerprint()).toString())
                    : json ? List.of(CampaignReports.json(result).toString()) : CampaignReports.text(result);
            for (String line : lines) {
                if (file == null) {
                    out.println(line);
                } else {
                    file.write(line);
                    file.newLine();
                }
            }
            return shard != null || result.violationCount() == 0 ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
        } catch (IOException e) {
            throw OutputFiles.cannotWrite("--output", output, e);
        }
    }

    /** {@code K/N}, or one line saying what is wrong with it. */
    static final class ShardConverter implements ITypeConverter<Shard> {
        @Override
        public Shard convert(String value) {
            try {
                return Shard.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * What the launcher says; without its word (java -jar run by hand), whether file descriptor 2
     * leads to a terminal device.
     */
    static boolean stderrIsTerminal() {
        String launcherSays = System.getProperty(STDERR_IS_TERMINAL);
        return launcherSays != null ? Boolean.parseBoolean(launcherSays) : leadsToTerminal(Path.of("/proc/self/fd/2"));
    }

    /** Whether {@code descriptor}, a link of /proc/PID/fd, links to a terminal device; false where there is no such link. */
    static boolean leadsToTerminal(Path descriptor) {
        try {
            return TERMINAL_DEVICE.matcher(Files.readSymbolicLink(descriptor).toString()).matches();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
