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
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Hardware;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/**
 * TDH.SYS.KEY.CONFIG, module-abi.md §4.5. TDH.SYS.CONFIG is pinned by its own tests; here the
 * module is put in SYSCONFIG_DONE directly so that KEY.CONFIG is seen alone.
 */
class SysKeyConfigTest {

    private final List<SparseHostMemory> memories = new ArrayList<>();

    @AfterEach
    void closeMemory() {
        memories.forEach(SparseHostMemory::close);
    }

    private TdxModule configured(int packages, Hardware hardware) {
        SparseHostMemory memory = new SparseHostMemory(List.of(new Range(0, 1L << 34)), 46);
        memories.add(memory);
        TdxModule module = new TdxModule(Platform.builder().cpus(packages, 2)
                .cmrs(List.of(new Cmr(0x100000, 0x7FF00000))).build(), ModuleSettings.defaults(ModuleVersion.V1_5),
                memory, hardware);
        assertStatus(0, module.call(0, Leaf.TDH_SYS_INIT, new RegisterFile()));
        ModuleContext context = module.context();
        context.hkid = context.keyIds().privateHkidMin();
        context.state = SysState.SYSCONFIG_DONE;
        return module;
    }

    private static void assertStatus(long expected, long actual) {
        assertEquals(expected, actual, () -> "got " + DecodedStatus.of(actual).summary() + ", expected "
                + DecodedStatus.of(expected).summary());
    }

    private static long keyConfig(TdxModule module, int cpu) {
        return module.call(cpu, Leaf.TDH_SYS_KEY_CONFIG, new RegisterFile());
    }

    @Test
    void beforeConfigItIsNotPending() {
        SparseHostMemory memory = new SparseHostMemory(List.of(new Range(0, 1L << 34)), 46);
        memories.add(memory);
        TdxModule module = new TdxModule(Platform.builder().build(), ModuleSettings.defaults(ModuleVersion.V1_5), memory);
        assertStatus(0xC000050700000000L, keyConfig(module, 0));
        module.call(0, Leaf.TDH_SYS_INIT, new RegisterFile());
        assertStatus(0xC000050700000000L, keyConfig(module, 0));
    }

    @Test
    void theLastPackageMakesTheModuleReady() {
        TdxModule module = configured(3, Hardware.IDEAL);
        assertStatus(0, keyConfig(module, 0));
        assertStatus(0, keyConfig(module, 5));
        assertEquals(SysState.SYSCONFIG_DONE, module.state());
        assertStatus(0, keyConfig(module, 3));
        assertEquals(SysState.SYS_READY, module.state());
        assertEquals(0b111, module.status().packageBitmap());
        assertEquals(3, module.status().configuredPackages());
    }

    @Test
    void aRepeatIsKeyConfiguredWhileOthersArePendingAndNotPendingOnceReady() {
        TdxModule module = configured(2, Hardware.IDEAL);
        assertStatus(0, keyConfig(module, 0));
        assertStatus(0x0000081500000000L, keyConfig(module, 1));
        assertEquals(1, module.status().configuredPackages());
        assertStatus(0, keyConfig(module, 2));
        assertStatus(0xC000050700000000L, keyConfig(module, 0));
    }

    @Test
    void aKeyGenerationFailureClearsThePackageBitSoItCanBeRetried() {
        AtomicInteger failures = new AtomicInteger(1);
        TdxModule module = configured(2, new Hardware() {
            @Override
            public PconfigResult pconfig(int cpu, int hkid) {
                return cpu == 2 && failures.getAndDecrement() > 0 ? PconfigResult.ENTROPY_ERROR : PconfigResult.SUCCESS;
            }
        });
        assertStatus(0, keyConfig(module, 0));
        assertStatus(0x8000080000000000L, keyConfig(module, 2));
        assertEquals(0b01, module.status().packageBitmap());
        assertStatus(0, keyConfig(module, 3));
        assertEquals(SysState.SYS_READY, module.state());
    }

    @Test
    void aBusyKeyTableIsOperandBusyOnTheKet() {
        TdxModule module = configured(1, new Hardware() {
            @Override
            public PconfigResult pconfig(int cpu, int hkid) {
                return PconfigResult.DEVICE_BUSY;
            }
        });
        assertStatus(0x80000200000000BBL, keyConfig(module, 0));
        assertEquals(0, module.status().packageBitmap());
    }

    @Test
    void theGlobalKeyIsProgrammedWithTheConfiguredHkid() {
        List<Integer> programmed = new ArrayList<>();
        TdxModule module = configured(1, new Hardware() {
            @Override
            public PconfigResult pconfig(int cpu, int hkid) {
                programmed.add(hkid);
                return PconfigResult.SUCCESS;
            }
        });
        assertStatus(0, keyConfig(module, 1));
        assertEquals(List.of(32), programmed);
    }

    @Test
    void anotherHolderOfTheGlobalLockMakesItBusy() {
        TdxModule module = configured(1, Hardware.IDEAL);
        assertTrue(module.context().globalLock.tryShared());
        assertStatus(0x8000020200000000L, keyConfig(module, 0));
        module.context().globalLock.releaseShared();
        assertEquals(0, module.status().packageBitmap());
    }

    @Test
    void packagesConfiguredConcurrentlyCollideButNeverCorruptTheState() throws Exception {
        int packages = 8;
        for (int round = 0; round < 20; round++) {
            TdxModule module = configured(packages, Hardware.IDEAL);
            ExecutorService threads = Executors.newFixedThreadPool(packages);
            AtomicInteger busy = new AtomicInteger();
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int p = 0; p < packages; p++) {
                    int cpu = p * 2;
                    done.add(threads.submit(() -> {
                        start.await();
                        long status;
                        while ((status = keyConfig(module, cpu)) == 0x8000020200000000L) {
                            busy.incrementAndGet();
                        }
                        assertStatus(0, status);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                threads.shutdown();
            }
            assertEquals(SysState.SYS_READY, module.state());
            assertEquals(0xFF, module.status().packageBitmap());
            assertEquals(packages, module.status().configuredPackages());
            assertTrue(module.context().globalLock.isFree());
        }
    }
}
