package org.tdxemu.scenarios.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.run.Emulation;
import org.tdxemu.scenarios.run.Instruments;
import org.tdxemu.scenarios.run.Machine;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/** The clean run's tape: what it keeps, and the machine that answers from it. */
class TapeTest {

    private static final Scenario SMALL = Library.load("small-two-socket");

    private static Supplier<Machine> machines(Scenario scenario) {
        return () -> new Machine(scenario.platform(), scenario.module().settings());
    }

    private static Tape record(Scenario scenario) {
        Tape.Recorder recorder = new Tape.Recorder();
        RunReport report = ScenarioRunner.run(scenario,
                Instruments.NONE.watchingModule(recorder::module).watchingKernelMemory(recorder::kernelMemory));
        Tape tape = recorder.tape();
        assertEquals(report.seamcallCount(), tape.calls());
        return tape;
    }

    @Test
    void identicalCallsInARowAreKeptOnceWithTheirCount() {
        Tape tape = record(Library.load("two-socket-2t"));
        long entries = tape.events().stream().filter(e -> e instanceof Tape.Calls).count();
        // 523,776 TDH.SYS.TDMR.INIT calls on 2046 GiB of TDMRs: one entry for each GiB's 256 calls with one answer.
        assertTrue(entries < 3000, entries + " entries for " + tape.calls() + " calls");
        assertTrue(tape.events().stream().anyMatch(e -> e instanceof Tape.Access), "the kernel's writes are kept");
    }

    @Test
    void aRunThatRepeatsTheCleanRunIsAnsweredWithoutAMachine() {
        Tape tape = record(SMALL).withModuleStatuses(Set.of(0L), machines(SMALL));
        try (Emulation follower = tape.follower(() -> {
            throw new AssertionError("no machine is needed while the run repeats the tape");
        })) {
            assertEquals(new ModuleStatus(SysState.SYSINIT_PENDING, List.of(), 0, 0, 0, List.of(), false),
                    follower.moduleStatus(), "before any call: the status captured there");
            RegisterFile registers = new RegisterFile().set(Gpr.RCX, 0);
            assertEquals(StatusCode.TDX_SUCCESS.value(), follower.module().call(0, Leaf.TDH_SYS_INIT, registers));
            assertEquals(List.of(), follower.internalErrors());
        }
    }

    @Test
    void aRunThatLeavesTheTapeGoesOnOnAMachineBroughtToTheSamePoint() {
        Tape tape = record(SMALL);
        try (Emulation follower = tape.follower(machines(SMALL))) {
            follower.module().call(0, Leaf.TDH_SYS_INIT, new RegisterFile().set(Gpr.RCX, 0));
            // The clean run's next call was LP.INIT on CPU 0; this one asks for CPU 1 first.
            assertEquals(StatusCode.TDX_SUCCESS.value(), follower.module().call(1, Leaf.TDH_SYS_LP_INIT,
                    new RegisterFile()));
            ModuleStatus status = follower.moduleStatus();
            assertEquals(SysState.SYSINIT_DONE, status.state());
            assertEquals(List.of(1), status.initializedCpus(), "SYS.INIT played from the tape, LP.INIT done live");
        }
    }

    @Test
    void aMachineThatAnswersTheTapeDifferentlyIsRefused() {
        RegisterFile in = new RegisterFile().set(Gpr.RAX, Leaf.TDH_SYS_INIT.rax());
        RegisterFile out = in.copy().set(Gpr.RAX, StatusCode.TDX_SYS_BUSY.value());
        Tape wrong = new Tape(List.of(new Tape.Calls(0, in, StatusCode.TDX_SYS_BUSY.value(), out, 1)));
        try (Emulation follower = wrong.follower(machines(SMALL))) {
            follower.module().call(0, in.copy());
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> follower.module().call(1, Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
            assertTrue(refused.getMessage().startsWith("the module answered SEAMCALL 1 ("), refused.getMessage());
        }
    }
}
