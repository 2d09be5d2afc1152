package org.tdxemu.benchmarks.memory;

import java.util.List;
import java.util.SplittableRandom;
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
 * What does one random 8-byte access to host memory cost, as a function of how many pages the
 * memory holds? A 64 TiB machine with {@code pages} random pages written; each operation reads or
 * writes 8 aligned bytes at the next of 65,536 precomputed random addresses inside those pages,
 * or reads a page never written.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx4g"})
@State(Scope.Thread)
public class RandomAccessBenchmark {

    private static final long TIB = 1L << 40;
    private static final int ADDRESSES = 1 << 16;
    private static final int PAGE_SHIFT = SparseHostMemory.PAGE_SHIFT;

    @Param({"1024", "65536", "262144"})
    public int pages;

    private SparseHostMemory memory;
    private final long[] heldAddresses = new long[ADDRESSES];
    private final long[] untouchedAddresses = new long[ADDRESSES];
    private int next;

    @Setup
    public void writePages() {
        memory = new SparseHostMemory(List.of(new Range(0, 64 * TIB)), 46);
        SplittableRandom random = new SplittableRandom(2026);
        long[] frames = random.longs(pages, 0, 64 * TIB >>> PAGE_SHIFT).distinct().toArray();
        for (long frame : frames) {
            memory.write64(frame << PAGE_SHIFT, frame);
        }
        for (int i = 0; i < ADDRESSES; i++) {
            heldAddresses[i] = (frames[random.nextInt(frames.length)] << PAGE_SHIFT) + random.nextInt(512) * 8L;
            untouchedAddresses[i] = random.nextLong(64 * TIB) & -8L;
        }
    }

    @TearDown
    public void release() {
        memory.close();
    }

    private int nextIndex() {
        next = (next + 1) & (ADDRESSES - 1);
        return next;
    }

    @Benchmark
    public long read64() {
        return memory.read64(heldAddresses[nextIndex()]);
    }

    @Benchmark
    public void write64() {
        int i = nextIndex();
        memory.write64(heldAddresses[i], i + 1);
    }

    @Benchmark
    public long read64NeverWritten() {
        return memory.read64(untouchedAddresses[nextIndex()]);
    }
}
