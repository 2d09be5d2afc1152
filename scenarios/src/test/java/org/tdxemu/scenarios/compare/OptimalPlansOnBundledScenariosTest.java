package org.tdxemu.scenarios.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;

/**
 * Every bundled scenario, without its faults, run whole against the emulated module with each
 * planner. Where the kernel's planner cannot plan, the optimal planner's plan initializes the
 * module: TDH.SYS.CONFIG, every TDH.SYS.KEY.CONFIG and every TDH.SYS.TDMR.INIT succeed. Where the
 * kernel initializes, so does the optimal plan, for no more PAMT. Where the kernel fails for another
 * reason (a module that does not enumerate, a CPU offline, RAM outside the CMRs), the optimal plan
 * fails the same way, at the same SEAMCALL: the plan was not the reason.
 */
class OptimalPlansOnBundledScenariosTest {

    static Stream<String> bundled() {
        return Library.names().stream();
    }

    @ParameterizedTest
    @MethodSource("bundled")
    void theOptimalPlanInitializesWhereverThePlanIsWhatStoodInTheWay(String name) {
        Scenario clean = Library.load(name).withFaultsOnly(List.of());
        RunReport kernel = ScenarioRunner.run(clean.withKernel(clean.kernel().withPlanner(PlannerKind.KERNEL)));
        RunReport optimal = ScenarioRunner.run(clean.withKernel(clean.kernel().withPlanner(PlannerKind.OPTIMAL)));
        String context = name + "\nkernel: " + kernel.log() + "\noptimal: " + optimal.log();
        boolean kernelCouldNotPlan = kernel.plan().isEmpty() && kernel.failingCall().isEmpty()
                && kernel.errno().filter(e -> e == Errno.ENOSPC || e == Errno.E2BIG).isPresent();
        if (kernel.initialized() || kernelCouldNotPlan) {
            assertTrue(optimal.initialized(), context);
            assertTrue(optimal.plan().orElseThrow().pamtBytes() <= kernel.plan().map(p -> p.pamtBytes())
                    .orElse(Long.MAX_VALUE), context);
            assertTrue(optimal.module().tdmrs().stream().allMatch(t -> t.isComplete()), context);
        } else {
            assertEquals(kernel.errno(), optimal.errno(), context);
            assertEquals(kernel.failingCall().map(c -> c.leafNumber()), optimal.failingCall().map(c -> c.leafNumber()),
                    context);
        }
    }
}
