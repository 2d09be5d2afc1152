package org.tdxemu.benchmarks.memory;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.seamcall.memory.Range;

/**
 * What does a bulk fill of host memory cost, by length? Over a page-aligned range:
 * <ul>
 *   <li>{@code zeroNeverWritten}: zeros where nothing was ever written (PT_NDA runs of TDMR.INIT);</li>
 *   <li>{@code zeroPrivatePages}: zeros over pages that each hold a buffer of their own;</li>
 *   <li>{@code pamtEntries}: a 16-byte PAMT entry as a repeated pattern, alternating between two
 *       entries so every operation maps every page to the other shared page (PT_RSVD runs);</li>
 *   <li>{@code bytesIntoPrivatePages}: a non-zero byte over pages with buffers of their own,
 *       written in place.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx4g"})
@State(Scope.Thread)
public class FillBenchmark {

    private static final long GIB = 1L << 30;
    private static final long UNTOUCHED = 0;
    private static final long PRIVATE = 32 * GIB;
    private static final long SHARED = 48 * GIB;

    @Param({"4096", "65536", "1048576", "16777216"})
    public long bytes;

    private SparseHostMemory memory;
    private final byte[][] entries = {new byte[16], new byte[16]};
    private int flip;

    @Setup
    public void prepare() {
        memory = new SparseHostMemory(List.of(new Range(0, 64 * GIB)), 46);
        entries[0][2] = 1;
        entries[1][2] = 3;
        for (long page = 0; page < bytes; page += SparseHostMemory.PAGE_SIZE) {
            memory.write8(PRIVATE + page, 1);
        }
    }

    @TearDown
    public void release() {
        memory.close();
    }

    @Benchmark
    public void zeroNeverWritten() {
        memory.fill(UNTOUCHED, bytes, (byte) 0);
    }

    @Benchmark
    public void zeroPrivatePages() {
        memory.fill(PRIVATE, bytes, (byte) 0);
    }

    @Benchmark
    public void pamtEntries() {
        flip ^= 1;
        memory.fill(SHARED, bytes, entries[flip]);
    }

    @Benchmark
    public void bytesIntoPrivatePages() {
        memory.fill(PRIVATE, bytes, (byte) 0x5A);
    }
}
