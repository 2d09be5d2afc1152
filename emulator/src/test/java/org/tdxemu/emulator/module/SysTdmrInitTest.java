package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.emulator.testing.StatusAssert.assertStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdxemu.emulator.module.state.TdmrEntry;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.ForwardingMemory;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * TDH.SYS.TDMR.INIT, module-abi.md §4.6: the checks and their statuses, RDX, and the PAMT bytes
 * written, checked against a page-by-page computation of their own. Unless a test says otherwise
 * the platform has one CMR over [0, 256 GiB) and two TDMRs with PAMTs outside them, from 192 GiB:
 * TDMR A = [0, 2 GiB) and TDMR B = [4 GiB, 5 GiB), both with reserved areas that start or end
 * inside one call's 4 MiB and across call and GiB boundaries.
 */
class SysTdmrInitTest {

    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long PAMT_POOL = 192 * GIB;
    private static final int HKID_SHIFT = 46;
    private static final byte GARBAGE = (byte) 0xAB;
    private static final long GARBAGE_RDX = 0xDEAD_BEEFL;

    private static final TdmrSpec TDMR_A = TdmrSpec.of(0, 2 * GIB).withPamtsAt(PAMT_POOL)
            .withReserved(0, MIB)
            .withReserved(512 * MIB + 12 * KIB, 20 * KIB)
            .withReserved(GIB - 8 * KIB, 16 * KIB);
    private static final TdmrSpec TDMR_B = TdmrSpec.of(4 * GIB, GIB).withPamtsAt(TDMR_A.pamtEnd())
            .withReserved(4 * MIB - 8 * KIB, 16 * KIB)
            .withReserved(256 * MIB, 256 * MIB);

    private final List<ModuleDriver> drivers = new ArrayList<>();

    @AfterEach
    void closeDrivers() {
        drivers.forEach(ModuleDriver::close);
    }

    private ModuleDriver ready(List<TdmrSpec> tdmrs) {
        ModuleDriver driver = ModuleDriver.over(ModuleDriver.platform(List.of(new Range(0, 256 * GIB))));
        drivers.add(driver);
        return driver.ready(tdmrs);
    }

    private ModuleDriver ready() {
        return ready(List.of(TDMR_A, TDMR_B));
    }

    private static RegisterFile tdmrInit(ModuleDriver driver, int cpu, long rcx) {
        RegisterFile registers = new RegisterFile().set(Gpr.RCX, rcx).set(Gpr.RDX, GARBAGE_RDX);
        driver.call(cpu, Leaf.TDH_SYS_TDMR_INIT, registers);
        return registers;
    }

    /** Fills every PAMT of {@code tdmrs} with a byte the module never writes. */
    private static void fillPamtsWithGarbage(ModuleDriver driver, List<TdmrSpec> tdmrs) {
        for (TdmrSpec tdmr : tdmrs) {
            for (PageSize ps : PageSize.values()) {
                driver.memory().fill(tdmr.pamt(ps).start(), tdmr.pamt(ps).size(), GARBAGE);
            }
        }
    }

    /**
     * The 4K PAMT of a fully initialized TDMR, worked out page by page: entries of
     * {@code entrySize} bytes, all zero but byte 2, which is 1 (PT_RSVD) when some reserved
     * area holds the page.
     */
    private static byte[] expected4kPamt(TdmrSpec tdmr, int entrySize) {
        int pages = (int) (tdmr.size() / (4 * KIB));
        byte[] bytes = new byte[pages * entrySize];
        for (int page = 0; page < pages; page++) {
            long offset = page * 4 * KIB;
            for (TdmrSpec.Area area : tdmr.reserved()) {
                if (offset >= area.start() && offset < area.end()) {
                    bytes[page * entrySize + 2] = 1;
                }
            }
        }
        return bytes;
    }

    private static void assertPamtsInitialized(ModuleDriver driver, TdmrSpec tdmr, int entrySize) {
        byte[] expected = expected4kPamt(tdmr, entrySize);
        assertArrayEquals(expected, driver.memory().read(tdmr.pamt(PageSize.SIZE_4K).start(), expected.length),
                "4K PAMT of the TDMR at 0x" + Long.toHexString(tdmr.base()));
        for (PageSize ps : new PageSize[] {PageSize.SIZE_2M, PageSize.SIZE_1G}) {
            int entries = (int) (tdmr.size() >>> ps.shift());
            assertArrayEquals(new byte[entries * entrySize], driver.memory().read(tdmr.pamt(ps).start(),
                    entries * entrySize), ps + " PAMT of the TDMR at 0x" + Long.toHexString(tdmr.base()));
        }
    }

    // ---- progress and RDX -------------------------------------------------------------------

    @Test
    void tdmrInitTakes256CallsPerGibAndReportsProgressRoundedDownTo1G() {
        ModuleDriver driver = ready();
        for (TdmrSpec tdmr : List.of(TDMR_B, TDMR_A)) {
            for (int call = 1; call <= tdmr.size() / (4 * MIB); call++) {
                RegisterFile registers = tdmrInit(driver, 0, tdmr.base());
                assertStatus(0, registers.rax(), "call " + call);
                long expectedRdx = tdmr.base() + (call / 256) * GIB;
                assertEquals(expectedRdx, registers.rdx(), "RDX after call " + call);
                assertEquals(tdmr.base(), registers.rcx());
            }
            assertEquals(tdmr.end(), driver.module().status().tdmrs().get(tdmr == TDMR_A ? 0 : 1).next());
        }
    }

    @Test
    void tdmrInitAfterCompletionIsAlreadyInitializedWithRdxZero() {
        ModuleDriver driver = ready();
        assertEquals(256, driver.initializeTdmr(0, TDMR_B));
        for (int again = 0; again < 2; again++) {
            RegisterFile registers = tdmrInit(driver, 1, TDMR_B.base());
            assertStatus(0x00000A0300000000L, registers.rax());
            assertEquals(0, registers.rdx());
        }
        assertEquals(SysState.SYS_READY, driver.module().state(), "completing a TDMR changes no global state");
    }

    @Test
    void tdmrInitBeforeTheModuleIsReadyIsNotReady() {
        ModuleDriver driver = ModuleDriver.over(ModuleDriver.platform(List.of(new Range(0, 256 * GIB))));
        drivers.add(driver);
        driver.configured(List.of(TDMR_A));
        RegisterFile registers = tdmrInit(driver, 0, TDMR_A.base());
        assertStatus(0xC000050500000000L, registers.rax());
        assertEquals(GARBAGE_RDX, registers.rdx(), "the dispatcher refuses before the leaf zeroes RDX");
    }

    @ParameterizedTest
    @ValueSource(longs = {GIB, 2 * GIB, 64 * GIB, 4 * GIB + 4 * KIB, 4 * GIB + 2 * MIB, 4 * GIB | 32L << HKID_SHIFT,
        4 * GIB | 1L << 52, -GIB})
    void tdmrInitRejectsAnRcxThatIsNotTheBaseOfAConfiguredTdmr(long rcx) {
        ModuleDriver driver = ready();
        RegisterFile registers = tdmrInit(driver, 0, rcx);
        assertStatus(0xC000010000000001L, registers.rax());
        assertEquals(0, registers.rdx());
    }

    @Test
    void tdmrInitIsBusyWhileTheTdmrsMutexIsHeld() {
        ModuleDriver driver = ready();
        TdmrEntry entry = driver.module().context().tdmrTable[1];
        entry.lock.set(true);
        RegisterFile registers = tdmrInit(driver, 0, TDMR_B.base());
        assertStatus(0x8000020000000001L, registers.rax());
        assertEquals(0, registers.rdx());
        assertEquals(TDMR_B.base(), entry.next(), "a busy call initializes nothing");
        assertStatus(0, tdmrInit(driver, 1, TDMR_A.base()).rax(), "another TDMR is not held up");
        entry.lock.set(false);
        registers = tdmrInit(driver, 0, TDMR_B.base());
        assertStatus(0, registers.rax());
        assertEquals(TDMR_B.base(), registers.rdx());
    }

    // ---- what is written --------------------------------------------------------------------

    @Test
    void tdmrInitWritesThePamtEntriesOfTheReference() {
        ModuleDriver driver = ready();
        fillPamtsWithGarbage(driver, List.of(TDMR_A, TDMR_B));
        assertEquals(512, driver.initializeTdmr(0, TDMR_A));
        assertEquals(256, driver.initializeTdmr(2, TDMR_B));
        assertPamtsInitialized(driver, TDMR_A, 16);
        assertPamtsInitialized(driver, TDMR_B, 16);
        // The 1G PAMT is one page for two entries; zeroing the entries' cacheline touches nothing after it.
        long pamt1g = TDMR_A.pamt(PageSize.SIZE_1G).start();
        byte[] rest = new byte[(int) (4 * KIB - 64)];
        Arrays.fill(rest, GARBAGE);
        assertArrayEquals(rest, driver.memory().read(pamt1g + 64, rest.length));
        assertEquals(List.of(), driver.module().internalErrors());
    }

    @Test
    void tdmrInitWritesOnlyTheEntriesOfItsOwnFourMebibytes() {
        ModuleDriver driver = ready();
        fillPamtsWithGarbage(driver, List.of(TDMR_A));
        PhysicalMemory memory = driver.memory();
        long pamt4k = TDMR_A.pamt(PageSize.SIZE_4K).start();
        long pamt2m = TDMR_A.pamt(PageSize.SIZE_2M).start();
        long pamt1g = TDMR_A.pamt(PageSize.SIZE_1G).start();
        assertStatus(0, tdmrInit(driver, 0, TDMR_A.base()).rax());
        byte[] firstCall = new byte[1024 * 16];
        byte[] expected = expected4kPamt(TDMR_A, 16);
        System.arraycopy(expected, 0, firstCall, 0, firstCall.length);
        assertArrayEquals(firstCall, memory.read(pamt4k, firstCall.length));
        assertEquals(GARBAGE, (byte) memory.read8(pamt4k + 1024 * 16), "the 1025th 4K entry is the next call's");
        // 2M entries 0 and 1, and with them their cacheline (entries 0 to 3); entry 4 is untouched.
        assertArrayEquals(new byte[64], memory.read(pamt2m, 64));
        assertEquals(GARBAGE, (byte) memory.read8(pamt2m + 64));
        assertEquals(GARBAGE, (byte) memory.read8(pamt1g), "the 1G entry waits for the call that completes the GiB");
        for (int call = 2; call <= 256; call++) {
            assertStatus(0, tdmrInit(driver, 0, TDMR_A.base()).rax());
        }
        assertArrayEquals(new byte[64], memory.read(pamt1g, 64));
        assertEquals(GARBAGE, (byte) memory.read8(pamt4k + 262_144L * 16), "the second GiB is not started");
    }

    @Test
    void tdmrInitLaysEntriesOutWithThePamtEntrySizeTheModuleReports() {
        ModuleDriver driver = ModuleDriver.over(ModuleDriver.platform(List.of(new Range(0, 256 * GIB))),
                ModuleSettings.defaults(ModuleVersion.V1_5).withLimits(64, 16, 32));
        drivers.add(driver);
        TdmrSpec tdmr = TdmrSpec.of(4 * GIB, GIB).withPamtsAt(PAMT_POOL, 32).withReserved(4 * MIB - 8 * KIB, 16 * KIB);
        driver.ready(List.of(tdmr));
        fillPamtsWithGarbage(driver, List.of(tdmr));
        driver.initializeTdmr(0, tdmr);
        assertPamtsInitialized(driver, tdmr, 32);
    }

    @Test
    void tdmrInitWritesThroughTheGlobalPrivateHkid() {
        Set<Long> keyIdsWritten = ConcurrentHashMap.newKeySet();
        ModuleDriver driver = new ModuleDriver(ModuleDriver.platform(List.of(new Range(0, 256 * GIB))),
                ModuleSettings.defaults(ModuleVersion.V1_5), List.of(new Range(0, 1L << HKID_SHIFT)),
                memory -> new WriteKeyIdRecorder(memory, keyIdsWritten));
        drivers.add(driver);
        driver.ready(List.of(TDMR_B));
        driver.initializeTdmr(0, TDMR_B);
        assertEquals(Set.of((long) driver.globalHkid()), keyIdsWritten);
        assertPamtsInitialized(driver, TDMR_B, 16);
    }

    @Test
    void tdmrInitSucceedsWhenThePamtHasNoMemoryBehindIt() {
        // CONFIG checks CMRs, not memory: here the PAMTs, at 192 GiB, are past the installed memory.
        ModuleDriver driver = new ModuleDriver(ModuleDriver.platform(List.of(new Range(0, 256 * GIB))),
                ModuleSettings.defaults(ModuleVersion.V1_5), List.of(new Range(0, 8 * GIB)));
        drivers.add(driver);
        driver.ready(List.of(TDMR_B));
        assertEquals(256, driver.initializeTdmr(0, TDMR_B));
        assertEquals(List.of(), driver.module().internalErrors());
    }

    @Test
    void tdmrInitOfTwoTdmrsFromTwoThreadsGivesCorrectPamts() throws Exception {
        ModuleDriver driver = ready();
        fillPamtsWithGarbage(driver, List.of(TDMR_A, TDMR_B));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Long> a = pool.submit(() -> {
                start.await();
                return driver.initializeTdmr(1, TDMR_A);
            });
            Future<Long> b = pool.submit(() -> {
                start.await();
                return driver.initializeTdmr(3, TDMR_B);
            });
            start.countDown();
            assertEquals(512, a.get());
            assertEquals(256, b.get());
        } finally {
            pool.shutdownNow();
        }
        assertPamtsInitialized(driver, TDMR_A, 16);
        assertPamtsInitialized(driver, TDMR_B, 16);
        assertEquals(List.of(), driver.module().internalErrors());
    }

    // ---- a large TDMR costs only its PT_RSVD pages, and whole ones share a buffer ---------------

    @Test
    void tdmrInitOverATebibyteTdmrMapsOnlyThePamtPagesWithReservedEntriesAndSharesTheWholeOnes() {
        long tebibyte = 1024 * GIB;
        TdmrSpec tdmr = TdmrSpec.of(0, tebibyte).withPamtsAt(tebibyte - 8 * GIB);
        tdmr = tdmr.withReserved(0, 2 * MIB)
                .withReserved(3 * GIB, 64 * MIB + 12 * KIB)
                .withReserved(tebibyte - 8 * GIB, tdmr.pamtBytes());
        ModuleDriver driver = ModuleDriver.over(ModuleDriver.platform(List.of(new Range(0, tebibyte))));
        drivers.add(driver);
        driver.ready(List.of(tdmr));
        long heldBefore = driver.memory().bytesHeld();
        int pagesBefore = driver.memory().pageCount();

        assertEquals(262_144, driver.initializeTdmr(0, tdmr));

        long pamt4k = tdmr.pamt(PageSize.SIZE_4K).start();
        long pages = 0;
        for (TdmrSpec.Area area : tdmr.reserved()) {
            long firstPage = (pamt4k + area.start() / (4 * KIB) * 16) / (4 * KIB);
            long endPage = (pamt4k + area.end() / (4 * KIB) * 16 + 4 * KIB - 1) / (4 * KIB);
            pages += endPage - firstPage;
        }
        assertEquals(2 + 65 + 4105, pages, "the areas' PAMT pages, worked out by hand");
        assertEquals(pages, driver.memory().pageCount() - pagesBefore);
        // Whole pages of PT_RSVD entries share one buffer. The second and third areas end 3 and
        // 4 entries into a page, whose PT_RSVD and PT_NDA entries need a private buffer each.
        assertEquals(3 * 4 * KIB, driver.memory().bytesHeld() - heldBefore);
        assertEquals(1, driver.memory().read8(pamt4k + (3 * GIB + 64 * MIB + 8 * KIB) / (4 * KIB) * 16 + 2));
        assertEquals(0, driver.memory().read8(pamt4k + (3 * GIB + 64 * MIB + 12 * KIB) / (4 * KIB) * 16 + 2));
    }

    /** Host memory as the module sees it, noting the KeyID of every address the module writes. */
    private static final class WriteKeyIdRecorder extends ForwardingMemory {

        private final Set<Long> keyIds;

        WriteKeyIdRecorder(PhysicalMemory memory, Set<Long> keyIds) {
            super(memory);
            this.keyIds = keyIds;
        }

        private long note(long pa) {
            keyIds.add(pa >>> HKID_SHIFT);
            return pa;
        }

        @Override
        public void write8(long pa, int value) {
            super.write8(note(pa), value);
        }

        @Override
        public void write16(long pa, int value) {
            super.write16(note(pa), value);
        }

        @Override
        public void write32(long pa, long value) {
            super.write32(note(pa), value);
        }

        @Override
        public void write64(long pa, long value) {
            super.write64(note(pa), value);
        }

        @Override
        public void write(long pa, byte[] source, int offset, int length) {
            super.write(note(pa), source, offset, length);
        }

        @Override
        public void fill(long pa, long length, byte value) {
            super.fill(note(pa), length, value);
        }

        @Override
        public void fill(long pa, long length, byte[] pattern) {
            super.fill(note(pa), length, pattern);
        }

        @Override
        public void copy(long sourcePa, long destinationPa, long length) {
            super.copy(sourcePa, note(destinationPa), length);
        }
    }
}
