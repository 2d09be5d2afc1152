package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Hardware;
import org.tdxemu.emulator.platform.LogicalCpu;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/** TDH.SYS.LP.INIT, module-abi.md §4.2. */
class SysLpInitTest {

    private final List<SparseHostMemory> memories = new ArrayList<>();

    private TdxModule module(Platform.Builder platform, ModuleVersion version, Hardware hardware) {
        SparseHostMemory memory = new SparseHostMemory(List.of(new Range(0, 1L << 34)), 46);
        memories.add(memory);
        return new TdxModule(platform.cmrs(List.of(new Cmr(0x100000, 0x7FF00000))).build(),
                ModuleSettings.defaults(version), memory, hardware);
    }

    private TdxModule initialized(Platform.Builder platform) {
        TdxModule module = module(platform, ModuleVersion.V1_5, Hardware.IDEAL);
        assertStatus(0, module.call(0, Leaf.TDH_SYS_INIT, new RegisterFile()));
        return module;
    }

    @AfterEach
    void closeMemory() {
        memories.forEach(SparseHostMemory::close);
    }

    private static void assertStatus(long expected, long actual) {
        assertEquals(expected, actual, () -> "got " + DecodedStatus.of(actual).summary() + ", expected "
                + DecodedStatus.of(expected).summary());
    }

    private static long lpInit(TdxModule module, int cpu) {
        return module.call(cpu, Leaf.TDH_SYS_LP_INIT, new RegisterFile());
    }

    @Test
    void beforeSysInitItIsNotPending() {
        TdxModule module = module(Platform.builder(), ModuleVersion.V1_5, Hardware.IDEAL);
        assertStatus(0xC000050B00000000L, lpInit(module, 0));
    }

    @Test
    void initializesEachLpOnceAndCountsIt() {
        TdxModule module = initialized(Platform.builder().cpus(2, 2));
        assertStatus(0, lpInit(module, 2));
        assertStatus(0xC000050300000000L, lpInit(module, 2));
        assertStatus(0, lpInit(module, 0));
        assertEquals(List.of(0, 2), module.status().initializedCpus());
        assertEquals(2, module.context().initializedLps.get());
    }

    @Test
    void zeroesRcxRdxR8AndNothingElse() {
        TdxModule module = initialized(Platform.builder());
        RegisterFile regs = new RegisterFile();
        for (Gpr r : Gpr.values()) {
            regs.set(r, -1L - r.ordinal());
        }
        regs.set(Gpr.RAX, Leaf.TDH_SYS_LP_INIT.rax());
        assertStatus(0, module.call(1, regs));
        for (Gpr r : Gpr.values()) {
            long expected = switch (r) {
                case RAX, RCX, RDX, R8 -> 0;
                default -> -1L - r.ordinal();
            };
            assertEquals(expected, regs.get(r), r.name());
        }
    }

    @Test
    void aPackageIdOfEightOrMoreIsInvalid() {
        TdxModule module = initialized(Platform.builder().cpus(List.of(new LogicalCpu(0, 0), new LogicalCpu(1, 8))));
        assertStatus(0, lpInit(module, 0));
        assertStatus(0xC000090600000008L, lpInit(module, 1));
        assertEquals(List.of(0), module.status().initializedCpus());
    }

    @Test
    void anLpWhoseMsrDiffersIsInconsistent() {
        TdxModule module = initialized(Platform.builder().cpus(1, 4)
                .defects(List.of(new PlatformDefect.InconsistentMsr(3, 0x982))));
        assertStatus(0, lpInit(module, 2));
        assertStatus(0xC000092000000982L, lpInit(module, 3));
        assertStatus(0xC000092000000982L, lpInit(module, 3));
    }

    @Test
    void theCapabilityMsrsAreComparedBeforeTheCpuidLeavesAndTheOtherMsrsAfter() {
        List<PlatformDefect> both = List.of(new PlatformDefect.InconsistentMsr(1, 0x982),
                new PlatformDefect.InconsistentCpuid(1, 0xB, 0, 0xFFFF_0000L), new PlatformDefect.InconsistentMsr(1, 0x10A));
        TdxModule early = initialized(Platform.builder().cpus(1, 2).defects(both));
        assertStatus(0xC00009200000010AL, lpInit(early, 1));
        TdxModule late = initialized(Platform.builder().cpus(1, 2).defects(both.subList(0, 2)));
        assertStatus(0xC000090200000000L, lpInit(late, 1));
        TdxModule lateAlone = initialized(Platform.builder().cpus(1, 2).defects(both.subList(0, 1)));
        assertStatus(0xC000092000000982L, lpInit(lateAlone, 1));
    }

    @Test
    void anLpWhoseCpuidDiffersReportsTheField() {
        TdxModule module = initialized(Platform.builder().cpus(1, 2)
                .defects(List.of(new PlatformDefect.InconsistentCpuid(1, 0xB, 0, 0x0000_0001_FFFF_0000L))));
        RegisterFile regs = new RegisterFile();
        assertStatus(0xC000090200000000L, module.call(1, Leaf.TDH_SYS_LP_INIT, regs));
        assertEquals(0xBL, regs.rcx());
        assertEquals(0xFFFF_0000L, regs.rdx());
        assertEquals(1L, regs.r8());
    }

    @Test
    void aFailedRdrandLeavesTheLpUninitializedAndRetryable() {
        AtomicInteger failures = new AtomicInteger(1);
        Hardware flaky = new Hardware() {
            @Override
            public boolean rdrand(int cpu) {
                return cpu != 1 || failures.getAndDecrement() <= 0;
            }
        };
        TdxModule module = module(Platform.builder(), ModuleVersion.V1_5, flaky);
        module.call(0, Leaf.TDH_SYS_INIT, new RegisterFile());
        assertStatus(0x8000020300000000L, lpInit(module, 1));
        assertStatus(0, lpInit(module, 1));
    }

    @Test
    void anExclusiveHolderOfTheGlobalLockMakesItBusy() {
        TdxModule module = initialized(Platform.builder());
        assertTrue(module.context().globalLock.tryExclusive());
        assertStatus(0x8000020200000000L, lpInit(module, 0));
        module.context().globalLock.releaseExclusive();
        assertEquals(List.of(), module.status().initializedCpus());
    }

    @Test
    void everyLpCanInitializeAtTheSameTime() throws Exception {
        int cpus = 32;
        TdxModule module = initialized(Platform.builder().cpus(4, 8));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> results = new ArrayList<>();
            for (int cpu = 0; cpu < cpus; cpu++) {
                int c = cpu;
                results.add(threads.submit(() -> {
                    start.await();
                    return lpInit(module, c);
                }));
            }
            start.countDown();
            for (Future<Long> r : results) {
                assertStatus(0, r.get());
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(cpus, module.context().initializedLps.get());
        assertEquals(cpus, module.status().initializedCpus().size());
    }
}
