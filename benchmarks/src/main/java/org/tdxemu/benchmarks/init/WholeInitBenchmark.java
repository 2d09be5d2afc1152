package org.tdxemu.benchmarks.init;

import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.layout.Layout;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.testing.EmulatedMachine;

/**
 * How long does the whole initialization take, the kernel model against the emulated module with
 * every SEAMCALL (all TDH.SYS.TDMR.INIT calls: 256 per GiB of TDMR), and how much off-heap memory
 * does the host hold at the end? One operation is one boot of a fresh machine, built before it
 * and closed after it, untimed.
 *
 * <p>The secondary results are taken when the boot returns: {@code bytesHeld} is
 * {@link SparseHostMemory#bytesHeld()}, {@code pagesHeld} its {@link SparseHostMemory#pageCount()},
 * {@code nettyDirectBytes} what netty's shared pool has reserved from the OS at that moment
 * (whole chunks, its thread caches included). JMH adds such counters up over the measured
 * iterations, one boot each: divide by the count it prints for one boot's figures.
 *
 * <p>{@code kernel} is {@code mainline} (Linux 6.18 against a 1.5 module) or {@code dpamt} (the
 * Dynamic PAMT series against a 1.5 module that has the feature: bitmaps for 4K PAMTs and 64
 * TDH.SYS.TDMR.INIT calls per GiB, dynamic-pamt.md §2.4).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 2, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx4g"})
@State(Scope.Thread)
public class WholeInitBenchmark {

    /** 256 GiB, the real two-socket 2 TiB host, 2 TiB of TDMRs exactly, 16 TiB, 64 TiB. */
    @Param({"256G-2n-2r-none", "two-socket-2t", "2T-2n-2r-none", "16T-8n-8r-none", "64T-8n-8r-none"})
    public String layout;

    @Param({"mainline", "dpamt"})
    public String kernel = "mainline";

    private Layout host;
    private EmulatedMachine machine;
    private InitResult result;

    /** What the host holds when the boot returns, reported beside the time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class OffHeap {
        public long bytesHeld;
        public long pagesHeld;
        public long nettyDirectBytes;

        void record(SparseHostMemory memory) {
            bytesHeld = memory.bytesHeld();
            pagesHeld = memory.pageCount();
            nettyDirectBytes = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        }
    }

    @Setup(Level.Trial)
    public void chooseLayout() {
        host = Layouts.named(layout);
    }

    @Setup(Level.Invocation)
    public void buildMachine() {
        machine = kernel.equals("dpamt") ? new EmulatedMachine(host, ModuleSettings.defaults(ModuleVersion.V1_5)
                .withDynamicPamt(true)) : new EmulatedMachine(host);
    }

    @Benchmark
    public InitResult boot(OffHeap offHeap) {
        result = machine.kernel(KernelOptions.of(kernel.equals("dpamt") ? Profile.DPAMT : Profile.MAINLINE)).boot();
        offHeap.record(machine.memory());
        return result;
    }

    /** @throws IllegalStateException if the boot did not initialize the module: its time would mean nothing */
    @TearDown(Level.Invocation)
    public void closeMachine() {
        machine.close();
        if (!(result instanceof InitResult.Initialized)) {
            throw new IllegalStateException(layout + " did not initialize: " + String.join("\n", result.log()));
        }
    }
}
