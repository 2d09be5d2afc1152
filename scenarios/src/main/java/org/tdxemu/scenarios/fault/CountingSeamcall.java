package org.tdxemu.scenarios.fault;

import java.util.Map;
import java.util.TreeMap;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.register.RegisterFile;

/** Counts the SEAMCALLs passing through it by leaf number. */
public final class CountingSeamcall implements Seamcall {

    /** Leaf numbers are 16 bits; one slot each keeps the per-call cost to an array increment. */
    private static final int LEAF_NUMBERS = LeafSelector.LEAF_MASK + 1;

    private final Seamcall next;
    private final long[] byLeaf = new long[LEAF_NUMBERS];
    private long total;

    public CountingSeamcall(Seamcall next) {
        this.next = next;
    }

    @Override
    public long call(int cpu, RegisterFile registers) {
        byLeaf[(int) (registers.rax() & LeafSelector.LEAF_MASK)]++;
        total++;
        return next.call(cpu, registers);
    }

    /** Calls by leaf number, ascending. */
    public Map<Integer, Long> byLeaf() {
        Map<Integer, Long> counts = new TreeMap<>();
        for (int leaf = 0; leaf < LEAF_NUMBERS; leaf++) {
            if (byLeaf[leaf] != 0) {
                counts.put(leaf, byLeaf[leaf]);
            }
        }
        return counts;
    }

    public long total() {
        return total;
    }
}
