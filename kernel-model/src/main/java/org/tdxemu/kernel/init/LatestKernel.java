package org.tdxemu.kernel.init;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.Cpu;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.seamcall.Seamcall;

/**
 * Today's mainline (kernel-init.md's LATEST), with or without the Dynamic PAMT series
 * (dynamic-pamt.md §3): the TDX core initializes the module itself, at boot,
 * from {@code subsys_initcall(tdx_enable)} (§1.3, "Preconditions"), with VMX references of its own
 * on every CPU; init_tdx_module() reads and prints the module's version (M70); the outcome is
 * {@code TDX-Module initialized} or {@code TDX-Module initialization failed (%d)}, and after a
 * failure TDX stays off (§1.4).
 *
 * <p>XSAVE, MOVDIR64B and self-snoop, which tdx_enable() checks before anything else, are taken
 * to be present: the host model has no CPU without them. Every SEAMCALL flags its CPU's caches
 * incoherent; taking a CPU's TDX state down writes them back (WBINVD) before the CPU gives its
 * VMX reference back. A SEAMCALL on a CPU that holds no VMX reference would #UD; the model checks
 * that it never issues one.
 */
public final class LatestKernel extends MergedKernel {

    private boolean enableRan;
    private boolean initialized;
    /** The CPUs the hotplug state "virt/tdx:online" brought up, in order. */
    private final List<Integer> cpusUp = new ArrayList<>();

    /** @param profile {@link Profile#LATEST}, or {@link Profile#DPAMT} for the kernel with the Dynamic PAMT series */
    public LatestKernel(Profile profile, HoleSource holes, Host host, Seamcall module) {
        this(profile, holes, PlannerKind.KERNEL, host, module);
    }

    /** The same kernel with {@code planner} building its TDMRs. */
    public LatestKernel(Profile profile, HoleSource holes, PlannerKind planner, Host host, Seamcall module) {
        super(requireToday(profile), holes, planner, host, inVmxOperationOnly(host, module));
    }

    private static Profile requireToday(Profile profile) {
        if (profile != Profile.LATEST && profile != Profile.DPAMT) {
            throw new IllegalArgumentException(profile + " is not today's mainline");
        }
        return profile;
    }

    private static Seamcall inVmxOperationOnly(Host host, Seamcall module) {
        return (cpu, registers) -> {
            if (!host.inVmxOperation(cpu)) {
                throw new IllegalStateException("a SEAMCALL on CPU " + cpu + ", which holds no VMX reference");
            }
            return module.call(cpu, registers);
        };
    }

    /** tdx_init() early in boot, then the initcall tdx_enable(). */
    @Override
    public InitResult boot() {
        earlyInit();
        return tdxEnable();
    }

    /**
     * tdx_enable(), the subsys_initcall: the platform check, the CPU-hotplug state whose startup
     * callback takes a VMX reference and runs tdx_cpu_enable() on every online CPU, then
     * init_tdx_module(). Runs once.
     */
    @Override
    public InitResult tdxEnable() {
        if (enableRan) {
            throw new IllegalStateException("tdx_enable() is an initcall: it runs once, at boot");
        }
        enableRan = true;
        if (!isTdxHostPlatform()) {
            log.print("TDX not supported by the host platform");
            return new InitResult.Failed(Errno.ENODEV, Optional.empty(), log.lines());
        }
        Optional<Errno> failure = bringCpusUp();
        if (failure.isPresent()) {
            return new InitResult.Failed(failure.get(), Optional.empty(), log.lines());
        }
        failure = initTdxModule();
        if (failure.isPresent()) {
            log.printf("TDX-Module initialization failed (%d)", failure.get().kernelReturn());
            takeCpusDown();
            return new InitResult.Failed(failure.get(), tdmrPlan, log.lines());
        }
        log.print("TDX-Module initialized");
        initialized = true;
        return new InitResult.Initialized(tdmrPlan.orElseThrow(), log.lines());
    }

    /**
     * Installing the hotplug state runs its startup callback on each online CPU in turn; the first
     * that fails fails the whole installation, which takes every CPU brought up so far down again,
     * and its error is returned as it is. The failing CPU gives back the reference it took too
     * (kernel-init.md leaves that open; a callback that fails undoing its own work is the choice).
     */
    private Optional<Errno> bringCpusUp() {
        for (Cpu cpu : host.config().onlineCpus()) {
            host.takeVmxReference(cpu.id());
            cpusUp.add(cpu.id());
            Optional<Errno> failure = tdxCpuEnable(cpu.id());
            if (failure.isPresent()) {
                takeCpusDown();
                return failure;
            }
        }
        return Optional.empty();
    }

    /** The teardown of "virt/tdx:online" on every CPU brought up: write back incoherent caches, give back VMX. */
    private void takeCpusDown() {
        for (int cpu : cpusUp) {
            if (seamcalls.takeIncoherentCaches(cpu)) {
                host.wbinvd(cpu);
            }
            host.dropVmxReference(cpu);
        }
        cpusUp.clear();
    }

    @Override
    protected boolean isInitialized() {
        return initialized;
    }
}
