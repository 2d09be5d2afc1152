package org.tdxemu.scenarios.campaign;

import org.tdxemu.seamcall.leaf.Leaf;

/** One SEAMCALL the kernel issued in the clean run: the {@code occurrence}-th call of {@code leaf}, on {@code cpu}. */
public record CallSite(Leaf leaf, int occurrence, int cpu) {

    @Override
    public String toString() {
        return leaf.architecturalName() + " #" + occurrence + " on CPU " + cpu;
    }
}
