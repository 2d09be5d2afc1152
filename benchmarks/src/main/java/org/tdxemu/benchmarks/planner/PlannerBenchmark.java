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
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.PlannerSetup;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;

/**
 * How long does construct_tdmrs() take on the layouts the kernel's own planner was timed on: the
 * two-socket 2 TiB host (3 TDMRs) and the heavy layout (57 TDMRs)? Each operation plans from the
 * kernel's state just before construct_tdmrs() and then frees the plan's PAMTs, as the kernel's
 * error path does, so the next operation starts from the same allocator state; the free is part
 * of the time. {@code pamtAllocationsAlone} replays the same alloc_contig_pages() requests and
 * frees without the planner: the allocator's share of {@code constructTdmrs}, reset included.
 *
 * <p>{@code pamt} is {@code static} (Linux 6.18) or {@code dynamic}: the Dynamic PAMT series on a
 * module that offers it, whose 4K PAMTs are bitmaps (dynamic-pamt.md §3.3); its refcount array is
 * allocated in the setup, as the kernel allocates it before construct_tdmrs().
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@State(Scope.Thread)
public class PlannerBenchmark {

    @Param({"two-socket-2t", "heavy"})
    public String layout;

    @Param({"static", "dynamic"})
    public String pamt = "static";

    private PlannedLayout planner;

    @Setup
    public void setUp() {
        boolean dynamic = pamt.equals("dynamic");
        PlannerSetup setup = TdxKernel.plannerSetup(Layouts.named(layout).host(),
                dynamic ? ModuleLimits.DEFAULT.withPamtPageBitmap(1) : ModuleLimits.DEFAULT,
                KernelOptions.of(dynamic ? Profile.DPAMT : Profile.MAINLINE), List.of());
        planner = PlannedLayout.of(setup, layout);
    }

    @Benchmark
    public PlanResult constructTdmrs() {
        return planner.constructAndFree();
    }

    @Benchmark
    public long pamtAllocationsAlone() {
        return planner.allocateAndFreePamtsAlone();
    }
}
