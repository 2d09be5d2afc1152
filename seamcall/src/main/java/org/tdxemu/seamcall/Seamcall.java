package org.tdxemu.seamcall;

import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * The SEAMCALL instruction: the only way the host and the TDX module talk, besides physical
 * memory. An implementation answers every input with a status and never throws.
 */
@FunctionalInterface
public interface Seamcall {

    /**
     * Executes SEAMCALL on logical CPU {@code cpu} with the leaf word in RAX of {@code registers}
     * and the inputs in the others. On return RAX holds the completion status, the leaf's outputs
     * are in their registers and every other register is unchanged.
     *
     * @return the completion status, the same value as RAX on return
     */
    long call(int cpu, RegisterFile registers);

    /** Loads {@code leaf} at version 0 into RAX and calls it. */
    default long call(int cpu, Leaf leaf, RegisterFile registers) {
        registers.set(Gpr.RAX, leaf.rax());
        return call(cpu, registers);
    }
}
