package org.tdxemu.scenarios.compare;

import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.run.Machine;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * One layout planned by both planners, the kernel's and the optimal one, for the same kernel and
 * module (the scenario's, without its faults or expectations), and the emulated module's verdict
 * on each plan: the kernel model boots against it until TDH.SYS.CONFIG has answered. KEY.CONFIG
 * and TDMR.INIT never look at the plan, and on a 64 TiB host TDMR.INIT alone takes seconds.
 */
public record Comparison(String name, Side kernel, Side optimal) {

    /** PAMT the optimal plan saves over the kernel's, when both plans were accepted. */
    public Optional<Long> savedKb() {
        return kernel.verdict().accepted() && optimal.verdict().accepted()
                ? Optional.of(kernel.pamtKb() - optimal.pamtKb()) : Optional.empty();
    }

    public List<Side> sides() {
        return List.of(kernel, optimal);
    }

    public static Comparison of(Scenario scenario) {
        return new Comparison(scenario.name(), side(scenario, PlannerKind.KERNEL), side(scenario, PlannerKind.OPTIMAL));
    }

    private static Side side(Scenario written, PlannerKind planner) {
        Scenario scenario = written.withKernel(written.kernel().withPlanner(planner)).withFaultsOnly(List.of());
        PlanResult plan = ScenarioRunner.plan(scenario);
        return new Side(planner, plan, plan instanceof PlanResult.Planned ? verdict(scenario) : new Verdict.NoPlan());
    }

    /** Boots the scenario's kernel against its module until TDH.SYS.CONFIG answers. */
    private static Verdict verdict(Scenario scenario) {
        try (Machine machine = new Machine(scenario.platform(), scenario.module().settings())) {
            UpToConfig module = new UpToConfig(machine.module());
            Host host = new Host(Machine.hostConfig(scenario.platform()), machine.memory());
            InitResult result;
            try {
                result = TdxKernel.create(scenario.kernel(), host, module).boot();
            } catch (ConfigAnswered answered) {
                return new Verdict.Answered(answered.status);
            }
            if (module.status.isPresent()) {
                return new Verdict.Answered(module.status.get());
            }
            if (result instanceof InitResult.Failed failed) {
                return new Verdict.NotAsked(failed.errno());
            }
            throw new IllegalStateException(scenario.name() + ": initialized without TDH.SYS.CONFIG");
        }
    }

    /** Ends the boot at the first SEAMCALL after TDH.SYS.CONFIG answered. */
    private static final class ConfigAnswered extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long status;

        ConfigAnswered(long status) {
            super("TDH.SYS.CONFIG answered", null, false, false);
            this.status = status;
        }
    }

    /** The module, every SEAMCALL passed through, until TDH.SYS.CONFIG has answered. */
    private static final class UpToConfig implements Seamcall {
        private final Seamcall module;
        private Optional<Long> status = Optional.empty();

        UpToConfig(Seamcall module) {
            this.module = module;
        }

        @Override
        public long call(int cpu, RegisterFile registers) {
            if (status.isPresent()) {
                throw new ConfigAnswered(status.get());
            }
            boolean config = registers.rax() == Leaf.TDH_SYS_CONFIG.rax();
            long answer = module.call(cpu, registers);
            if (config) {
                status = Optional.of(answer);
            }
            return answer;
        }
    }
}
