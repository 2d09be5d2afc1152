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
import org.tdxemu.kernel.layout.LayoutSpec;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.TdmrPlanner;

/**
 * Does construct_tdmrs() grow linearly with the number of memory regions? 16 TiB on 8 nodes in
 * sparse regions, each its own TDMR, so TDMRs and blocks grow together: the case where a planner
 * that rescans every block for each TDMR is quadratic. The regions are of one size ({@code
 * sparse-high}) or of random sizes ({@code sparse-random}): PAMTs of every size leave gaps where the
 * allocator places them, the case where an allocator that scans its free extents is quadratic.
 *
 * <p>No module reports limits that large: the module's 64 TDMRs hold 60 such regions, and each
 * node's PAMTs all land in its lowest TDMR, so 1024 regions put 128 PAMTs in one TDMR. The limits
 * here are what each layout needs, the most TDMRs it uses plus {@link TdmrPlanner#TDMR_NR_WARN}
 * (so that no warning is printed) and the most reserved areas a page-sized TDMR_INFO holds (252),
 * with 16-byte PAMT entries.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@State(Scope.Thread)
public class PlannerScalingBenchmark {

    /** The most reserved areas whose TDMR_INFO still fits in a page: 64 + 16 × 252 = 4096 bytes. */
    static final int PAGE_OF_RESERVED_AREAS = 252;

    @Param({"64", "128", "256", "512", "1024"})
    public int regions;

    @Param({"sparse-high", "sparse-random"})
    public String holes = "sparse-high";

    private PlannedLayout planner;

    @Setup
    public void setUp() {
        LayoutSpec spec = LayoutSpec.parse("16T-8n-" + regions + "r-" + holes);
        ModuleLimits limits = ModuleLimits.uniform(regions + TdmrPlanner.TDMR_NR_WARN, PAGE_OF_RESERVED_AREAS, 16);
        planner = PlannedLayout.of(TdxKernel.plannerSetup(Layouts.generate(spec).host(), limits, KernelOptions.DEFAULT,
                List.of()), spec.name());
    }

    @Benchmark
    public PlanResult constructTdmrs() {
        return planner.constructAndFree();
    }
}
