package org.tdxemu.scenarios.fault;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Counts the SEAMCALLs passing through it by leaf number, and remembers the last one that failed
 * and was not retried with success: what made an initialization fail, when a SEAMCALL did.
 */
public final class CountingSeamcall implements Seamcall {

    /** Leaf numbers are 16 bits; one slot each keeps the per-call cost to an array increment. */
    private static final int LEAF_NUMBERS = LeafSelector.LEAF_MASK + 1;
    private static final long SUCCESS = StatusCode.TDX_SUCCESS.value();

    /** One SEAMCALL that returned an error: on which CPU, with which RAX, and what it returned. */
    public record FailedCall(int cpu, long rax, long status) {
        public int leafNumber() {
            return (int) (rax & LeafSelector.LEAF_MASK);
        }
    }

    private final Seamcall next;
    private final long[] byLeaf = new long[LEAF_NUMBERS];
    private long total;
    private FailedCall failure;

    public CountingSeamcall(Seamcall next) {
        this.next = next;
    }

    @Override
    public long call(int cpu, RegisterFile registers) {
        long rax = registers.rax();
        byLeaf[(int) (rax & LeafSelector.LEAF_MASK)]++;
        total++;
        long status = next.call(cpu, registers);
        if (status != SUCCESS) {
            failure = new FailedCall(cpu, rax, status);
        } else if (failure != null && failure.cpu() == cpu && failure.leafNumber() == (int) (rax & LeafSelector.LEAF_MASK)) {
            failure = null;
        }
        return status;
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

    /**
     * The last call that failed, unless a later call of the same leaf on the same CPU succeeded
     * (the kernel retried it, as it does when the module is out of entropy).
     */
    public Optional<FailedCall> unretriedFailure() {
        return Optional.ofNullable(failure);
    }
}
