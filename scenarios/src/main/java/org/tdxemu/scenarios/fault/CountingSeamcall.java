package org.tdxemu.scenarios.fault;

import java.util.Map;
import java.util.TreeMap;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.register.RegisterFile;

/** Counts the SEAMCALLs passing through it by leaf number. */
public final class CountingSeamcall implements Seamcall {

    private final Seamcall next;
    private final Map<Integer, Long> byLeaf = new TreeMap<>();
    private long total;

    public CountingSeamcall(Seamcall next) {
        this.next = next;
    }

    @Override
    public long call(int cpu, RegisterFile registers) {
        byLeaf.merge(LeafSelector.decode(registers.rax()).leafNumber(), 1L, Long::sum);
        total++;
        return next.call(cpu, registers);
    }

    /** Calls by leaf number, ascending. */
    public Map<Integer, Long> byLeaf() {
        return new TreeMap<>(byLeaf);
    }

    public long total() {
        return total;
    }
}
