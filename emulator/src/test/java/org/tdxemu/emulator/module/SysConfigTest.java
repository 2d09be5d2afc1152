package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.emulator.testing.StatusAssert.assertStatus;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdxemu.emulator.module.state.KeyOwnerTable;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.module.state.SharexLock;
import org.tdxemu.emulator.module.state.TdmrEntry;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * TDH.SYS.CONFIG, module-abi.md §4.4: every check, in the module's order, reaching its exact status
 * and indices; what a failure leaves behind; and what is accepted that a stricter reading would
 * refuse. Unless a test says otherwise the platform has one CMR over [0, 256 GiB), TDMR k is
 * [2k GiB, 2k GiB + 1 GiB) and the PAMTs are minimal, back to back from 192 GiB, outside every
 * TDMR.
 */
class SysConfigTest {

    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final Range CMR = new Range(0, 256 * GIB);
    private static final long PAMT_POOL = 192 * GIB;
    /** The default platform's HKID field starts at bit 46 (6 KeyID bits below MAX_PA 52). */
    private static final int HKID_SHIFT = 46;

    private final List<ModuleDriver> drivers = new ArrayList<>();

    @AfterEach
    void closeDrivers() {
        drivers.forEach(ModuleDriver::close);
    }

    private ModuleDriver driver(Platform platform, ModuleSettings settings) {
        ModuleDriver driver = ModuleDriver.over(platform, settings);
        drivers.add(driver);
        return driver;
    }

    /** The default platform in SYSINIT_DONE. */
    private ModuleDriver initialized() {
        return initialized(List.of(CMR), ModuleVersion.V1_5);
    }

    private ModuleDriver initialized(List<Range> cmrs, ModuleVersion version) {
        return driver(ModuleDriver.platform(cmrs), ModuleSettings.defaults(version)).sysInitDone();
    }

    /** {@code n} TDMRs of 1 GiB, TDMR k at 2k GiB, minimal PAMTs from the pool. */
    private static List<TdmrSpec> tdmrs(int n) {
        List<TdmrSpec> tdmrs = new ArrayList<>();
        long pamt = PAMT_POOL;
        for (int k = 0; k < n; k++) {
            TdmrSpec tdmr = TdmrSpec.of(2 * k * GIB, GIB).withPamtsAt(pamt);
            pamt = tdmr.pamtEnd();
            tdmrs.add(tdmr);
        }
        return tdmrs;
    }

    /** TDMR 1 of {@link #tdmrs}: [2 GiB, 3 GiB), the index most checks below report. */
    private static TdmrSpec tdmr1() {
        return tdmrs(2).get(1);
    }

    private static List<TdmrSpec> with(List<TdmrSpec> tdmrs, int index, TdmrSpec replacement) {
        List<TdmrSpec> changed = new ArrayList<>(tdmrs);
        changed.set(index, replacement);
        return changed;
    }

    /** CONFIG of {@code tdmrs} fails with {@code expected} and changes nothing but RAX, the KOT and the table. */
    private static void assertConfigFails(long expected, ModuleDriver driver, List<TdmrSpec> tdmrs) {
        assertConfigFails(expected, driver, ModuleDriver.configRegisters(driver.writeTdmrs(tdmrs), tdmrs.size(),
                driver.globalHkid()));
    }

    private static void assertConfigFails(long expected, ModuleDriver driver, RegisterFile input) {
        SysState before = driver.module().state();
        RegisterFile registers = input.copy();
        long status = driver.call(0, Leaf.TDH_SYS_CONFIG, registers);
        assertStatus(expected, status);
        assertEquals(input.copy().set(Gpr.RAX, status), registers, "CONFIG writes RAX only");
        assertEquals(before, driver.module().state(), "a failed CONFIG leaves the state as it was");
        assertEquals(List.of(), driver.module().status().tdmrs(), "no TDMR is in use after a failed CONFIG");
        assertEquals(List.of(), driver.module().internalErrors());
    }

    private static void assertConfigSucceeds(ModuleDriver driver, List<TdmrSpec> tdmrs) {
        RegisterFile input = ModuleDriver.configRegisters(driver.writeTdmrs(tdmrs), tdmrs.size(), driver.globalHkid());
        RegisterFile registers = input.copy();
        long status = driver.call(0, Leaf.TDH_SYS_CONFIG, registers);
        assertStatus(0, status);
        assertEquals(input.copy().set(Gpr.RAX, 0), registers, "CONFIG writes RAX only");
        assertEquals(SysState.SYSCONFIG_DONE, driver.module().state());
        assertEquals(List.of(), driver.module().internalErrors());
    }

    // ---- success ----------------------------------------------------------------------------

    @Test
    void configRecordsEveryTdmrAndMovesToSysconfigDone() {
        ModuleDriver driver = initialized();
        // Nothing the host can do sets a package bit before CONFIG; set one to see CONFIG clear it.
        driver.module().context().packageBitmap.set(0b10);
        List<TdmrSpec> tdmrs = with(tdmrs(3), 1, tdmrs(3).get(1).withReserved(0, 4 * KIB).withReserved(MIB, 2 * MIB));
        assertConfigSucceeds(driver, tdmrs);
        ModuleStatus status = driver.module().status();
        assertEquals(List.of(new ModuleStatus.TdmrProgress(0, GIB, 0),
                new ModuleStatus.TdmrProgress(2 * GIB, GIB, 2 * GIB),
                new ModuleStatus.TdmrProgress(4 * GIB, GIB, 4 * GIB)), status.tdmrs());
        assertEquals(driver.globalHkid(), status.hkid());
        assertEquals(0, status.packageBitmap());
        TdmrEntry entry = driver.module().context().tdmrTable[1];
        assertEquals(2, entry.reservedCount);
        assertEquals(tdmrs.get(1).pamt(PageSize.SIZE_4K).start(), entry.pamtBase(PageSize.SIZE_4K));
        assertEquals(tdmrs.get(1).pamt(PageSize.SIZE_2M).start(), entry.pamtBase(PageSize.SIZE_2M));
        assertEquals(tdmrs.get(1).pamt(PageSize.SIZE_1G).start(), entry.pamtBase(PageSize.SIZE_1G));
    }

    @Test
    void configAcceptsAsManyTdmrsAsTheModuleReports() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(64);
        for (int k = 0; k < tdmrs.size(); k++) {
            TdmrSpec tdmr = tdmrs.get(k);
            for (int j = 0; j < 16; j++) {
                tdmr = tdmr.withReserved(j * 32 * MIB, 4 * KIB);
            }
            tdmrs.set(k, tdmr);
        }
        assertConfigSucceeds(driver, tdmrs);
        assertEquals(64, driver.module().status().tdmrs().size());
    }

    // ---- pre-checks -------------------------------------------------------------------------

    @Test
    void configIsBusyWhileTheGlobalLockIsHeld() {
        ModuleDriver driver = initialized();
        SharexLock lock = driver.module().context().globalLock;
        assertTrue(lock.tryShared());
        try {
            assertConfigFails(0x8000020200000000L, driver, tdmrs(1));
        } finally {
            lock.releaseShared();
        }
        assertConfigSucceeds(driver, tdmrs(1));
    }

    @Test
    void configBeforeSysInitIsNotPending() {
        ModuleDriver driver = driver(ModuleDriver.platform(List.of(CMR)), ModuleSettings.defaults(ModuleVersion.V1_5));
        assertConfigFails(0xC000050C00000000L, driver, tdmrs(1));
        assertEquals(SysState.SYSINIT_PENDING, driver.module().state());
    }

    @Test
    void configAfterASuccessfulConfigIsNotPending() {
        ModuleDriver driver = driver(ModuleDriver.platform(List.of(CMR)), ModuleSettings.defaults(ModuleVersion.V1_5))
                .configured(tdmrs(2));
        RegisterFile registers = ModuleDriver.configRegisters(driver.writeTdmrs(tdmrs(1)), 1, driver.globalHkid());
        assertStatus(0xC000050C00000000L, driver.call(0, Leaf.TDH_SYS_CONFIG, registers));
        assertEquals(SysState.SYSCONFIG_DONE, driver.module().state());
        assertEquals(2, driver.module().status().tdmrs().size(), "the first CONFIG's TDMRs stay");
    }

    @Test
    void configInSysReadyIsNotPending() {
        ModuleDriver driver = driver(ModuleDriver.platform(List.of(CMR)), ModuleSettings.defaults(ModuleVersion.V1_5))
                .ready(tdmrs(1));
        RegisterFile registers = ModuleDriver.configRegisters(driver.writeTdmrs(tdmrs(1)), 1, driver.globalHkid());
        assertStatus(0xC000050C00000000L, driver.call(0, Leaf.TDH_SYS_CONFIG, registers));
        assertEquals(SysState.SYS_READY, driver.module().state());
    }

    @Test
    void configBeforeEveryLpIsInitializedIsNotPending() {
        ModuleDriver driver = driver(ModuleDriver.platform(List.of(CMR)), ModuleSettings.defaults(ModuleVersion.V1_5));
        assertStatus(0, driver.call(0, Leaf.TDH_SYS_INIT, new RegisterFile()));
        for (int cpu = 0; cpu < 3; cpu++) {
            assertStatus(0, driver.call(cpu, Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
        }
        assertConfigFails(0xC000050C00000000L, driver, tdmrs(1));
        assertStatus(0, driver.call(3, Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
        assertConfigSucceeds(driver, tdmrs(1));
    }

    @ParameterizedTest
    @ValueSource(longs = {ModuleDriver.SCRATCH + 8, ModuleDriver.SCRATCH + 256, (1L << 52) | ModuleDriver.SCRATCH,
        (32L << HKID_SHIFT) | ModuleDriver.SCRATCH, (63L << HKID_SHIFT) | ModuleDriver.SCRATCH})
    void configRejectsAPointerArrayThatIsNotASharedHpa(long arrayPa) {
        ModuleDriver driver = initialized();
        driver.writeTdmrs(tdmrs(1));
        assertConfigFails(0xC000010000000001L, driver, ModuleDriver.configRegisters(arrayPa, 1, driver.globalHkid()));
    }

    @Test
    void configRejectsAPointerArrayReachingIntoSeamrr() {
        Range seamrr = new Range(64 * MIB, 96 * MIB);
        ModuleDriver driver = driver(Platform.builder().cpus(2, 2).cmrRanges(List.of(CMR)).seamrr(seamrr).build(),
                ModuleSettings.defaults(ModuleVersion.V1_5)).sysInitDone();
        List<TdmrSpec> tdmrs = tdmrs(1);
        driver.writeTdmrs(seamrr.end() - 512, tdmrs);
        assertConfigFails(0xC000010000000001L, driver,
                ModuleDriver.configRegisters(seamrr.end() - 512, 1, driver.globalHkid()));
        // The array and its one entry end where SEAMRR starts.
        driver.writeTdmrs(seamrr.start() - 1024, tdmrs);
        assertStatus(0, driver.config(seamrr.start() - 1024, 1, driver.globalHkid()), "an array touching SEAMRR");
    }

    @Test
    void configAcceptsAPointerArrayAddressedThroughAnMktmeKeyId() {
        ModuleDriver driver = initialized();
        long arrayPa = driver.writeTdmrs(tdmrs(2));
        assertStatus(0, driver.config((31L << HKID_SHIFT) | arrayPa, 2, driver.globalHkid()));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 65, 0x1_0000_0001L, -1})
    void configRejectsATdmrCountOutsideOneToSixtyFour(long tdmrCount) {
        ModuleDriver driver = initialized();
        long arrayPa = driver.writeTdmrs(tdmrs(64));
        assertConfigFails(0xC000010000000002L, driver,
                ModuleDriver.configRegisters(arrayPa, tdmrCount, driver.globalHkid()));
    }

    @Test
    void configLimitsTheTdmrCountToTheMaxTdmrsTheModuleReports() {
        ModuleDriver driver = driver(ModuleDriver.platform(List.of(CMR)),
                ModuleSettings.defaults(ModuleVersion.V1_5).withLimits(4, 16, 16)).sysInitDone();
        assertConfigFails(0xC000010000000002L, driver, tdmrs(5));
        assertConfigSucceeds(driver, tdmrs(4));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 31, 64, 0xFFFF, 32 | (1L << 16), 32 | (1L << 63)})
    void configRejectsAKeyIdThatIsNotAPrivateHkid(long r8) {
        ModuleDriver driver = initialized();
        long arrayPa = driver.writeTdmrs(tdmrs(1));
        assertConfigFails(0xC000010000000008L, driver, ModuleDriver.configRegisters(arrayPa, 1, r8));
        assertEquals(KeyOwnerTable.HKID_FREE, driver.module().context().kot.state(32));
    }

    @Test
    void configAcceptsTheLastPrivateHkid() {
        ModuleDriver driver = initialized();
        assertStatus(0, driver.config(driver.writeTdmrs(tdmrs(1)), 1, 63));
        assertEquals(63, driver.module().status().hkid());
        assertEquals(KeyOwnerTable.HKID_RESERVED, driver.module().context().kot.state(63));
    }

    @Test
    void configKeepsTheKeyIdReservedWhenATdmrFails() {
        ModuleDriver driver = initialized();
        long arrayPa = driver.writeTdmrs(with(tdmrs(2), 1, tdmrs(2).get(1).withSize(0)));
        assertConfigFails(0xC0000A0000000001L, driver, ModuleDriver.configRegisters(arrayPa, 2, 40));
        ModuleContext context = driver.module().context();
        assertEquals(KeyOwnerTable.HKID_RESERVED, context.kot.state(40));
        assertEquals(40, context.hkid);
        // A retry with another KeyID leaks the first reservation, as the module does.
        assertStatus(0, driver.config(driver.writeTdmrs(tdmrs(2)), 2, 41));
        assertEquals(KeyOwnerTable.HKID_RESERVED, context.kot.state(40));
        assertEquals(KeyOwnerTable.HKID_RESERVED, context.kot.state(41));
    }

    @Test
    void configDoesNotReserveTheKeyIdWhenAPreCheckFails() {
        ModuleDriver driver = initialized();
        long arrayPa = driver.writeTdmrs(tdmrs(1));
        assertConfigFails(0xC000010000000002L, driver, ModuleDriver.configRegisters(arrayPa, 0, 40));
        assertEquals(KeyOwnerTable.HKID_FREE, driver.module().context().kot.state(40));
    }

    // ---- the loop: pointers and memory ------------------------------------------------------

    @Test
    void configRejectsATdmrPointerThatIsNotASharedHpa() {
        ModuleDriver driver = initialized();
        long arrayPa = driver.writeTdmrs(tdmrs(3));
        driver.memory().write64(arrayPa + 8, ModuleDriver.tdmrInfoPa(arrayPa, 1) + 256);
        assertConfigFails(0xC000010000000001L, driver, ModuleDriver.configRegisters(arrayPa, 3, driver.globalHkid()));
        driver.memory().write64(arrayPa + 8, (33L << HKID_SHIFT) | ModuleDriver.tdmrInfoPa(arrayPa, 1));
        assertConfigFails(0xC000010000000001L, driver, ModuleDriver.configRegisters(arrayPa, 3, driver.globalHkid()));
    }

    @Test
    void configReadsAPointerArrayWithNoMemoryBehindItAsAllOnes() {
        // Host memory ends at 256 GiB; 300 GiB passes the shared-HPA check but reads as all ones.
        ModuleDriver driver = new ModuleDriver(ModuleDriver.platform(List.of(CMR)),
                ModuleSettings.defaults(ModuleVersion.V1_5), List.of(new Range(0, 256 * GIB)));
        drivers.add(driver);
        driver.sysInitDone();
        assertConfigFails(0xC000010000000001L, driver, ModuleDriver.configRegisters(300 * GIB, 1, driver.globalHkid()));
        long arrayPa = driver.writeTdmrs(tdmrs(2));
        driver.memory().write64(arrayPa + 8, 300 * GIB);
        // TDMR 1 reads as all ones: its base + size overflows.
        assertConfigFails(0xC0000A0000000001L, driver, ModuleDriver.configRegisters(arrayPa, 2, driver.globalHkid()));
    }

    // ---- the loop: base and size ------------------------------------------------------------

    @Test
    void configRejectsATdmrWhoseEndOverflowsBeforeCheckingItsOrder() {
        ModuleDriver driver = initialized();
        TdmrSpec overflowing = tdmrs(2).get(1).withBase(-GIB).withSize(2 * GIB);
        assertConfigFails(0xC0000A0000000001L, driver, with(tdmrs(2), 1, overflowing));
    }

    @Test
    void configRejectsTdmrThreeBelowTdmrTwo() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(4);
        assertConfigFails(0xC0000A0100000003L, driver, with(tdmrs, 3, tdmrs.get(3).withBase(2 * GIB)));
    }

    @Test
    void configRejectsATdmrOverlappingThePreviousOne() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = with(tdmrs(2), 0, TdmrSpec.of(0, 3 * GIB).withPamtsAt(100 * GIB));
        assertConfigFails(0xC0000A0100000001L, driver, tdmrs);
    }

    @Test
    void configChecksTheOrderBeforeTheAlignment() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(2);
        assertConfigFails(0xC0000A0100000001L, driver, with(tdmrs, 1, tdmrs.get(1).withBase(GIB / 2)));
    }

    @Test
    void configRejectsTheSameTdmrTwice() {
        ModuleDriver driver = initialized();
        long arrayPa = driver.writeTdmrs(tdmrs(2));
        driver.memory().write64(arrayPa + 8, ModuleDriver.tdmrInfoPa(arrayPa, 0));
        assertConfigFails(0xC0000A0100000001L, driver, ModuleDriver.configRegisters(arrayPa, 2, driver.globalHkid()));
    }

    @Test
    void configAcceptsTdmrsThatTouch() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = with(tdmrs(2), 1, tdmrs(2).get(1).withBase(GIB));
        assertConfigSucceeds(driver, tdmrs);
    }

    @ParameterizedTest
    @ValueSource(longs = {GIB / 2, GIB + GIB / 2, 0})
    void configRejectsATdmrThatIsNotWholeGibs(long size) {
        ModuleDriver driver = initialized();
        assertConfigFails(0xC0000A0000000001L, driver, with(tdmrs(2), 1, tdmrs(2).get(1).withSize(size)));
    }

    @Test
    void configRejectsAMisalignedTdmrBase() {
        ModuleDriver driver = initialized();
        assertConfigFails(0xC0000A0000000001L, driver, with(tdmrs(2), 1, tdmrs(2).get(1).withBase(2 * GIB + 2 * MIB)));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 52, 1L << HKID_SHIFT, (1L << HKID_SHIFT) - GIB})
    void configRejectsATdmrBeyondThePhysicalAddressesOrWithHkidBits(long base) {
        ModuleDriver driver = initialized();
        // 2 GiB from the last one below the HKID bits ends in them.
        assertConfigFails(0xC0000A0000000001L, driver, with(tdmrs(2), 1, tdmr1().withBase(base).withSize(2 * GIB)));
    }

    // ---- the loop: reserved areas -----------------------------------------------------------

    private ModuleDriver driverWithReserved(long expected, TdmrSpec tdmr1) {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = with(tdmrs(2), 1, tdmr1);
        if (expected == 0) {
            assertConfigSucceeds(driver, tdmrs);
        } else {
            assertConfigFails(expected, driver, tdmrs);
        }
        return driver;
    }

    @Test
    void configRejectsANullReservedSlotBeforeAnAreaAtTheNullsIndex() {
        driverWithReserved(0xC0000A2100000101L, tdmr1().withReserved(0, 4 * KIB).withReserved(0, 0)
                .withReserved(MIB, 4 * KIB));
    }

    @Test
    void configExaminesEveryReservedSlot() {
        driverWithReserved(0xC0000A2100000E01L, tdmr1().withReservedSlot(15, MIB, 4 * KIB));
    }

    @Test
    void configIgnoresTheOffsetOfANullSlot() {
        driverWithReserved(0, tdmr1().withReserved(0, 4 * KIB).withReserved(0xDEAD_BEEFL, 0));
    }

    @Test
    void configRejectsAReservedAreaWhoseEndOverflows() {
        driverWithReserved(0xC0000A2000000001L, tdmr1().withReserved(-4 * KIB, 8 * KIB));
    }

    @Test
    void configRejectsReservedAreasOutOfOrder() {
        driverWithReserved(0xC0000A2100000101L, tdmr1().withReserved(MIB, 4 * KIB).withReserved(0, 4 * KIB));
    }

    @Test
    void configRejectsOverlappingReservedAreas() {
        driverWithReserved(0xC0000A2100000201L, tdmr1().withReserved(0, 4 * KIB).withReserved(MIB, 8 * KIB)
                .withReserved(MIB + 4 * KIB, 4 * KIB));
    }

    @Test
    void configChecksReservedOrderBeforeAlignment() {
        driverWithReserved(0xC0000A2100000101L, tdmr1().withReserved(MIB, 4 * KIB).withReserved(MIB + 1, 4 * KIB));
    }

    @Test
    void configAcceptsReservedAreasThatTouch() {
        driverWithReserved(0, tdmr1().withReserved(0, 4 * KIB).withReserved(4 * KIB, 8 * KIB)
                .withReserved(12 * KIB, MIB));
    }

    @Test
    void configRejectsTdmrOnesReservedAreaFourWhenItIsNotPageAligned() {
        TdmrSpec tdmr = tdmr1();
        for (int j = 0; j < 4; j++) {
            tdmr = tdmr.withReserved(j * MIB, 4 * KIB);
        }
        driverWithReserved(0xC0000A2000000401L, tdmr.withReserved(4 * MIB + 0x800, 4 * KIB));
    }

    @Test
    void configRejectsAReservedAreaOfPartialPages() {
        driverWithReserved(0xC0000A2000000101L, tdmr1().withReserved(0, 4 * KIB).withReserved(MIB, 6 * KIB));
    }

    @Test
    void configRejectsAReservedAreaWhoseAddressOverflows() {
        // 2 GiB + this offset is exactly 2^64.
        driverWithReserved(0xC0000A2000000001L, tdmr1().withReserved(-2 * GIB, 4 * KIB));
    }

    @Test
    void configRejectsAReservedAreaWhoseEndAddressOverflows() {
        // The area starts 4 KiB below 2^64 and is 8 KiB long; offset + size alone does not overflow.
        driverWithReserved(0xC0000A2000000001L, tdmr1().withReserved(-2 * GIB - 4 * KIB, 8 * KIB));
    }

    @Test
    void configRejectsAReservedAreaReachingPastTheTdmr() {
        driverWithReserved(0xC0000A2000000101L, tdmr1().withReserved(0, 4 * KIB).withReserved(GIB - 4 * KIB, 8 * KIB));
    }

    @Test
    void configAcceptsAReservedAreaAtOffsetZero() {
        driverWithReserved(0, tdmr1().withReserved(0, 2 * MIB).withReserved(GIB / 2, 4 * KIB));
    }

    @Test
    void configAcceptsAReservedAreaCoveringTheWholeTdmr() {
        driverWithReserved(0, tdmr1().withReserved(0, GIB));
    }

    @Test
    void configAcceptsSixteenReservedAreasUpToTheTdmrEnd() {
        TdmrSpec tdmr = tdmr1();
        for (int j = 0; j < 15; j++) {
            tdmr = tdmr.withReserved(j * 64 * MIB, 4 * KIB);
        }
        driverWithReserved(0, tdmr.withReserved(GIB - 4 * KIB, 4 * KIB));
    }

    // ---- the loop: PAMTs on their own -------------------------------------------------------

    enum PamtDefect {
        /** base + size passes 2^64. */
        OVERFLOW,
        MISALIGNED_BASE,
        MISALIGNED_SIZE,
        BASE_BEYOND_2_52,
        BASE_WITH_HKID,
        END_WITH_HKID,
        TOO_SMALL,
        EMPTY;

        TdmrSpec applyTo(TdmrSpec tdmr, PageSize ps) {
            TdmrSpec.Area pamt = tdmr.pamt(ps);
            return switch (this) {
                case OVERFLOW -> tdmr.withPamt(ps, -4 * KIB, pamt.size());
                case MISALIGNED_BASE -> tdmr.withPamt(ps, pamt.start() + 64, pamt.size());
                case MISALIGNED_SIZE -> tdmr.withPamt(ps, pamt.start(), pamt.size() + 64);
                case BASE_BEYOND_2_52 -> tdmr.withPamt(ps, pamt.start() | 1L << 52, pamt.size());
                case BASE_WITH_HKID -> tdmr.withPamt(ps, pamt.start() | 32L << HKID_SHIFT, pamt.size());
                case END_WITH_HKID -> tdmr.withPamt(ps, (1L << HKID_SHIFT) - 4 * KIB, pamt.size() + 4 * KIB);
                case TOO_SMALL -> tdmr.withPamt(ps, pamt.start(), pamt.size() - 4 * KIB);
                case EMPTY -> tdmr.withPamt(ps, pamt.start(), 0);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(PamtDefect.class)
    void configRejectsAnInvalidPamtOfEachPageSize(PamtDefect defect) {
        // A 1 GiB TDMR's 1G PAMT is one page: smaller is empty. The next test makes it too small.
        for (PageSize ps : PageSize.values()) {
            if (defect == PamtDefect.TOO_SMALL && ps == PageSize.SIZE_1G) {
                continue;
            }
            ModuleDriver driver = initialized();
            long expected = 0xC0000A1000000001L | (long) ps.code() << 8;
            assertConfigFails(expected, driver, with(tdmrs(2), 1, defect.applyTo(tdmr1(), ps)));
        }
    }

    @Test
    void configRejectsA1gPamtSmallerThanOneEntryPerGib() {
        // 257 GiB needs 257 × 16 bytes: two pages.
        ModuleDriver driver = initialized(List.of(new Range(0, 1024 * GIB)), ModuleVersion.V1_5);
        TdmrSpec tdmr = TdmrSpec.of(0, 257 * GIB).withPamtsAt(512 * GIB);
        assertEquals(2 * 4 * KIB, tdmr.pamt(PageSize.SIZE_1G).size());
        assertConfigFails(0xC0000A1000000200L, driver, List.of(PamtDefect.TOO_SMALL.applyTo(tdmr, PageSize.SIZE_1G)));
    }

    @Test
    void configChecksThePamtsLargestPageSizeFirst() {
        ModuleDriver driver = initialized();
        TdmrSpec tdmr = PamtDefect.MISALIGNED_BASE.applyTo(PamtDefect.EMPTY.applyTo(tdmr1(), PageSize.SIZE_4K),
                PageSize.SIZE_1G);
        assertConfigFails(0xC0000A1000000201L, driver, with(tdmrs(2), 1, tdmr));
        tdmr = PamtDefect.EMPTY.applyTo(PamtDefect.EMPTY.applyTo(tdmr1(), PageSize.SIZE_4K), PageSize.SIZE_2M);
        assertConfigFails(0xC0000A1000000101L, driver, with(tdmrs(2), 1, tdmr));
    }

    @Test
    void configRejectsTdmrFivesTooSmall2mPamt() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(6);
        assertConfigFails(0xC0000A1000000105L, driver,
                with(tdmrs, 5, PamtDefect.TOO_SMALL.applyTo(tdmrs.get(5), PageSize.SIZE_2M)));
    }

    @Test
    void configCountsReservedAreasInThePamtMinimum() {
        ModuleDriver driver = initialized();
        // A 2 GiB TDMR, half of it reserved, with PAMTs sized for 1 GiB.
        TdmrSpec tdmr = TdmrSpec.of(0, GIB).withPamtsAt(PAMT_POOL).withSize(2 * GIB).withReserved(GIB, GIB);
        assertConfigFails(0xC0000A1000000100L, driver, List.of(tdmr));
    }

    @Test
    void configSizesPamtsWithThePamtEntrySizeTheModuleReports() {
        ModuleDriver driver = driver(ModuleDriver.platform(List.of(CMR)),
                ModuleSettings.defaults(ModuleVersion.V1_5).withLimits(64, 16, 32)).sysInitDone();
        // Sized for 16-byte entries, the 2M PAMT (8 KiB for 16 KiB needed) is the first too small.
        assertConfigFails(0xC0000A1000000100L, driver, tdmrs(1));
        assertConfigSucceeds(driver, List.of(TdmrSpec.of(0, GIB).withPamtsAt(PAMT_POOL, 32)));
    }

    // ---- the loop: PAMTs against PAMTs ------------------------------------------------------

    @ParameterizedTest
    @EnumSource(PageSize.class)
    void configRejectsAPamtOverlappingAPamtOfAnEarlierTdmr(PageSize ps) {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(2);
        // Any PAMT placed at the start of TDMR 0's 2M PAMT overlaps it.
        long target = tdmrs.get(0).pamt(PageSize.SIZE_2M).start();
        TdmrSpec tdmr = tdmrs.get(1).withPamt(ps, target, tdmrs.get(1).pamt(ps).size());
        assertConfigFails(0xC0000A1200000001L | (long) ps.code() << 8, driver, with(tdmrs, 1, tdmr));
    }

    @Test
    void configReportsTheFirstEarlierTdmrWhosePamtsOverlap() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(3);
        TdmrSpec tdmr = tdmrs.get(2)
                .withPamt(PageSize.SIZE_4K, tdmrs.get(1).pamt(PageSize.SIZE_4K).start(), 4 * MIB)
                .withPamt(PageSize.SIZE_1G, tdmrs.get(0).pamt(PageSize.SIZE_1G).start(), 4 * KIB);
        assertConfigFails(0xC0000A1200000202L, driver, with(tdmrs, 2, tdmr));
    }

    @Test
    void configRejectsA4kPamtOverlappingItsOwn2mOr1gPamt() {
        ModuleDriver driver = initialized();
        TdmrSpec tdmr = tdmr1();
        long base2m = tdmr.pamt(PageSize.SIZE_2M).start();
        assertConfigFails(0xC0000A1200010001L, driver,
                with(tdmrs(2), 1, tdmr.withPamt(PageSize.SIZE_4K, base2m - 4 * MIB + 4 * KIB, 4 * MIB)));
        long base1g = tdmr.pamt(PageSize.SIZE_1G).start();
        assertConfigFails(0xC0000A1200010001L, driver,
                with(tdmrs(2), 1, tdmr.withPamt(PageSize.SIZE_2M, base1g + 4 * MIB, 8 * KIB)
                        .withPamt(PageSize.SIZE_4K, base1g - 4 * MIB + 4 * KIB, 4 * MIB)));
    }

    @Test
    void configRejectsA2mPamtOverlappingItsOwn1gPamt() {
        ModuleDriver driver = initialized();
        TdmrSpec tdmr = tdmr1();
        long base1g = tdmr.pamt(PageSize.SIZE_1G).start();
        assertConfigFails(0xC0000A1200010101L, driver,
                with(tdmrs(2), 1, tdmr.withPamt(PageSize.SIZE_2M, base1g - 4 * KIB, 8 * KIB)));
    }

    // ---- the loop: PAMTs against usable memory ----------------------------------------------

    @Test
    void configRejectsAPamtInItsOwnTdmrsUsableMemory() {
        ModuleDriver driver = initialized();
        TdmrSpec tdmr = tdmr1();
        assertConfigFails(0xC0000A1200010101L, driver,
                with(tdmrs(2), 1, tdmr.withPamt(PageSize.SIZE_2M, tdmr.base() + 512 * MIB, 8 * KIB)));
    }

    @Test
    void configRejectsPamtInsideAnotherTdmrsUsableMemory() {
        ModuleDriver driver = initialized();
        assertConfigFails(0xC0000A1200000001L, driver,
                with(tdmrs(2), 1, tdmr1().withPamt(PageSize.SIZE_4K, 100 * MIB, 4 * MIB)));
    }

    @Test
    void configRejectsTdmrTwos2mPamtInTdmrFivesUsableMemoryWhenCheckingTdmrFive() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(6);
        TdmrSpec tdmr2 = tdmrs.get(2).withPamt(PageSize.SIZE_2M, tdmrs.get(5).base() + 8 * MIB, 8 * KIB);
        assertConfigFails(0xC0000A1200050102L, driver, with(tdmrs, 2, tdmr2));
    }

    @Test
    void configAcceptsPamtsInReservedAreasOfTheirOwnAndOtherTdmrs() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(2);
        // TDMR 0's PAMTs at the top of TDMR 0, TDMR 1's at the top of TDMR 0 too, all reserved there.
        TdmrSpec tdmr0 = tdmrs.get(0).withPamtsAt(GIB - 16 * MIB).withReserved(GIB - 16 * MIB, 16 * MIB);
        TdmrSpec tdmr1 = tdmrs.get(1).withPamtsAt(GIB - 8 * MIB);
        assertConfigSucceeds(driver, List.of(tdmr0, tdmr1));
    }

    @Test
    void configRejectsAPamtInUsableMemoryBetweenReservedAreas() {
        ModuleDriver driver = initialized();
        TdmrSpec tdmr = tdmr1().withReserved(0, 4 * MIB).withReserved(8 * MIB, 8 * MIB);
        // The 1G PAMT sits in the usable gap [4 MiB, 8 MiB) of TDMR 1.
        assertConfigFails(0xC0000A1200010201L, driver,
                with(tdmrs(2), 1, tdmr.withPamt(PageSize.SIZE_1G, tdmr.base() + 4 * MIB, 4 * KIB)));
    }

    // ---- the loop: PAMTs and TDMRs in CMRs --------------------------------------------------

    @ParameterizedTest
    @EnumSource(PageSize.class)
    void configRejectsAPamtOutsideTheCmrs(PageSize ps) {
        ModuleDriver driver = initialized();
        TdmrSpec tdmr = tdmr1();
        assertConfigFails(0xC0000A1100000001L | (long) ps.code() << 8, driver,
                with(tdmrs(2), 1, tdmr.withPamt(ps, 300 * GIB, tdmr.pamt(ps).size())));
    }

    @Test
    void configChecksPamtsInCmrsLargestFirst() {
        ModuleDriver driver = initialized();
        assertConfigFails(0xC0000A1100000201L, driver, with(tdmrs(2), 1, tdmr1().withPamtsAt(300 * GIB)));
    }

    @Test
    void configAcceptsAPamtSpanningTwoExactlyAdjacentCmrs() {
        ModuleDriver driver = initialized(List.of(new Range(0, 194 * GIB), new Range(194 * GIB, 256 * GIB)),
                ModuleVersion.V1_5);
        assertConfigSucceeds(driver, List.of(tdmrs(1).get(0).withPamtsAt(194 * GIB - 2 * MIB)));
    }

    @Test
    void configRejectsAPamtSpanningAGapBetweenCmrs() {
        ModuleDriver driver = initialized(List.of(new Range(0, 194 * GIB), new Range(194 * GIB + 4 * KIB, 256 * GIB)),
                ModuleVersion.V1_5);
        assertConfigFails(0xC0000A1100000000L, driver, List.of(tdmrs(1).get(0).withPamtsAt(194 * GIB - 2 * MIB)));
    }

    @Test
    void configAcceptsATdmrSpanningTwoExactlyAdjacentCmrs() {
        ModuleDriver driver = initialized(List.of(new Range(0, 2 * GIB + 512 * MIB), new Range(2 * GIB + 512 * MIB,
                256 * GIB)), ModuleVersion.V1_5);
        assertConfigSucceeds(driver, tdmrs(2));
    }

    @Test
    void configRejectsATdmrSpanningTwoCmrsWithAGap() {
        ModuleDriver driver = initialized(List.of(new Range(0, 2 * GIB + 512 * MIB), new Range(2 * GIB + 512 * MIB
                + 4 * KIB, 256 * GIB)), ModuleVersion.V1_5);
        assertConfigFails(0xC0000A0200000001L, driver, tdmrs(2));
    }

    @Test
    void configChecksEachUsablePartOfATdmrOnItsOwn() {
        // The gap between the CMRs is reserved: each usable part lies in one CMR.
        ModuleDriver driver = initialized(List.of(new Range(0, 2 * GIB + 512 * MIB), new Range(2 * GIB + 512 * MIB
                + 4 * KIB, 256 * GIB)), ModuleVersion.V1_5);
        assertConfigSucceeds(driver, with(tdmrs(2), 1, tdmr1().withReserved(512 * MIB, 4 * KIB)));
    }

    @Test
    void configRejectsAUsablePartAfterTheLastReservedAreaOutsideTheCmrs() {
        ModuleDriver driver = initialized(List.of(new Range(0, 2 * GIB + 512 * MIB), new Range(192 * GIB, 256 * GIB)),
                ModuleVersion.V1_5);
        assertConfigFails(0xC0000A0200000001L, driver, with(tdmrs(2), 1, tdmr1().withReserved(0, 4 * KIB)));
    }

    @Test
    void configMergesCmrsAcrossNullSlots() {
        Platform platform = Platform.builder().cpus(2, 2).cmrs(List.of(new Cmr(0, 2 * GIB + 512 * MIB), new Cmr(0, 0),
                new Cmr(2 * GIB + 512 * MIB, 254 * GIB - 512 * MIB))).build();
        ModuleDriver driver = driver(platform, ModuleSettings.defaults(ModuleVersion.V1_5)).sysInitDone();
        assertConfigSucceeds(driver, tdmrs(2));
    }

    @Test
    void configDoesNotNeedReservedAreasInCmrs() {
        ModuleDriver driver = initialized(List.of(new Range(0, 2 * GIB + 512 * MIB), new Range(2 * GIB + 768 * MIB,
                256 * GIB)), ModuleVersion.V1_5);
        assertConfigSucceeds(driver, with(tdmrs(2), 1, tdmr1().withReserved(512 * MIB, 256 * MIB)));
    }

    // ---- the 1.0 empty tail -----------------------------------------------------------------

    /** TDMR 0 = [0, 1 GiB) with 16 reserved areas, the last reaching the TDMR end. */
    private static TdmrSpec sixteenAreasToTheEnd(int nonNullSlots) {
        TdmrSpec tdmr = TdmrSpec.of(0, GIB).withPamtsAt(PAMT_POOL);
        for (int j = 0; j < nonNullSlots - 1; j++) {
            tdmr = tdmr.withReserved(j * 64 * MIB + 32 * MIB, 4 * KIB);
        }
        return tdmr.withReserved(GIB - 64 * MIB, 64 * MIB);
    }

    /** CMRs that hold every usable part of that TDMR but do not reach its end. */
    private static final List<Range> SHORT_OF_THE_END = List.of(new Range(0, GIB - 32 * MIB),
            new Range(PAMT_POOL, 256 * GIB));

    @Test
    void configOnModule10ChecksTheEmptyTailAfterSixteenReservedAreas() {
        ModuleDriver driver = initialized(SHORT_OF_THE_END, ModuleVersion.V1_0);
        assertConfigFails(0xC0000A0200000000L, driver, List.of(sixteenAreasToTheEnd(16)));
    }

    @Test
    void configOnModule15SkipsTheEmptyTail() {
        ModuleDriver driver = initialized(SHORT_OF_THE_END, ModuleVersion.V1_5);
        assertConfigSucceeds(driver, List.of(sixteenAreasToTheEnd(16)));
    }

    @Test
    void configOnModule10AcceptsTheEmptyTailWhenACmrReachesTheTdmrEnd() {
        ModuleDriver driver = initialized(List.of(new Range(0, GIB), new Range(PAMT_POOL, 256 * GIB)),
                ModuleVersion.V1_0);
        assertConfigSucceeds(driver, List.of(sixteenAreasToTheEnd(16)));
    }

    @Test
    void configOnModule10ChecksNoTailWhenTheLastSlotIsNull() {
        ModuleDriver driver = initialized(SHORT_OF_THE_END, ModuleVersion.V1_0);
        assertConfigSucceeds(driver, List.of(sixteenAreasToTheEnd(15)));
    }

    // ---- after a failure --------------------------------------------------------------------

    @Test
    void configCanBeRetriedAfterAFailure() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(3);
        assertConfigFails(0xC0000A0000000002L, driver, with(tdmrs, 2, tdmrs.get(2).withSize(0)));
        assertConfigSucceeds(driver, tdmrs);
        assertEquals(3, driver.module().status().tdmrs().size());
    }

    @Test
    void configLeavesTheEntriesItWroteBeforeAFailureUnused() {
        ModuleDriver driver = initialized();
        List<TdmrSpec> tdmrs = tdmrs(3);
        assertConfigFails(0xC0000A0000000002L, driver, with(tdmrs, 2, tdmrs.get(2).withSize(0)));
        ModuleContext context = driver.module().context();
        assertNotNull(context.tdmrTable[1]);
        assertEquals(2 * GIB, context.tdmrTable[1].base);
        assertEquals(0, context.tdmrCount);
        // TDMR.INIT cannot reach them: the module is not even ready.
        assertStatus(0xC000050500000000L, driver.tdmrInit(0, 0).rax());
    }
}
