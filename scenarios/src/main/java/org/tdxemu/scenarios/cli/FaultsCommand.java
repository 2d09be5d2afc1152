package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.tdxemu.scenarios.campaign.CampaignResult;
import org.tdxemu.scenarios.campaign.FaultCampaign;
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
        + "errno and log, leaks, and the module's state after each run."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no violation", "1:one or more violations", "2:bad input"})
final class FaultsCommand implements Callable<Integer> {

    /** More runs at once than this only fight over memory; nobody has that many cores for one campaign. */
    static final int MAX_THREADS = 1024;

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

    @Mixin
    WhatIf whatIf;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new ScenarioException("--threads: " + threads + " is out of range: expected 1 to " + MAX_THREADS);
        }
        Scenario scenario = whatIf.applyTo(Inputs.scenario(file)).scenario();
        boolean terminal = System.console() != null && !json;
        AtomicInteger total = new AtomicInteger();
        CampaignResult result = new FaultCampaign(scenario, everyCall).run(
                threads == null ? Runtime.getRuntime().availableProcessors() : threads, total::set,
                done -> {
                    if (terminal) {
                        progress(err, done, total.get());
                    }
                });
        if (terminal) {
            err.println();
        }
        if (json) {
            out.println(CampaignReports.json(result).toString());
        } else {
            CampaignReports.text(result).forEach(out::println);
        }
        return result.violationCount() == 0 ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
    }

    private static synchronized void progress(PrintWriter err, int done, int total) {
        int width = 40;
        int filled = total == 0 ? width : done * width / total;
        err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " runs");
        err.flush();
    }
}
