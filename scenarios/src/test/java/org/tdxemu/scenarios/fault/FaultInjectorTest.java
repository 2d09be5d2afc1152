package org.tdxemu.scenarios.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

class FaultInjectorTest {

    private static final long NO_ENTROPY = 0x8000020300000000L;

    /** A module that records who called it, sets RDX to 7 and succeeds. */
    private final List<String> moduleSaw = new ArrayList<>();
    private final Seamcall module = (cpu, regs) -> {
        moduleSaw.add(Leaf.ofNumber((int) regs.rax()).orElseThrow() + "@" + cpu);
        regs.set(Gpr.RDX, 7);
        regs.set(Gpr.RAX, 0);
        return 0;
    };

    private static FaultSpec fault(Leaf leaf, int occurrence, OptionalInt cpu, int repeat, FaultSpec.Mode mode,
                                   Map<Gpr, Long> out) {
        return new FaultSpec(leaf, occurrence, cpu, NO_ENTROPY, repeat, out, mode);
    }

    private static long call(Seamcall seamcall, int cpu, Leaf leaf) {
        return seamcall.call(cpu, leaf, new RegisterFile());
    }

    @Test
    void answersFromTheOccurrenceForRepeatCallsOfItsLeaf() {
        FaultInjector injector = new FaultInjector(module, List.of(
                fault(Leaf.TDH_SYS_RD, 2, OptionalInt.empty(), 2, FaultSpec.Mode.INSTEAD, Map.of())));
        List<Long> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            call(injector, 0, Leaf.TDH_SYS_LP_INIT);
            statuses.add(call(injector, 0, Leaf.TDH_SYS_RD));
        }
        assertEquals(List.of(0L, NO_ENTROPY, NO_ENTROPY, 0L), statuses);
        assertEquals(2, injector.injected());
        assertEquals(6, moduleSaw.size(), "the two answered calls never reached the module");
    }

    @Test
    void countsOnlyTheCallsOfItsCpuWhenItNamesOne() {
        FaultInjector injector = new FaultInjector(module, List.of(
                fault(Leaf.TDH_SYS_KEY_CONFIG, 1, OptionalInt.of(4), 1, FaultSpec.Mode.INSTEAD, Map.of())));
        assertEquals(0, call(injector, 0, Leaf.TDH_SYS_KEY_CONFIG));
        assertEquals(NO_ENTROPY, call(injector, 4, Leaf.TDH_SYS_KEY_CONFIG));
        assertEquals(0, call(injector, 4, Leaf.TDH_SYS_KEY_CONFIG));
        assertEquals(List.of("TDH.SYS.KEY.CONFIG@0", "TDH.SYS.KEY.CONFIG@4"), moduleSaw);
    }

    @Test
    void insteadLeavesTheRegistersAsTheyWentInButTheOutputsItNames() {
        FaultInjector injector = new FaultInjector(module, List.of(fault(Leaf.TDH_SYS_TDMR_INIT, 1, OptionalInt.empty(), 1,
                FaultSpec.Mode.INSTEAD, Map.of(Gpr.RCX, 0x1234L))));
        RegisterFile regs = new RegisterFile().set(Gpr.RDX, 99).set(Gpr.R8, 5);
        assertEquals(NO_ENTROPY, injector.call(1, Leaf.TDH_SYS_TDMR_INIT, regs));
        assertEquals(NO_ENTROPY, regs.rax());
        assertEquals(0x1234, regs.rcx());
        assertEquals(99, regs.rdx());
        assertEquals(5, regs.r8());
        assertEquals(List.of(), moduleSaw);
    }

    @Test
    void afterLetsTheModuleRunThenOverridesItsAnswer() {
        FaultInjector injector = new FaultInjector(module, List.of(fault(Leaf.TDH_SYS_TDMR_INIT, 1, OptionalInt.empty(), 1,
                FaultSpec.Mode.AFTER, Map.of())));
        RegisterFile regs = new RegisterFile();
        assertEquals(NO_ENTROPY, injector.call(0, Leaf.TDH_SYS_TDMR_INIT, regs));
        assertEquals(7, regs.rdx(), "the module's outputs stay unless the fault names them");
        assertEquals(List.of("TDH.SYS.TDMR.INIT@0"), moduleSaw);
    }

    @Test
    void theFirstMatchingFaultAnswersAndEveryFaultCounts() {
        FaultSpec first = new FaultSpec(Leaf.TDH_SYS_RD, 1, OptionalInt.empty(), 0xC000050500000000L, 1, Map.of(),
                FaultSpec.Mode.INSTEAD);
        FaultSpec second = new FaultSpec(Leaf.TDH_SYS_RD, 1, OptionalInt.empty(), NO_ENTROPY, 2, Map.of(),
                FaultSpec.Mode.INSTEAD);
        FaultInjector injector = new FaultInjector(module, List.of(first, second));
        assertEquals(0xC000050500000000L, call(injector, 0, Leaf.TDH_SYS_RD));
        assertEquals(NO_ENTROPY, call(injector, 0, Leaf.TDH_SYS_RD), "the second fault counted the first call too");
        assertEquals(0, call(injector, 0, Leaf.TDH_SYS_RD));
    }

    @Test
    void countingCountsByLeafNumber() {
        CountingSeamcall counting = new CountingSeamcall(module);
        call(counting, 0, Leaf.TDH_SYS_RD);
        call(counting, 1, Leaf.TDH_SYS_RD);
        call(counting, 1, Leaf.TDH_SYS_INIT);
        assertEquals(Map.of(33, 1L, 34, 2L), counting.byLeaf());
        assertEquals(3, counting.total());
    }
}
