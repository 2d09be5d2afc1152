package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.scenarios.output.JsonReports;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.run.Machine;
import org.tdxemu.scenarios.spec.ModuleSpec;
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

    @Mixin
    WhatIf whatIf;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Scenario scenario = whatIf.applyTo(Inputs.scenario(file)).scenario();
        ModuleSpec module = scenario.module();
        ModuleLimits limits = ModuleLimits.uniform(module.maxTdmrs(), module.maxReservedPerTdmr(),
                module.pamtEntrySize());
        PlanResult plan = TdxKernel.plan(Machine.hostConfig(scenario.platform()), limits, scenario.kernel(),
                scenario.platform().cmrs());
        if (json) {
            out.println(JsonReports.plan(scenario.kernel().planner(), plan).toString());
        } else {
            TextReports.plan(scenario.name(), scenario.kernel().planner(), plan).forEach(out::println);
        }
        return plan instanceof PlanResult.Planned ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
    }
}
