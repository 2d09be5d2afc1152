package org.tdxemu.benchmarks.planner;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;

/**
 * How much longer than the kernel's planner ({@link PlannerBenchmark}) does the optimal planner
 * take on the same two layouts? The same operation: plan from the kernel's state just before
 * construct_tdmrs(), then free the PAMTs, the free inside the time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@State(Scope.Thread)
public class OptimalPlannerBenchmark {

    @Param({"two-socket-2t", "heavy"})
    public String layout;

    private Replanned planner;

    @Setup
    public void setUp() {
        planner = Replanned.of(TdxKernel.plannerSetup(Layouts.named(layout).host(), ModuleLimits.DEFAULT,
                KernelOptions.DEFAULT, List.of()), layout);
    }

    @Benchmark
    public PlanResult plan() {
        return planner.planAndFree();
    }
}
