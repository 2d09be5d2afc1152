package org.tdxemu.emulator.module;

/** One LP's module-local state (module-abi.md §2.3). */
final class LogicalProcessor {

    final int cpu;
    /** The package ID the module derives from the x2APIC ID; checked against MAX_PKGS at LP.INIT. */
    final int packageId;
    /** {@code lp_is_init}: set by a successful LP.INIT, never cleared. */
    volatile boolean initialized;
    /** {@code lp_is_busy}: inside a SEAMCALL. TDH.SYS.SHUTDOWN looks at the others'. */
    volatile boolean busy;

    LogicalProcessor(int cpu, int packageId) {
        this.cpu = cpu;
        this.packageId = packageId;
    }
}
