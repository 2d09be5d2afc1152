package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.emulator.module.MetadataTestSupport.CPUS_PER_PACKAGE;
import static org.tdxemu.emulator.module.MetadataTestSupport.PACKAGES;
import static org.tdxemu.emulator.module.MetadataTestSupport.SETTINGS_1_5;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertStatus;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertSuccess;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.MetadataTestSupport.ReadElement;
import org.tdxemu.emulator.module.state.SharexLock;
import org.tdxemu.seamcall.layout.MetadataList;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.INFO, RD and RDALL take no lock (module-abi.md §1.2): they answer while another leaf
 * holds the global lock, and every LP may enumerate at the same time.
 */
class EnumerationConcurrencyTest {

    private static final int CPUS = PACKAGES * CPUS_PER_PACKAGE;
    private static final int ROUNDS = 10;
    private static final int LIST_BYTES = 3144;

    /** A page for each CPU's RDALL list, TDSYSINFO and CMR array, above the shared test buffers. */
    private static long pageOf(int cpu) {
        return 0x2000_0000L + 0x1000L * cpu;
    }

    private static long info(MetadataTestSupport s, int cpu) {
        RegisterFile registers = new RegisterFile().set(Gpr.RCX, pageOf(CPUS + cpu)).set(Gpr.RDX, 1024)
                .set(Gpr.R8, pageOf(CPUS + cpu) + 0x800).set(Gpr.R9, 32);
        return s.call(cpu, Leaf.TDH_SYS_INFO, registers);
    }

    private static long rdAll(MetadataTestSupport s, int cpu) {
        RegisterFile registers = new RegisterFile().set(Gpr.RDX, pageOf(cpu)).set(Gpr.R8, FieldId.NULL);
        return s.call(cpu, Leaf.TDH_SYS_RDALL, registers);
    }

    @Test
    void theEnumerationLeavesAnswerWhileAnotherLeafHoldsTheGlobalLock() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            SharexLock globalLock = s.module.context().globalLock;
            assertTrue(globalLock.tryExclusive());
            try {
                assertStatus(StatusCode.TDX_SYS_BUSY.value(), s.call(1, Leaf.TDH_SYS_INIT, new RegisterFile()));
                assertSuccess(info(s, 1));
                assertSuccess(rdAll(s, 1));
                assertEquals(LIST_BYTES, MetadataList.at(s.memory, pageOf(1)).listBuffSize());
                assertEquals(355, s.walk(1).size());
            } finally {
                globalLock.releaseExclusive();
            }
        }
    }

    @Test
    void everyLpEnumeratesAtOnceAndAllSeeTheSameTable() throws Exception {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            List<ReadElement> walk = s.walk(0);
            assertSuccess(rdAll(s, 0));
            byte[] list = s.memory.read(pageOf(0), LIST_BYTES);
            assertSuccess(info(s, 0));
            byte[] sysInfo = s.memory.read(pageOf(CPUS), 0x1000);

            ExecutorService pool = Executors.newFixedThreadPool(CPUS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> lps = new ArrayList<>();
                for (int cpu = 0; cpu < CPUS; cpu++) {
                    int lp = cpu;
                    lps.add(pool.submit(() -> {
                        start.await();
                        for (int round = 0; round < ROUNDS; round++) {
                            assertEquals(walk, s.walk(lp));
                            assertSuccess(rdAll(s, lp));
                            assertArrayEquals(list, s.memory.read(pageOf(lp), LIST_BYTES));
                            assertSuccess(info(s, lp));
                            assertArrayEquals(sysInfo, s.memory.read(pageOf(CPUS + lp), 0x1000));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> lp : lps) {
                    lp.get(1, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
