package org.tdxemu.scenarios.fault;

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
    private int injected;

    public FaultInjector(Seamcall module, List<FaultSpec> faults) {
        this.module = module;
        this.faults = List.copyOf(faults);
        this.seen = new int[faults.size()];
    }

    @Override
    public long call(int cpu, RegisterFile registers) {
        if (faults.isEmpty()) {
            return module.call(cpu, registers);
        }
        Leaf leaf = LeafSelector.decode(registers.rax()).leaf().orElse(null);
        FaultSpec answer = null;
        for (int i = 0; i < faults.size(); i++) {
            FaultSpec f = faults.get(i);
            if (f.leaf() != leaf || (f.cpu().isPresent() && f.cpu().getAsInt() != cpu)) {
                continue;
            }
            int occurrence = ++seen[i];
            if (answer == null && occurrence >= f.occurrence() && occurrence - f.occurrence() < f.repeat()) {
                answer = f;
            }
        }
        if (answer == null) {
            return module.call(cpu, registers);
        }
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
}
