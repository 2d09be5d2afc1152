package org.tdxemu.scenarios.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;

/**
 * Every bundled scenario, without its faults, run whole against the emulated module with the
 * optimal planner. Where it initializes (TDH.SYS.CONFIG, every TDH.SYS.KEY.CONFIG and every
 * TDH.SYS.TDMR.INIT succeed, every TDMR initialized), its plan spends no more PAMT than the
 * kernel's. It may fail only where the kernel's planner plans and the kernel's run fails too (a
 * module that does not enumerate, a CPU offline, RAM outside the CMRs), and then the same way, at
 * the same SEAMCALL: the plan was not the reason. So wherever the kernel's planner could not plan,
 * the optimal plan initializes.
 */
class OptimalPlansOnBundledScenariosTest {

    static Stream<String> bundled() {
        return Library.names().stream();
    }

    @ParameterizedTest
    @MethodSource("bundled")
    void theOptimalPlanInitializesWhereverThePlanIsWhatStoodInTheWay(String name) {
        Scenario clean = Library.load(name).withFaultsOnly(List.of());
        Scenario kernelPlans = clean.withKernel(clean.kernel().withPlanner(PlannerKind.KERNEL));
        RunReport optimal = ScenarioRunner.run(clean.withKernel(clean.kernel().withPlanner(PlannerKind.OPTIMAL)));
        Comparison planned = Comparison.of(kernelPlans);
        if (optimal.initialized()) {
            assertTrue(optimal.module().tdmrs().stream().allMatch(t -> t.isComplete()), name);
            assertTrue(!planned.kernel().planned() || optimal.plan().orElseThrow().pamtKb() <= planned.kernel().pamtKb(),
                    name);
            return;
        }
        // Only a run the kernel's plan does not initialize either may fail, and then the same way.
        RunReport kernel = ScenarioRunner.run(kernelPlans);
        String context = name + "\nkernel: " + kernel.log() + "\noptimal: " + optimal.log();
        assertTrue(planned.kernel().planned() && !kernel.initialized(), context);
        assertEquals(kernel.errno(), optimal.errno(), context);
        assertEquals(kernel.failingCall().map(c -> c.leafNumber()), optimal.failingCall().map(c -> c.leafNumber()), context);
    }
}
