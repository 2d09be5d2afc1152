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
import org.tdxemu.kernel.layout.HolePattern;
import org.tdxemu.kernel.layout.LayoutSpec;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.TdmrPlanner;

/**
 * Does the optimal planner grow linearly with the number of memory regions? The layouts and limits
 * of {@link PlannerScalingBenchmark}: 16 TiB on 8 nodes in 64 to 1024 sparse regions, each its own
 * run of memory, TDMRs used + 4 and 252 reserved areas per TDMR.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@State(Scope.Thread)
public class OptimalPlannerScalingBenchmark {

    @Param({"64", "128", "256", "512", "1024"})
    public int regions;

    private Replanned planner;

    @Setup
    public void setUp() {
        LayoutSpec spec = new LayoutSpec(16 * LayoutSpec.TIB, 8, regions, HolePattern.SPARSE_HIGH);
        ModuleLimits limits = ModuleLimits.uniform(regions + TdmrPlanner.TDMR_NR_WARN,
                PlannerScalingBenchmark.PAGE_OF_RESERVED_AREAS, 16);
        planner = Replanned.of(TdxKernel.plannerSetup(Layouts.generate(spec).host(), limits, KernelOptions.DEFAULT,
                List.of()), spec.name());
    }

    @Benchmark
    public PlanResult plan() {
        return planner.planAndFree();
    }
}
