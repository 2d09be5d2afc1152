package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.tdxemu.kernel.init.PlanResult;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.scenarios.output.JsonReports;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.run.Machine;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, description = {"Prints the TDMR plan the kernel would build, without running the module.",
        "Exit status: 0 when the kernel can plan, 1 when it cannot, 2 for bad input."})
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a scenario file or bundled scenario name")
    String file;

    @Option(names = "--json", description = "print the plan as JSON")
    boolean json;

    @Option(names = "--kernel-profile", paramLabel = "P", description = "plan as this kernel: mainline or v7")
    String profile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Scenario scenario;
        try {
            scenario = Inputs.withOverrides(Inputs.scenario(file), profile, null);
        } catch (ScenarioException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return Tdxemu.BAD_INPUT;
        }
        ModuleSpec module = scenario.module();
        ModuleLimits limits = ModuleLimits.uniform(module.maxTdmrs(), module.maxReservedPerTdmr(),
                module.pamtEntrySize());
        PlanResult plan = TdxKernel.plan(Machine.hostConfig(scenario.platform()), limits, scenario.kernel(),
                scenario.platform().cmrs());
        if (json) {
            out.println(JsonReports.plan(plan).toString());
        } else {
            plan.log().forEach(out::println);
            if (plan instanceof PlanResult.Planned planned) {
                TextReports.plan(planned.plan()).forEach(out::println);
            } else if (plan instanceof PlanResult.NotPlanned notPlanned) {
                out.println(scenario.name() + ": the kernel cannot plan: " + notPlanned.errno().name() + " ("
                        + notPlanned.errno().kernelReturn() + ")");
            }
        }
        return plan instanceof PlanResult.Planned ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
    }
}
