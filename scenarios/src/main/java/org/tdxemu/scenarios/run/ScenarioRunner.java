package org.tdxemu.scenarios.run;

import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.scenarios.fault.CountingSeamcall;
import org.tdxemu.scenarios.fault.FaultInjector;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.trace.TraceRecorder;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * Runs a scenario: builds its machine, puts the fault injector between the kernel and the module,
 * boots the kernel model as the profile's whole system would, and checks the expectations.
 *
 * <pre>
 *   kernel ─► count ─► faults ─► [trace] ─► emulated module
 *   kernel ─► [trace] ─► host memory ◄─ emulated module
 * </pre>
 *
 * The trace sits next to the module: it holds what the module was asked and answered, so a
 * replay on a fresh module reproduces it, injected faults included in their effect on the kernel.
 */
public final class ScenarioRunner {

    private ScenarioRunner() {
    }

    /** The TDMR plan the scenario's kernel builds for its host and module, without running the module. */
    public static PlanResult plan(Scenario scenario) {
        return TdxKernel.plan(Machine.hostConfig(scenario.platform()), scenario.module().kernelLimits(),
                scenario.kernel(), scenario.platform().cmrs());
    }

    public static RunReport run(Scenario scenario) {
        return run(scenario, Instruments.NONE);
    }

    public static RunReport run(Scenario scenario, Instruments instruments) {
        Optional<TraceRecorder> trace = instruments.trace();
        try (Emulation machine = instruments.machine().apply(scenario)) {
            Seamcall module = instruments.moduleSide().apply(machine.module());
            PhysicalMemory kernelMemory = instruments.kernelMemory().apply(machine.memory());
            if (trace.isPresent()) {
                module = trace.get().seamcall(module);
                kernelMemory = trace.get().memory(kernelMemory);
            }
            FaultInjector faults = new FaultInjector(module, scenario.faults());
            CountingSeamcall counted = new CountingSeamcall(faults);
            Host host = new Host(Machine.hostConfig(scenario.platform()), kernelMemory);
            TdxKernel kernel = TdxKernel.create(scenario.kernel(), host, counted);
            long freeBeforeBoot = host.allocator().freeBytes();
            InitResult result = kernel.boot();
            trace.ifPresent(TraceRecorder::flushWrite);
            List<String> failures = scenario.expect().map(e -> Expectations.failures(e, result)).orElse(List.of());
            if (!machine.internalErrors().isEmpty()) {
                throw new IllegalStateException("the emulated module failed inside a SEAMCALL",
                        machine.internalErrors().get(0));
            }
            return new RunReport(scenario.name(), result, counted.byLeaf(), counted.total(), faults.injected(),
                    result instanceof InitResult.Failed ? counted.unretriedFailure() : Optional.empty(),
                    machine.moduleStatus(), freeBeforeBoot - host.allocator().freeBytes(), host.vmxReferences(),
                    scenario.expect().isPresent(), failures, faults.neverFired());
        }
    }
}
