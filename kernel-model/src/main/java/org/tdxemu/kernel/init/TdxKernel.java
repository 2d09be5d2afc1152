package org.tdxemu.kernel.init;

import java.util.List;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.memory.Range;

/**
 * The host kernel's TDX initialization, in one profile, on one host, talking to one TDX module
 * through SEAMCALL and the host's physical memory only.
 *
 * <pre>{@code
 * Host host = new Host(config, memory);
 * TdxKernel kernel = TdxKernel.create(KernelOptions.DEFAULT, host, module);
 * InitResult result = kernel.boot();
 * }</pre>
 */
public sealed interface TdxKernel permits MergedKernel, V7Kernel {

    /** A kernel of {@code options}' profile on {@code host}, whose TDX module answers through {@code module}. */
    static TdxKernel create(KernelOptions options, Host host, Seamcall module) {
        return switch (options.profile()) {
            case MAINLINE -> new MainlineKernel(options.holes(), options.planner(), host, module);
            case LATEST, DPAMT -> new LatestKernel(options.profile(), options.holes(), options.planner(), host, module);
            case V7 -> new V7Kernel(options.planner(), host, module);
        };
    }

    /** {@link #plan(HostConfig, ModuleLimits, KernelOptions, List)} for Linux 6.18 and the usual module limits. */
    static PlanResult plan(HostConfig host) {
        return plan(host, ModuleLimits.DEFAULT, KernelOptions.DEFAULT, List.of());
    }

    /**
     * The TDMRs, PAMTs and reserved areas the kernel would build on a freshly booted {@code host}
     * for a module with {@code limits}, without any SEAMCALL: the memory list, the allocations the
     * kernel makes before construct_tdmrs(), then construct_tdmrs() itself. When the kernel cannot
     * plan, the result holds the TDMR list as construct_tdmrs() left it and what ran short.
     *
     * @param limits what the module reports; their {@link ModuleLimits#pamtPageBitmapEntryBits()},
     *               present when the module offers Dynamic PAMT, count only for a kernel that uses it
     *               (profile {@code DPAMT} on a host whose x86_phys_bits is 48 or less,
     *               dynamic-pamt.md §3.1)
     * @param cmrs the convertible memory regions, ascending; needed by v7 and by holes from the
     *             CMRs, ignored otherwise
     */
    static PlanResult plan(HostConfig host, ModuleLimits limits, KernelOptions options, List<Range> cmrs) {
        return plannerSetup(host, limits, options, cmrs).plan();
    }

    /**
     * What {@link #plan(HostConfig, ModuleLimits, KernelOptions, List)} does before
     * construct_tdmrs(), so that the planner can run alone from the kernel's own starting state.
     */
    static PlannerSetup plannerSetup(HostConfig host, ModuleLimits limits, KernelOptions options, List<Range> cmrs) {
        return switch (options.profile()) {
            case MAINLINE, LATEST, DPAMT -> MergedKernel.plannerSetup(options.profile(), host, limits, options.holes(),
                    options.planner(), cmrs);
            case V7 -> V7Kernel.plannerSetup(host, limits, options.planner(), cmrs);
        };
    }

    /**
     * What the whole system does at boot: the kernel's early TDX detection, then, for Linux 6.18,
     * KVM's bring-up (tdx_cpu_enable() on every online CPU, stopping at the first failure, then
     * tdx_enable()); for today's mainline, the initcall tdx_enable(); for v7, tdx_enable().
     */
    InitResult boot();

    /** tdx_init(): read the KeyID MSR and decide whether this is a TDX host. Runs once. */
    void earlyInit();

    /** tdx_enable(). */
    InitResult tdxEnable();

    /**
     * The memory-hotplug check (tdx_memory_notifier() on MEM_GOING_ONLINE, v7's
     * tdx_cc_memory_compatible()): whether {@code range} may go online.
     */
    boolean memoryGoingOnline(Range range);

    KernelLog log();

    Host host();
}
