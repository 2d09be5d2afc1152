package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Hardware;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.emulator.platform.PlatformKeyIds;
import org.tdxemu.emulator.platform.Smrr;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/** TDH.SYS.INIT, module-abi.md §4.1: every check in order, its status, and what it changes. */
class SysInitTest {

    private static final List<Cmr> CMRS = List.of(new Cmr(0x100000, 0x77700000), new Cmr(0x100000000L, 0x80000000L));

    private final List<SparseHostMemory> memories = new ArrayList<>();

    private TdxModule module(Platform.Builder platform, ModuleVersion version, Hardware hardware) {
        SparseHostMemory memory = new SparseHostMemory(List.of(new Range(0, 1L << 34)), 46);
        memories.add(memory);
        return new TdxModule(platform.build(), ModuleSettings.defaults(version), memory, hardware);
    }

    private TdxModule module(Platform.Builder platform) {
        return module(platform, ModuleVersion.V1_5, Hardware.IDEAL);
    }

    @AfterEach
    void closeMemory() {
        memories.forEach(SparseHostMemory::close);
    }

    private static Platform.Builder platform() {
        return Platform.builder().cpus(2, 2).cmrs(CMRS);
    }

    private static long sysInit(TdxModule module, RegisterFile regs) {
        return module.call(0, Leaf.TDH_SYS_INIT, regs);
    }

    private static void assertStatus(long expected, long actual) {
        assertEquals(expected, actual, () -> "got " + DecodedStatus.of(actual).summary() + ", expected "
                + DecodedStatus.of(expected).summary());
    }

    @Test
    void succeedsOnceAndMovesToSysinitDone() {
        TdxModule module = module(platform());
        assertStatus(0, sysInit(module, new RegisterFile()));
        assertEquals(SysState.SYSINIT_DONE, module.state());
        assertEquals(4, module.context().lpCount);
        assertEquals(2, module.context().packageCount);
        assertEquals(List.of(), module.status().initializedCpus(), "SYS.INIT does not initialize its own LP");
    }

    @Test
    void aSecondCallIsNotPending() {
        TdxModule module = module(platform());
        sysInit(module, new RegisterFile());
        assertStatus(0xC000050000000000L, sysInit(module, new RegisterFile()));
        assertEquals(SysState.SYSINIT_DONE, module.state());
    }

    @Test
    void nonZeroRcxIsCheckedBeforeTheState() {
        TdxModule module = module(platform());
        assertStatus(0xC000010000000001L, sysInit(module, new RegisterFile().set(Gpr.RCX, 1)));
        assertEquals(SysState.SYSINIT_PENDING, module.state());
        sysInit(module, new RegisterFile());
        assertStatus(0xC000010000000001L, sysInit(module, new RegisterFile().set(Gpr.RCX, 1L << 63)));
    }

    @Test
    void zeroesItsOutputRegistersAndLeavesTheOthersAlone() {
        TdxModule module = module(platform());
        RegisterFile regs = new RegisterFile();
        for (Gpr r : Gpr.values()) {
            regs.set(r, 0x1111L * (r.ordinal() + 1));
        }
        regs.set(Gpr.RCX, 0);
        long status = sysInit(module, regs);
        assertStatus(0, status);
        for (Gpr r : Gpr.values()) {
            long expected = switch (r) {
                case RAX, RCX, RDX, R8, R9, R10 -> 0;
                default -> 0x1111L * (r.ordinal() + 1);
            };
            assertEquals(expected, regs.get(r), r.name());
        }
    }

    @Test
    void anIncorrectMsrValueNamesTheMsr() {
        TdxModule module = module(platform().defects(List.of(new PlatformDefect.IncorrectMsr(0x122))));
        assertStatus(0xC000092100000122L, sysInit(module, new RegisterFile()));
        assertEquals(SysState.SYSINIT_PENDING, module.state());
    }

    @Test
    void msrChecksComeBeforeCpuidChecks() {
        TdxModule module = module(platform().defects(List.of(new PlatformDefect.IncorrectCpuid(7, 0, -1, 0),
                new PlatformDefect.IncorrectMsr(0x10A))));
        assertStatus(0xC00009210000010AL, sysInit(module, new RegisterFile()));
    }

    @Test
    void anIncorrectCpuidValueReportsLeafMaskAndExpectedValue() {
        TdxModule module = module(platform().defects(List.of(
                new PlatformDefect.IncorrectCpuid(0x7, 0x1, 0x0000_00FF_0000_0F00L, 0x0000_0012_0000_0300L))));
        RegisterFile regs = new RegisterFile();
        assertStatus(0xC000090000000000L, sysInit(module, regs));
        assertEquals(0x7L | 0x1L << 32, regs.rcx());
        assertEquals(0x0F00L, regs.rdx());
        assertEquals(0xFFL, regs.r8());
        assertEquals(0x0300L, regs.r9());
        assertEquals(0x12L, regs.r10());
    }

    @Test
    void limitCpuidMaxvalHasItsOwnStatus() {
        assertStatus(0xC000090100000000L,
                sysInit(module(platform().defects(List.of(new PlatformDefect.LimitCpuidMaxval()))), new RegisterFile()));
    }

    @Test
    void tooManyActivatedHkidsAreRefusedWithTheLimit() {
        TdxModule module = module(platform().keyIds(new PlatformKeyIds(1000, 1048, 12)));
        assertStatus(0xC000082500000800L, sysInit(module, new RegisterFile()));
        TdxModule justBelow = module(platform().keyIds(new PlatformKeyIds(1000, 1047, 12)));
        assertStatus(0, sysInit(justBelow, new RegisterFile()));
    }

    @Test
    void cmrListSanityFollowsTheReference() {
        long hkidBit = 1L << 46;
        List<List<Cmr>> invalid = List.of(
                List.of(new Cmr(0x1000, 0x1800)),                               // size not 4K aligned
                List.of(new Cmr(0x1800, 0x1000)),                               // base not 4K aligned
                List.of(new Cmr(0x2000000, 0x1000000), new Cmr(0x100000, 0x1000)), // not ascending
                List.of(new Cmr(0x100000, 0x200000), new Cmr(0x200000, 0x1000)),   // overlaps the previous
                List.of(new Cmr(hkidBit | 0x100000, 0x1000)),                   // HKID bits in the base
                List.of(new Cmr(hkidBit - 0x1000, 0x2000)),                     // HKID bits in the end
                List.of(new Cmr(-0x1000L, 0x2000)));                            // base + size overflows
        for (List<Cmr> cmrs : invalid) {
            TdxModule module = module(platform().cmrs(cmrs));
            assertStatus(0xC0000A2200000000L, sysInit(module, new RegisterFile()));
        }
        List<Cmr> valid = List.of(new Cmr(0, 0), new Cmr(0x100000, 0x100000), new Cmr(0, 0),
                new Cmr(0x200000, 0x1000), new Cmr(0x300000, 0x1000));
        assertStatus(0, sysInit(module(platform().cmrs(valid)), new RegisterFile()));
        List<Cmr> adjacent = List.of(new Cmr(0x100000, 0x1000), new Cmr(0x101000, 0x1000));
        assertStatus(0, sysInit(module(platform().cmrs(adjacent)), new RegisterFile())); // exactly adjacent CMRs are fine
    }

    @Test
    void smrrChecksReportTheSmrrAndTheCmr() {
        assertStatus(0xC000091400000000L, sysInit(module(platform().smrrSupport(false, true)), new RegisterFile()));
        assertStatus(0xC000091300000000L, sysInit(module(platform().smrrSupport(true, false)), new RegisterFile()));
        Smrr good = new Smrr(0x7F800000L, 0x800000, true);
        assertStatus(0xC000091000000001L, sysInit(module(platform().smrrs(List.of(good,
                new Smrr(0x7F000000L, 0x800000, false)))), new RegisterFile()));
        assertStatus(0xC000091100000000L, sysInit(module(platform().smrrs(List.of(
                new Smrr(0x7F800000L, 0x600000, true)))), new RegisterFile()));
        assertStatus(0xC000091200000101L, sysInit(module(platform().smrrs(List.of(good,
                new Smrr(0x100800000L, 0x800000, true)))), new RegisterFile()));
        assertStatus(0, sysInit(module(platform().smrrs(List.of(good))), new RegisterFile()));
    }

    @Test
    void aFailedRdrandIsRndNoEntropyIn15AndSysBusyIn10() {
        Hardware noEntropy = new Hardware() {
            @Override
            public boolean rdrand(int cpu) {
                return false;
            }
        };
        TdxModule v15 = module(platform(), ModuleVersion.V1_5, noEntropy);
        assertStatus(0x8000020300000000L, sysInit(v15, new RegisterFile()));
        assertEquals(SysState.SYSINIT_PENDING, v15.state());
        TdxModule v10 = module(platform(), ModuleVersion.V1_0, noEntropy);
        assertStatus(0x8000020200000000L, sysInit(v10, new RegisterFile()));
    }

    @Test
    void anotherHolderOfTheGlobalLockMakesItBusy() {
        TdxModule module = module(platform());
        assertTrue(module.context().globalLock.tryShared());
        assertStatus(0x8000020200000000L, sysInit(module, new RegisterFile()));
        module.context().globalLock.releaseShared();
        assertEquals(SysState.SYSINIT_PENDING, module.state());
        assertStatus(0, sysInit(module, new RegisterFile()));
    }
}
