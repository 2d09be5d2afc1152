package org.tdxemu.scenarios.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.tdxemu.scenarios.campaign.CampaignProgress;
import org.tdxemu.scenarios.campaign.CampaignProgressBar;
import org.tdxemu.scenarios.campaign.CampaignResult;
import org.tdxemu.scenarios.campaign.FaultCampaign;
import org.tdxemu.scenarios.output.CampaignHtml;
import org.tdxemu.scenarios.output.CampaignReports;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "faults", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class, description = {"Fault campaign: runs the scenario cleanly, then once for every SEAMCALL "
        + "the kernel issued and every status its leaf can return, with that one call failed, and checks the kernel's "
        + "errno and log, leaks, and the module's state after each run.",
        "When standard error is a terminal, a progress bar there counts the campaign's work in SEAMCALLs and shows "
                + "the time left; standard output holds the table (or the JSON) alone."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no violation", "1:one or more violations", "2:bad input"})
final class FaultsCommand implements Callable<Integer> {

    /** More runs at once than this only fight over memory; nobody has that many cores for one campaign. */
    static final int MAX_THREADS = 1024;

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
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new ScenarioException("--threads: " + threads + " is out of range: expected 1 to " + MAX_THREADS);
        }
        if (html != null) {
            OutputFiles.checkWritable(html, "--html");
        }
        Scenario scenario = whatIf.applyTo(Inputs.scenario(file)).scenario();
        CampaignResult result;
        try (CampaignProgress progress = stderrIsTerminal.getAsBoolean()
                ? new CampaignProgressBar(err) : CampaignProgress.SILENT) {
            result = new FaultCampaign(scenario, everyCall).run(
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads, progress);
        }
        if (html != null) {
            OutputFiles.write(html, "--html", CampaignHtml.page(result));
        }
        if (json) {
            out.println(CampaignReports.json(result).toString());
        } else {
            CampaignReports.text(result).forEach(out::println);
        }
        return result.violationCount() == 0 ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
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
