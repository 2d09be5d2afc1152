package org.tdxemu.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.tdxemu.benchmarks.config.SysConfigBenchmark;
import org.tdxemu.benchmarks.init.WholeInitBenchmark;
import org.tdxemu.benchmarks.memory.FillBenchmark;
import org.tdxemu.benchmarks.memory.RandomAccessBenchmark;
import org.tdxemu.benchmarks.planner.OptimalPlannerBenchmark;
import org.tdxemu.benchmarks.planner.OptimalPlannerScalingBenchmark;
import org.tdxemu.benchmarks.planner.PlannerBenchmark;
import org.tdxemu.benchmarks.planner.PlannerScalingBenchmark;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Every benchmark's state sets up and one operation does what the benchmark claims to time, so a
 * change that breaks a benchmark fails the build rather than the next JMH run. Nothing is timed.
 */
class BenchmarkStatesTest {

    @Test
    void thePlannerPlansBothLayoutsAgainAndAgainWithEitherPamt() {
        for (String pamt : new String[] {"static", "dynamic"}) {
            for (String layout : new String[] {"two-socket-2t", "heavy"}) {
                PlannerBenchmark benchmark = new PlannerBenchmark();
                benchmark.layout = layout;
                benchmark.pamt = pamt;
                benchmark.setUp();
                for (int round = 0; round < 3; round++) {
                    PlanResult.Planned built = assertInstanceOf(PlanResult.Planned.class, benchmark.constructTdmrs());
                    assertEquals(layout.equals("heavy") ? 57 : 3, built.plan().tdmrs().size());
                    long lastPamt = built.plan().tdmrs().get(built.plan().tdmrs().size() - 1).pamtBase();
                    assertEquals(lastPamt, benchmark.pamtAllocationsAlone(),
                            "the replay lands where the planner's PAMTs did");
                    if (layout.equals("two-socket-2t")) {
                        assertEquals(pamt.equals("dynamic") ? 81876 : 8396820, built.plan().pamtKb());
                    }
                }
            }
        }
    }

    @Test
    void theScalingLayoutsPlanOneTdmrPerRegion() {
        for (String holes : new String[] {"sparse-high", "sparse-random"}) {
            for (int regions : new int[] {64, 1024}) {
                PlannerScalingBenchmark benchmark = new PlannerScalingBenchmark();
                benchmark.regions = regions;
                benchmark.holes = holes;
                benchmark.setUp();
                assertEquals(regions, assertInstanceOf(PlanResult.Planned.class, benchmark.constructTdmrs()).plan()
                        .tdmrs().size(), holes);
            }
        }
    }

    @Test
    void theOptimalPlannerPlansTheSameLayoutsAgainAndAgain() {
        for (String layout : new String[] {"two-socket-2t", "heavy"}) {
            OptimalPlannerBenchmark benchmark = new OptimalPlannerBenchmark();
            benchmark.layout = layout;
            benchmark.setUp();
            for (int round = 0; round < 3; round++) {
                PlanResult.Planned built = assertInstanceOf(PlanResult.Planned.class, benchmark.plan());
                assertEquals(layout.equals("heavy") ? 57 : 3, built.plan().tdmrs().size());
            }
        }
        for (int regions : new int[] {64, 1024}) {
            OptimalPlannerScalingBenchmark benchmark = new OptimalPlannerScalingBenchmark();
            benchmark.regions = regions;
            benchmark.setUp();
            assertEquals(regions, assertInstanceOf(PlanResult.Planned.class, benchmark.plan()).plan().tdmrs().size());
        }
    }

    @Test
    void configAcceptsTheFullArray() {
        SysConfigBenchmark benchmark = new SysConfigBenchmark();
        benchmark.tdmrs = 64;
        benchmark.layOutTdmrs();
        benchmark.moduleAwaitingConfig();
        assertEquals(StatusCode.TDX_SUCCESS.value(), benchmark.sysConfig());
        benchmark.closeModule();
    }

    @Test
    void the256GibHostInitializesAndHoldsLittle() {
        WholeInitBenchmark benchmark = new WholeInitBenchmark();
        benchmark.layout = "256G-2n-2r-none";
        benchmark.chooseLayout();
        benchmark.buildMachine();
        WholeInitBenchmark.OffHeap offHeap = new WholeInitBenchmark.OffHeap();
        assertInstanceOf(InitResult.Initialized.class, benchmark.boot(offHeap));
        benchmark.closeMachine();
        // Each node's 128 GiB TDMR has its 525,316 KiB PAMT chunk as a reserved area: 131,329 PT_RSVD
        // entries, 513 whole pages in the one shared buffer and a page of its own where the run
        // ends 1 entry in. The kernel wrote two more pages: its TDMR list and the pointer array.
        assertEquals(2 * 514 + 2, offHeap.pagesHeld);
        assertEquals((1 + 2 + 2) * 4096, offHeap.bytesHeld);
    }

    @Test
    void the256GibHostInitializesUnderDynamicPamtInAQuarterOfTheCalls() {
        WholeInitBenchmark benchmark = new WholeInitBenchmark();
        benchmark.layout = "256G-2n-2r-none";
        benchmark.kernel = "dpamt";
        benchmark.chooseLayout();
        benchmark.buildMachine();
        InitResult result = assertInstanceOf(InitResult.Initialized.class,
                benchmark.boot(new WholeInitBenchmark.OffHeap()));
        benchmark.closeMachine();
        assertEquals(10248, result.pamtKb());
        assertEquals("virt/tdx: Enable Dynamic PAMT", result.log().get(result.log().size() - 3));
    }

    @Test
    void memoryBenchmarksSetUpAndRun() {
        RandomAccessBenchmark access = new RandomAccessBenchmark();
        access.pages = 1024;
        access.writePages();
        access.write64();
        assertEquals(0, access.read64NeverWritten());
        access.release();
        FillBenchmark fill = new FillBenchmark();
        fill.bytes = 65536;
        fill.prepare();
        fill.pamtEntries();
        fill.zeroPrivatePages();
        fill.bytesIntoPrivatePages();
        fill.zeroNeverWritten();
        fill.release();
    }
}
