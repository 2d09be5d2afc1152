package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/** The dispatcher's pre-checks, module-abi.md §1.1 and §1.2, and the shutdown leaves of §4.9. */
class DispatcherTest {

    private final List<SparseHostMemory> memories = new ArrayList<>();

    @AfterEach
    void closeMemory() {
        memories.forEach(SparseHostMemory::close);
    }

    private TdxModule module(ModuleVersion version) {
        SparseHostMemory memory = new SparseHostMemory(List.of(new Range(0, 1L << 34)), 46);
        memories.add(memory);
        return new TdxModule(Platform.builder().cpus(1, 2).cmrs(List.of(new Cmr(0x100000, 0x7FF00000))).build(),
                ModuleSettings.defaults(version), memory);
    }

    private static void assertStatus(long expected, long actual) {
        assertEquals(expected, actual, () -> "got " + DecodedStatus.of(actual).summary() + ", expected "
                + DecodedStatus.of(expected).summary());
    }

    private static long callRax(TdxModule module, int cpu, long rax) {
        return module.call(cpu, new RegisterFile().set(Gpr.RAX, rax));
    }

    /** Puts the module straight into {@code state}; the leaves that get there are pinned elsewhere. */
    private static void force(TdxModule module, SysState state) {
        module.context().state = state;
    }

    @Test
    void reservedRaxBitsAreOperandInvalidOnRax() {
        TdxModule module = module(ModuleVersion.V1_5);
        assertStatus(0xC000010000000000L, callRax(module, 0, Leaf.TDH_SYS_INIT.rax() | 1L << 24));
        assertStatus(0xC000010000000000L, callRax(module, 0, Leaf.TDH_SYS_INIT.rax() | 1L << 32));
        assertEquals(SysState.SYSINIT_PENDING, module.state());
    }

    @Test
    void everySysLeafRequiresVersionZero() {
        TdxModule module = module(ModuleVersion.V1_5);
        for (Leaf leaf : Leaf.values()) {
            assertStatus(0xC000010000000000L, callRax(module, 0, LeafSelector.encode(leaf.number(), 1)));
        }
    }

    @Test
    void aVersionedTdLeafPassesTheRaxCheckAndMeetsTheStateGate() {
        TdxModule module = module(ModuleVersion.V1_5);
        long mngRdVersion1 = LeafSelector.encode(11, 1);
        assertStatus(0xC000050500000000L, callRax(module, 0, mngRdVersion1));
        force(module, SysState.SYS_READY);
        assertStatus(0xC000010000000000L, callRax(module, 0, mngRdVersion1));
    }

    @Test
    void beforeReadyUnknownAndTdLeavesAreNotReady() {
        TdxModule module = module(ModuleVersion.V1_5);
        for (long rax : new long[] {0, 8, 28, 40, 99, 0xFFFF, Leaf.TDH_SYS_TDMR_INIT.rax(), Leaf.TDH_SYS_SHUTDOWN.rax()}) {
            assertStatus(0xC000050500000000L, callRax(module, 0, rax));
        }
    }

    @Test
    void inReadyUnknownLeavesAreOperandInvalidOnRax() {
        TdxModule module = module(ModuleVersion.V1_5);
        force(module, SysState.SYS_READY);
        for (long rax : new long[] {0, 28, 40, 99, 0xFFFF}) {
            assertStatus(0xC000010000000000L, callRax(module, 0, rax));
        }
    }

    @Test
    void inShutdownOnlyLpShutdownRuns() {
        TdxModule module = module(ModuleVersion.V1_5);
        force(module, SysState.SYS_SHUTDOWN);
        for (Leaf leaf : Leaf.values()) {
            long expected = leaf == Leaf.TDH_SYS_LP_SHUTDOWN ? 0 : 0xC000050600000000L;
            assertStatus(expected, module.call(0, leaf, new RegisterFile()));
        }
        assertStatus(0xC000050600000000L, callRax(module, 0, 99));
    }

    @Test
    void lpShutdownIsANoOpIn15InEveryState() {
        TdxModule module = module(ModuleVersion.V1_5);
        for (SysState state : SysState.values()) {
            force(module, state);
            RegisterFile regs = new RegisterFile().set(Gpr.RCX, 7).set(Gpr.RDX, 8);
            assertStatus(0, module.call(1, Leaf.TDH_SYS_LP_SHUTDOWN, regs));
            assertEquals(7, regs.rcx());
            assertEquals(8, regs.rdx());
            assertEquals(state, module.state());
        }
    }

    @Test
    void lpShutdownIn10ShutsTheModuleDown() {
        TdxModule module = module(ModuleVersion.V1_0);
        assertStatus(0, module.call(0, Leaf.TDH_SYS_INIT, new RegisterFile()));
        assertStatus(0, module.call(1, Leaf.TDH_SYS_LP_SHUTDOWN, new RegisterFile()));
        assertEquals(SysState.SYS_SHUTDOWN, module.state());
        assertStatus(0xC000050600000000L, module.call(0, Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
        assertStatus(0, module.call(0, Leaf.TDH_SYS_LP_SHUTDOWN, new RegisterFile()));
    }

    @Test
    void module10ComparesTheWholeRaxAndHasNoMetadataLeaves() {
        TdxModule module = module(ModuleVersion.V1_0);
        assertStatus(0xC000010000000000L, callRax(module, 0, Leaf.TDH_SYS_INIT.rax() | 1L << 16));
        // The real-world failure of a 6.8 kernel on a 1.0 module (kernel-init.md §2.6).
        assertStatus(0xC000050500000000L, module.call(0, Leaf.TDH_SYS_RD,
                new RegisterFile().set(Gpr.RDX, 0x9100000100000008L)));
        assertStatus(0xC000050500000000L, module.call(0, Leaf.TDH_SYS_UPDATE, new RegisterFile()));
        force(module, SysState.SYS_READY);
        assertStatus(0xC000010000000000L, module.call(0, Leaf.TDH_SYS_RD, new RegisterFile()));
        assertStatus(0xC000010000000000L, module.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile()));
    }

    @Test
    void aCpuThePlatformDoesNotHaveIsUd() {
        TdxModule module = module(ModuleVersion.V1_5);
        RegisterFile regs = new RegisterFile();
        assertStatus(0x8000FF0000000006L, module.call(2, Leaf.TDH_SYS_INIT, regs));
        assertEquals(0x8000FF0000000006L, regs.rax());
        assertStatus(0x8000FF0000000006L, module.call(-1, Leaf.TDH_SYS_INIT, new RegisterFile()));
    }

    @Test
    void shutdownChecksTheHandoffVersionThenShutsDown() {
        TdxModule module = module(ModuleVersion.V1_5);
        force(module, SysState.SYS_READY);
        assertStatus(0xC000010000000001L, module.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile().set(Gpr.RCX, 1)));
        assertEquals(SysState.SYS_READY, module.state());
        assertStatus(0, module.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile()));
        assertEquals(SysState.SYS_SHUTDOWN, module.state());
        assertStatus(0xC000050600000000L, module.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile()));
    }

    @Test
    void shutdownWhileAnotherLpIsInsideASeamcallRevertsToReady() {
        TdxModule module = module(ModuleVersion.V1_5);
        force(module, SysState.SYS_READY);
        module.context().lps[1].busy = true;
        assertStatus(0x8000020200000000L, module.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile()));
        assertEquals(SysState.SYS_READY, module.state());
        module.context().lps[1].busy = false;
        assertStatus(0, module.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile()));
    }

    @Test
    void updateNeedsSysinitDoneAndAllLpsThenFindsNoHandoff() {
        TdxModule module = module(ModuleVersion.V1_5);
        assertStatus(0xC000050800000000L, module.call(0, Leaf.TDH_SYS_UPDATE, new RegisterFile()));
        module.call(0, Leaf.TDH_SYS_INIT, new RegisterFile());
        module.call(0, Leaf.TDH_SYS_LP_INIT, new RegisterFile());
        assertStatus(0xC000050800000000L, module.call(0, Leaf.TDH_SYS_UPDATE, new RegisterFile()));
        module.call(1, Leaf.TDH_SYS_LP_INIT, new RegisterFile());
        assertStatus(0xC000050900000000L, module.call(0, Leaf.TDH_SYS_UPDATE, new RegisterFile()));
        assertEquals(SysState.SYSINIT_DONE, module.state());
    }

    @Test
    void noCallEverThrows() {
        TdxModule module = module(ModuleVersion.V1_5);
        for (long rax = 0; rax < 80; rax++) {
            module.call(0, new RegisterFile().set(Gpr.RAX, rax).set(Gpr.RCX, -1).set(Gpr.RDX, -1).set(Gpr.R8, -1));
        }
        assertEquals(List.of(), module.internalErrors());
    }
}
