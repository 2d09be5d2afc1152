package org.tdxemu.scenarios.trace;

import java.io.BufferedReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.scenarios.run.Machine;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/**
 * Replays a trace on a fresh platform: applies the host writes, issues the SEAMCALLs in order on
 * their CPUs, and stops issuing at the first call whose status or listed output registers differ.
 * The whole trace is always read, so a malformed or cut one is bad input even after a divergence.
 */
public final class TraceReplayer {

    /** How a replay ended: the SEAMCALL records in the trace, and the first one that differed, if any. */
    public record Result(long calls, Optional<String> mismatch) {
        public boolean matched() {
            return mismatch.isEmpty();
        }
    }

    private TraceReplayer() {
    }

    /**
     * @param moduleVersion a personality to play instead of the trace's, or empty
     * @throws ScenarioException when the trace is malformed or cut short
     */
    public static Result replay(BufferedReader trace, Optional<ModuleVersion> moduleVersion) {
        TraceReader reader = new TraceReader(trace);
        TraceRecord.PlatformLine first = (TraceRecord.PlatformLine) reader.next();
        ModuleSpec module = moduleVersion.map(first.module()::withVersion).orElse(first.module());
        try (Machine machine = new Machine(first.platform(), module.settings())) {
            long calls = 0;
            Optional<String> mismatch = Optional.empty();
            while (reader.hasNext()) {
                TraceRecord record = reader.next();
                if (record instanceof TraceRecord.Write write) {
                    if (!machine.memory().isBacked(write.pa(), write.bytes().length)) {
                        throw new ScenarioException(String.format("line %d: pa: [0x%x, 0x%x) is not memory on this platform",
                                write.line(), write.pa(), write.pa() + write.bytes().length));
                    }
                    machine.memory().write(write.pa(), write.bytes());
                } else if (record instanceof TraceRecord.Call call) {
                    calls++;
                    if (mismatch.isEmpty()) {
                        mismatch = issue(machine, call, calls);
                    }
                }
            }
            return new Result(calls, mismatch);
        }
    }

    private static Optional<String> issue(Machine machine, TraceRecord.Call call, long number) {
        RegisterFile registers = new RegisterFile();
        call.in().forEach(registers::set);
        registers.set(Gpr.RAX, call.rax());
        long status = machine.module().call(call.cpu(), registers);
        List<String> differences = new ArrayList<>();
        if (status != call.status()) {
            differences.add(String.format("status 0x%x (%s), the trace says 0x%x (%s)", status,
                    DecodedStatus.of(status).summary(), call.status(), DecodedStatus.of(call.status()).summary()));
        }
        for (Gpr r : Gpr.values()) {
            Long expected = call.out().get(r);
            if (expected != null && registers.get(r) != expected) {
                differences.add(String.format("%s 0x%x, the trace says 0x%x", r.lowerCaseName(), registers.get(r),
                        expected));
            }
        }
        if (differences.isEmpty()) {
            return Optional.empty();
        }
        String leaf = LeafSelector.decode(call.rax()).leaf().map(Leaf::architecturalName)
                .orElse(String.format("RAX 0x%x", call.rax()));
        return Optional.of(String.format("call %d (line %d), %s on CPU %d: %s", number, call.line(), leaf, call.cpu(),
                String.join("; ", differences)));
    }
}
