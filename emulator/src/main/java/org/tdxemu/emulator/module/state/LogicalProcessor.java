package org.tdxemu.emulator.module.state;

/** One LP's module-local state (module-abi.md §2.3). */
public final class LogicalProcessor {

    public final int cpu;
    /** The package ID the module derives from the x2APIC ID; checked against MAX_PKGS at LP.INIT. */
    public final int packageId;
    /** {@code lp_is_init}: set by a successful LP.INIT, never cleared. */
    public volatile boolean initialized;
    /** {@code lp_is_busy}: inside a SEAMCALL. TDH.SYS.SHUTDOWN looks at the others'. */
    public volatile boolean busy;

    public LogicalProcessor(int cpu, int packageId) {
        this.cpu = cpu;
        this.packageId = packageId;
    }
}
