package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.scenarios.output.JsonReports;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Prints the TDMR plan the kernel would build, without running the module.",
                "With --planner optimal (or kernel.planner in the scenario), the plan tdxemu's optimal planner builds."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the planner can plan", "1:it cannot", "2:bad input"})
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a scenario file or bundled scenario name")
    String file;

    @Option(names = "--json", description = "print the plan as JSON")
    boolean json;

    @Option(names = "--svg", paramLabel = "OUT.svg", description = "also draw the plan: the address space with its "
            + "RAM by node, CMRs, holes, TDMRs, reserved areas and PAMTs")
    Path svg;

    @Mixin
    WhatIf whatIf;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (svg != null) {
            OutputFiles.checkWritable(svg, "--svg");
        }
        Scenario scenario = whatIf.applyTo(Inputs.scenario(file)).scenario();
        PlanResult plan = ScenarioRunner.plan(scenario);
        if (svg != null) {
            OutputFiles.write(svg, "--svg", MemoryPictureSvg.file(MemoryPicture.ofPlan(scenario, plan)));
        }
        if (json) {
            out.println(JsonReports.plan(scenario.kernel().planner(), plan).toString());
        } else {
            TextReports.plan(scenario.name(), scenario.kernel().planner(), plan).forEach(out::println);
        }
        return plan instanceof PlanResult.Planned ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
    }
}
