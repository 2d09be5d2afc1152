package org.tdxemu.kernel;

/**
 * Which kernel the port behaves as. The profile is consulted in a few named places: the log
 * prefix here, the planner's rules ({@code PlannerRules.of}), the choice of initialization flow
 * ({@code TdxKernel.create}), and what a merged kernel's init_tdx_module() does beyond 6.18's
 * ({@code MergedRelease.of}); nothing else branches on it.
 */
public enum Profile {
    /**
     * The merged, KVM-driven kernel as of Linux 6.18 (kernel-init.md, labels M616 and M618):
     * TDH.SYS.RD metadata, the entropy retry, -ENOSPC, the sticky error state, and the PAMT reset
     * only on CPUs with the partial-write erratum.
     */
    MAINLINE("virt/tdx: "),
    /**
     * Today's mainline (kernel-init.md's LATEST): tdx_enable() is a boot-time initcall that takes
     * VMX references of its own, init_tdx_module() prints the module's version, and the outcome is
     * {@code TDX-Module initialized} or {@code TDX-Module initialization failed (%d)}; after a
     * failure TDX stays off.
     */
    LATEST("virt/tdx: "),
    /**
     * {@link #LATEST} with the Dynamic PAMT series, v6 (dynamic-pamt.md §3): on a module with
     * TDX_FEATURES0 bit 36 and a host with 48 physical address bits or fewer, the 4K PAMT level is
     * a bitmap of one bit per page, a refcount array is allocated, {@code Enable Dynamic PAMT} is
     * printed and TDH.SYS.CONFIG gets R8 bit 16. Elsewhere it is {@link #LATEST}.
     */
    DPAMT("virt/tdx: "),
    /**
     * The November 2022 v7 series the seed reviews: TDH.SYS.INFO with its CMR checks, SYS.INIT and
     * LP.INIT driven by init itself, -E2BIG, no entropy retry, and shutdown on failure.
     */
    V7("tdx: ");

    private final String logPrefix;

    Profile(String logPrefix) {
        this.logPrefix = logPrefix;
    }

    /** The kernel's {@code pr_fmt} for arch/x86/virt/vmx/tdx/tdx.c. */
    public String logPrefix() {
        return logPrefix;
    }
}
