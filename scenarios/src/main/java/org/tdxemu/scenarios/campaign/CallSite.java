package org.tdxemu.scenarios.campaign;

import org.tdxemu.seamcall.leaf.Leaf;

/**
 * One SEAMCALL the kernel issued in the clean run: the {@code call}-th SEAMCALL of that run, and the
 * {@code occurrence}-th call of {@code leaf}, on {@code cpu}.
 */
public record CallSite(Leaf leaf, int occurrence, int cpu, int call) {

    @Override
    public String toString() {
        return leaf.architecturalName() + " #" + occurrence + " on CPU " + cpu;
    }
}
