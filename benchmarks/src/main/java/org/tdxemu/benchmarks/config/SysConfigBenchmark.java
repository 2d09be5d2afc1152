package org.tdxemu.benchmarks.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.status.DecodedStatus;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * How long does TDH.SYS.CONFIG take to read and check a full TDMR array, every TDMR with every
 * reserved-area slot in use? The module accepts CONFIG once, so each operation gets a module of
 * its own, brought to SYSINIT_DONE with the array already in host memory before it, untimed; the
 * time is the one SEAMCALL, which reads every TDMR_INFO and runs all of the module's checks
 * (module-abi.md §4.4) and must succeed.
 *
 * <p>TDMR k is 4 GiB at 4 GiB + 8 GiB × k; its reserved areas are 15 holes of 2 MiB, one every
 * 256 MiB, and the 32 MiB at its top, where its own PAMTs lie; one CMR covers them all.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
@State(Scope.Thread)
public class SysConfigBenchmark {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long TDMR_SIZE = 4 * GIB;
    private static final long TDMR_STRIDE = 8 * GIB;
    private static final long PAMT_AREA = 32 * MIB;
    private static final int HOLES = 15;

    @Param({"1", "16", "64"})
    public int tdmrs;

    private List<TdmrSpec> array;
    private ModuleDriver driver;
    private long status;

    @Setup(Level.Trial)
    public void layOutTdmrs() {
        array = new ArrayList<>();
        for (int k = 0; k < tdmrs; k++) {
            long base = 4 * GIB + k * TDMR_STRIDE;
            TdmrSpec tdmr = TdmrSpec.of(base, TDMR_SIZE).withPamtsAt(base + TDMR_SIZE - PAMT_AREA);
            for (int j = 0; j < HOLES; j++) {
                tdmr = tdmr.withReserved(j * 256 * MIB, 2 * MIB);
            }
            array.add(tdmr.withReserved(TDMR_SIZE - PAMT_AREA, PAMT_AREA));
        }
    }

    @Setup(Level.Invocation)
    public void moduleAwaitingConfig() {
        driver = ModuleDriver.over(ModuleDriver.platform(List.of(new Range(4 * GIB, 4 * GIB + tdmrs * TDMR_STRIDE))));
        driver.writeTdmrs(array);
        driver.sysInitDone();
    }

    @Benchmark
    public long sysConfig() {
        status = driver.config(ModuleDriver.SCRATCH, tdmrs, driver.globalHkid());
        return status;
    }

    /** @throws IllegalStateException if CONFIG refused the array: the checks would not all have run */
    @TearDown(Level.Invocation)
    public void closeModule() {
        driver.close();
        if (status != StatusCode.TDX_SUCCESS.value()) {
            throw new IllegalStateException("TDH.SYS.CONFIG failed: " + DecodedStatus.of(status).summary());
        }
    }
}
