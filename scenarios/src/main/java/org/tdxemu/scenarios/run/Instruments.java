package org.tdxemu.scenarios.run;

import io.netty.buffer.PooledByteBufAllocator;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.trace.TraceRecorder;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * What a run is watched with and runs on: a trace recorder, the machine the scenario gets, a
 * wrapper around the module on its side of the fault injector (it sees what the module was really
 * asked and answered), and a wrapper around host memory as the kernel uses it.
 */
public record Instruments(Optional<TraceRecorder> trace, Function<Scenario, Emulation> machine,
                          UnaryOperator<Seamcall> moduleSide, UnaryOperator<PhysicalMemory> kernelMemory) {

    public static final Instruments NONE = new Instruments(Optional.empty(), Machine.of(PooledByteBufAllocator.DEFAULT),
            UnaryOperator.identity(), UnaryOperator.identity());

    public static Instruments traced(TraceRecorder recorder) {
        return new Instruments(Optional.of(recorder), NONE.machine, UnaryOperator.identity(), UnaryOperator.identity());
    }

    public Instruments on(Function<Scenario, Emulation> newMachine) {
        return new Instruments(trace, newMachine, moduleSide, kernelMemory);
    }

    public Instruments watchingModule(UnaryOperator<Seamcall> newModuleSide) {
        return new Instruments(trace, machine, newModuleSide, kernelMemory);
    }

    public Instruments watchingKernelMemory(UnaryOperator<PhysicalMemory> newKernelMemory) {
        return new Instruments(trace, machine, moduleSide, newKernelMemory);
    }
}
