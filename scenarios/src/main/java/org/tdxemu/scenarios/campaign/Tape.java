package org.tdxemu.scenarios.campaign;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.scenarios.run.Emulation;
import org.tdxemu.scenarios.run.Machine;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * A fault campaign's clean run as the machine saw it: every SEAMCALL the module answered and every
 * access of the kernel to host memory, in order. Identical calls in a row (a TDMR's TDH.SYS.TDMR.INIT
 * loop, 256 calls to the GiB with the same answer) are kept once with a count, so the tape of a
 * 64 TiB host's 16 million calls holds about 65,000 entries.
 *
 * <p>A faulted run repeats the clean run up to the call it fails: the kernel is deterministic, and
 * so is the module. {@link #follower} gives such a run a machine that answers from the tape for as
 * long as the run asks exactly what the clean run asked, call by call and access by access, so that
 * the module does none of the work it already did once; at the first request that differs, it
 * replays the tape so far into a fresh machine and goes on there. Either way the run sees what a
 * fresh machine would have shown it. The module's status at the end of a run that never left the
 * tape is the one the clean run's module had at that point, captured by {@link #withModuleStatuses}.
 */
final class Tape {

    /** One entry: calls, or an access to memory. */
    sealed interface Event permits Calls, Access {
    }

    /**
     * {@code times} SEAMCALLs in a row on {@code cpu}, each with registers {@code in}, each answered
     * {@code status} with registers {@code out}.
     */
    record Calls(int cpu, RegisterFile in, long status, RegisterFile out, long times) implements Event {

        Optional<Leaf> leaf() {
            return Leaf.ofNumber((int) (in.rax() & LeafSelector.LEAF_MASK));
        }

        boolean sameCallAs(Calls other) {
            return other != null && cpu == other.cpu && in.equals(other.in);
        }
    }

    record Access(MemoryAccess access) implements Event {
    }

    private final List<Event> events;
    private final long calls;
    /** The module's status after so many calls; only where {@link #withModuleStatuses} was asked for it. */
    private final Map<Long, ModuleStatus> statuses;

    Tape(List<Event> events) {
        this(events, Map.of());
    }

    private Tape(List<Event> events, Map<Long, ModuleStatus> statuses) {
        this.events = List.copyOf(events);
        this.calls = this.events.stream().mapToLong(e -> e instanceof Calls c ? c.times() : 0).sum();
        this.statuses = Map.copyOf(statuses);
    }

    List<Event> events() {
        return events;
    }

    /** The SEAMCALLs the module answered. */
    long calls() {
        return calls;
    }

    Event event(int index) {
        return index < events.size() ? events.get(index) : null;
    }

    /** The module's status after {@code calls} calls, when it was captured. */
    Optional<ModuleStatus> moduleStatusAfter(long callsDone) {
        return Optional.ofNullable(statuses.get(callsDone));
    }

    /**
     * This tape, knowing the module's status after each of {@code positions} calls: the tape
     * played once more into a fresh machine from {@code machines}, which is closed after.
     */
    Tape withModuleStatuses(Set<Long> positions, Supplier<Machine> machines) {
        Map<Long, ModuleStatus> captured = new HashMap<>();
        try (Machine machine = machines.get()) {
            play(machine, events.size(), 0, positions, captured);
        }
        return new Tape(events, captured);
    }

    /** A machine for one run, which follows this tape until the run leaves it; live machines come from {@code machines}. */
    Emulation follower(Supplier<Machine> machines) {
        return new Follower(machines);
    }

    /**
     * Plays the events before {@code toEvent}, then {@code toCall} calls of that one, into {@code
     * machine}: each call issued and each access made again, and each checked to come to what the
     * tape says. Before each call whose number of calls before it is in {@code positions}, and at
     * the end, the module's status goes into {@code statuses}.
     *
     * @throws IllegalStateException if the machine answers anything differently: the module or
     *         host memory is not deterministic, and no faulted run may be answered from the tape
     */
    private void play(Machine machine, int toEvent, long toCall, Set<Long> positions, Map<Long, ModuleStatus> statuses) {
        Seamcall module = machine.module();
        PhysicalMemory memory = machine.memory();
        long done = 0;
        for (int e = 0; e <= toEvent && e < events.size(); e++) {
            Event event = events.get(e);
            if (event instanceof Calls c) {
                long times = e < toEvent ? c.times() : toCall;
                for (long t = 0; t < times; t++) {
                    if (positions.contains(done)) {
                        statuses.put(done, machine.moduleStatus());
                    }
                    RegisterFile registers = c.in().copy();
                    long status = module.call(c.cpu(), registers);
                    done++;
                    if (status != c.status() || !registers.equals(c.out())) {
                        throw new IllegalStateException(String.format("the module answered SEAMCALL %d (%s on CPU %d) "
                                + "with 0x%x %s when played again, but 0x%x %s in the clean run", done, c.in(),
                                c.cpu(), status, registers, c.status(), c.out()));
                    }
                }
            } else if (e < toEvent) {
                MemoryAccess recorded = ((Access) event).access();
                MemoryAccess again = recorded.doneOn(memory);
                if (!again.cameToTheSameAs(recorded)) {
                    throw new IllegalStateException("host memory answered " + again + " when played again, but "
                            + recorded + " in the clean run");
                }
            }
        }
        if (positions.contains(done)) {
            statuses.put(done, machine.moduleStatus());
        }
    }

    /**
     * A faulted run's machine: the tape while the run repeats it; from the first call or access
     * that differs, a live machine brought to the same point.
     */
    private final class Follower implements Emulation {

        private final Supplier<Machine> machines;
        private final PhysicalMemory memory = MemoryAccess.memory(this::access);
        /** The next event to compare with. */
        private int event;
        /** The calls of that event already answered, when it is calls. */
        private long doneInEvent;
        /** Every call answered from the tape. */
        private long callsDone;
        private Machine live;

        Follower(Supplier<Machine> machines) {
            this.machines = machines;
        }

        @Override
        public Seamcall module() {
            return this::call;
        }

        @Override
        public PhysicalMemory memory() {
            return memory;
        }

        private long call(int cpu, RegisterFile registers) {
            if (live == null) {
                if (event(event) instanceof Calls c && c.cpu() == cpu && registers.equals(c.in())) {
                    registers.restoreFrom(c.out());
                    callsDone++;
                    if (++doneInEvent == c.times()) {
                        event++;
                        doneInEvent = 0;
                    }
                    return c.status();
                }
                goLive();
            }
            return live.module().call(cpu, registers);
        }

        private MemoryAccess access(MemoryAccess request) {
            if (live == null) {
                if (event(event) instanceof Access a && a.access().asksLike(request)) {
                    event++;
                    return a.access();
                }
                goLive();
            }
            return request.doneOn(live.memory());
        }

        private void goLive() {
            Machine machine = machines.get();
            try {
                play(machine, event, doneInEvent, Set.of(), new HashMap<>());
            } catch (RuntimeException | Error e) {
                machine.close();
                throw e;
            }
            live = machine;
        }

        @Override
        public ModuleStatus moduleStatus() {
            if (live == null) {
                Optional<ModuleStatus> captured = moduleStatusAfter(callsDone);
                if (captured.isPresent()) {
                    return captured.get();
                }
                goLive();
            }
            return live.moduleStatus();
        }

        @Override
        public List<Throwable> internalErrors() {
            return live == null ? List.of() : live.internalErrors();
        }

        @Override
        public void close() {
            if (live != null) {
                live.close();
            }
        }
    }

    /** Builds a tape from what the clean run's module and kernel memory are asked, in order. */
    static final class Recorder {

        private final List<Event> events = new ArrayList<>();
        /** The last call, and how many identical ones came in a row so far (its own count is not kept up). */
        private Calls pending;
        private long pendingTimes;

        /** {@code module}, recording every call. The kernel issues one call at a time. */
        Seamcall module(Seamcall module) {
            return (cpu, registers) -> {
                boolean sameInput = pending != null && pending.cpu() == cpu && registers.equals(pending.in());
                RegisterFile in = sameInput ? pending.in() : registers.copy();
                long status = module.call(cpu, registers);
                if (sameInput && status == pending.status() && registers.equals(pending.out())) {
                    pendingTimes++;
                } else {
                    flush();
                    pending = new Calls(cpu, in, status, registers.copy(), 1);
                    pendingTimes = 1;
                }
                return status;
            };
        }

        /** {@code memory} as the kernel uses it, recording every access. */
        PhysicalMemory kernelMemory(PhysicalMemory memory) {
            return MemoryAccess.memory(request -> {
                MemoryAccess done = request.doneOn(memory);
                flush();
                events.add(new Access(done));
                return done;
            });
        }

        Tape tape() {
            flush();
            return new Tape(events);
        }

        private void flush() {
            if (pending != null) {
                events.add(new Calls(pending.cpu(), pending.in(), pending.status(), pending.out(), pendingTimes));
                pending = null;
            }
        }
    }
}
