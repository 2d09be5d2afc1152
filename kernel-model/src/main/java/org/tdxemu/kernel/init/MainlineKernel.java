package org.tdxemu.kernel.init;

import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.Cpu;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.seamcall.Seamcall;

/**
 * arch/x86/virt/vmx/tdx/tdx.c of Linux 6.18 (kernel-init.md, M618 with M616's metadata), driven
 * as KVM drives it: tdx_init() at boot, tdx_cpu_enable() on each online CPU, then tdx_enable(),
 * which initializes the module once and keeps a failure as its final state (§1.4).
 */
public final class MainlineKernel extends MergedKernel {

    private enum ModuleStatus { UNINITIALIZED, INITIALIZED, ERROR }

    private ModuleStatus status = ModuleStatus.UNINITIALIZED;

    /** A kernel with the kernel's own planner. */
    public MainlineKernel(HoleSource holes, Host host, Seamcall module) {
        this(holes, PlannerKind.KERNEL, host, module);
    }

    public MainlineKernel(HoleSource holes, PlannerKind planner, Host host, Seamcall module) {
        super(Profile.MAINLINE, holes, planner, host, module);
    }

    /**
     * tdx_init() at boot, then KVM's bring-up: tdx_cpu_enable() on every online CPU, stopping at the
     * first failure, then tdx_enable().
     */
    @Override
    public InitResult boot() {
        earlyInit();
        for (Cpu cpu : host.config().onlineCpus()) {
            Optional<Errno> failure = tdxCpuEnable(cpu.id());
            if (failure.isPresent()) {
                return new InitResult.Failed(failure.get(), Optional.empty(), log.lines());
            }
        }
        return tdxEnable();
    }

    /** tdx_enable() (kernel-init.md §1.4): the module is initialized once; a failure is final. */
    @Override
    public InitResult tdxEnable() {
        if (!isTdxHostPlatform()) {
            return new InitResult.Failed(Errno.ENODEV, Optional.empty(), log.lines());
        }
        return switch (status) {
            case UNINITIALIZED -> initialize();
            case INITIALIZED -> new InitResult.Initialized(tdmrPlan.orElseThrow(), log.lines());
            case ERROR -> new InitResult.Failed(Errno.EINVAL, Optional.empty(), log.lines());
        };
    }

    /** __tdx_enable(). */
    private InitResult initialize() {
        Optional<Errno> failure = initTdxModule();
        if (failure.isPresent()) {
            log.printf("module initialization failed (%d)", failure.get().kernelReturn());
            status = ModuleStatus.ERROR;
            return new InitResult.Failed(failure.get(), tdmrPlan, log.lines());
        }
        log.print("module initialized");
        status = ModuleStatus.INITIALIZED;
        return new InitResult.Initialized(tdmrPlan.orElseThrow(), log.lines());
    }

    @Override
    protected boolean isInitialized() {
        return status == ModuleStatus.INITIALIZED;
    }
}
