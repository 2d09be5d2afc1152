package org.tdxemu.emulator.platform;

/**
 * A logical processor as MCHECK counts it: every one the BIOS enabled, whether or not the kernel
 * brings it online. The module derives the package from the x2APIC ID; here it is given.
 */
public record LogicalCpu(int id, int packageId) {
    public LogicalCpu {
        if (id < 0 || packageId < 0) {
            throw new IllegalArgumentException("negative CPU or package ID: " + id + ", " + packageId);
        }
    }
}
