package org.tdxemu.scenarios.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * A {@link Seamcall} that answers chosen calls with a chosen status instead of (or after) the
 * module behind it. Each fault counts the calls of its leaf (on its CPU, when it names one) from 1;
 * calls {@code occurrence} to {@code occurrence + repeat − 1} are answered with the fault's status
 * and output registers. The first fault in the list that matches a call answers it.
 */
public final class FaultInjector implements Seamcall {

    private final Seamcall module;
    private final List<FaultSpec> faults;
    private final int[] seen;
    private final int[] fired;
    private int injected;

    public FaultInjector(Seamcall module, List<FaultSpec> faults) {
        this.module = module;
        this.faults = List.copyOf(faults);
        this.seen = new int[faults.size()];
        this.fired = new int[faults.size()];
    }

    @Override
    public long call(int cpu, RegisterFile registers) {
        if (faults.isEmpty()) {
            return module.call(cpu, registers);
        }
        Leaf leaf = Leaf.ofNumber((int) (registers.rax() & LeafSelector.LEAF_MASK)).orElse(null);
        int answering = -1;
        for (int i = 0; i < faults.size(); i++) {
            FaultSpec f = faults.get(i);
            if (f.leaf() != leaf || (f.cpu().isPresent() && f.cpu().getAsInt() != cpu)) {
                continue;
            }
            int occurrence = ++seen[i];
            if (answering < 0 && occurrence >= f.occurrence() && occurrence - f.occurrence() < f.repeat()) {
                answering = i;
            }
        }
        if (answering < 0) {
            return module.call(cpu, registers);
        }
        FaultSpec answer = faults.get(answering);
        fired[answering]++;
        if (answer.mode() == FaultSpec.Mode.AFTER) {
            module.call(cpu, registers);
        }
        injected++;
        for (Map.Entry<Gpr, Long> out : answer.out().entrySet()) {
            registers.set(out.getKey(), out.getValue());
        }
        registers.set(Gpr.RAX, answer.status());
        return answer.status();
    }

    /** How many calls were answered by a fault. */
    public int injected() {
        return injected;
    }

    /**
     * One line for each fault that answered no call, with how often its leaf was called, e.g.
     * {@code faults[0] never fired: TDH.SYS.CONFIG was called 1 time}: a fault that never fires
     * tests nothing, so a run that has one is not what its author meant.
     */
    public List<String> neverFired() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            if (fired[i] == 0) {
                FaultSpec f = faults.get(i);
                String where = f.cpu().isPresent() ? " on CPU " + f.cpu().getAsInt() : "";
                String called = seen[i] == 0 ? "was never called" + where
                        : "was called " + seen[i] + (seen[i] == 1 ? " time" : " times") + where;
                String shadowed = seen[i] >= f.occurrence() ? ", and an earlier fault answered those calls" : "";
                lines.add("faults[" + i + "] never fired: " + f.leaf().architecturalName() + " " + called + shadowed);
            }
        }
        return lines;
    }
}
