package org.tdxemu.kernel.host;

/**
 * A logical CPU the BIOS enabled. An offline CPU is present to the TDX module (MCHECK counts it)
 * but not online in the kernel, which therefore never runs a SEAMCALL on it.
 */
public record Cpu(int id, int packageId, boolean online) {

    public Cpu {
        if (id < 0 || packageId < 0) {
            throw new IllegalArgumentException("CPU " + id + " in package " + packageId + ": negative number");
        }
    }
}
