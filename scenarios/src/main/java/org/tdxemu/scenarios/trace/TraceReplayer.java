package org.tdxemu.scenarios.trace;

import java.io.BufferedReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
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
 * Replays a trace on a fresh platform: applies the host writes and issues the SEAMCALLs in order
 * on their CPUs, comparing each call's status and listed output registers with the trace's. The
 * whole trace is always read, so a malformed or cut one is bad input even after a divergence.
 */
public final class TraceReplayer {

    /**
     * How a replay went.
     *
     * @param module      the module the calls were issued to
     * @param calls       the SEAMCALL records in the trace
     * @param divergences the calls that differed, in order: only the first unless every call was issued
     */
    public record Result(ModuleSpec module, long calls, List<Divergence> divergences) {
        public Result {
            divergences = List.copyOf(divergences);
        }

        public boolean matched() {
            return divergences.isEmpty();
        }
    }

    /**
     * One call whose answer differed from the trace's.
     *
     * @param call        its number among the trace's SEAMCALLs, from 1
     * @param line        its line in the trace
     * @param leaf        the leaf its rax chooses, or {@code RAX 0x…} when tdxemu knows none
     * @param differences each register or status that differed, in words
     */
    public record Divergence(long call, int line, String leaf, int cpu, List<String> differences) {
        public Divergence {
            differences = List.copyOf(differences);
        }

        /**
         * e.g. {@code call 6 (line 7), TDH.SYS.RD on CPU 0, replayed against module 1.0: status 0x…
         * (TDX_SYS_NOT_READY), the trace says 0x0 (TDX_SUCCESS)}.
         */
        public String describe(ModuleSpec module) {
            return String.format("call %d (line %d), %s on CPU %d, replayed against module %s: %s", call, line, leaf,
                    cpu, module.label(), String.join("; ", differences));
        }
    }

    private TraceReplayer() {
    }

    /**
     * @param moduleVersion a personality to play instead of the trace's, or empty
     * @param keepGoing     issue every call and report each that differs, instead of stopping at the first
     * @throws ScenarioException when the trace is malformed or cut short
     */
    public static Result replay(BufferedReader trace, Optional<ModuleVersion> moduleVersion, boolean keepGoing) {
        return replay(trace, module -> moduleVersion.map(module::withVersion).orElse(module), keepGoing);
    }

    /**
     * @param played    the module to replay against, from the trace's
     * @param keepGoing issue every call and report each that differs, instead of stopping at the first
     * @throws ScenarioException when the trace is malformed or cut short
     */
    public static Result replay(BufferedReader trace, UnaryOperator<ModuleSpec> played, boolean keepGoing) {
        TraceReader reader = new TraceReader(trace);
        TraceRecord.PlatformLine first = (TraceRecord.PlatformLine) reader.next();
        ModuleSpec module = played.apply(first.module());
        List<Divergence> divergences = new ArrayList<>();
        try (Machine machine = new Machine(first.platform(), module.settings())) {
            long calls = 0;
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
                    if (keepGoing || divergences.isEmpty()) {
                        issue(machine, call, calls).ifPresent(divergences::add);
                    }
                }
            }
            return new Result(module, calls, divergences);
        }
    }

    private static Optional<Divergence> issue(Machine machine, TraceRecord.Call call, long number) {
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
        return Optional.of(new Divergence(number, call.line(), leaf, call.cpu(), differences));
    }
}
