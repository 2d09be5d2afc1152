package org.tdxemu.emulator.module.leaf;

import java.util.Set;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.LP.INIT, leaf 35: once on every LP, under the global lock held shared (module-abi.md
 * §4.2). The step-7 consistency checks run in the module's order: four capability MSRs, then the
 * CPUID verify-same fields, then every other MSR. The module checks the package ID while the
 * topology leaf goes by in its CPUID walk; here it comes after every CPUID field, which differs
 * only on an LP with both a bad package ID and a CPUID field that disagrees after the topology leaf.
 */
final class SysLpInit implements LeafHandler {

    /**
     * IA32_CORE_CAPABILITIES, IA32_ARCH_CAPABILITIES, IA32_MISC_PACKAGE_CTLS and
     * IA32_XAPIC_DISABLE_STATUS: compared before any CPUID leaf.
     */
    static final Set<Integer> MSRS_BEFORE_CPUID = Set.of(0xCF, 0x10A, 0xBC, 0xBF);

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        registers.set(Gpr.RCX, 0).set(Gpr.RDX, 0).set(Gpr.R8, 0);
        if (!module.globalLock.tryShared()) {
            return StatusCode.TDX_SYS_BUSY.value();
        }
        try {
            if (module.state != SysState.SYSINIT_DONE) {
                return StatusCode.TDX_SYS_LP_INIT_NOT_PENDING.value();
            }
            if (lp.initialized) {
                return StatusCode.TDX_SYS_LP_INIT_DONE.value();
            }
            if (!module.hardware.rdrand(lp.cpu)) {
                return module.entropyFailure();
            }
            long earlyMsr = inconsistentMsr(module, lp, true);
            if (earlyMsr != StatusCode.TDX_SUCCESS.value()) {
                return earlyMsr;
            }
            for (PlatformDefect d : module.platform.defects()) {
                if (d instanceof PlatformDefect.InconsistentCpuid cpuid && cpuid.cpu() == lp.cpu) {
                    registers.set(Gpr.RCX, Integer.toUnsignedLong(cpuid.leaf()) | (long) cpuid.subleaf() << 32);
                    registers.set(Gpr.RDX, cpuid.mask() & 0xFFFF_FFFFL);
                    registers.set(Gpr.R8, cpuid.mask() >>> 32);
                    return StatusCode.TDX_INCONSISTENT_CPUID_FIELD.value();
                }
            }
            if (lp.packageId >= ModuleContext.MAX_PACKAGES) {
                return Statuses.invalidPackageId(lp.packageId);
            }
            long lateMsr = inconsistentMsr(module, lp, false);
            if (lateMsr != StatusCode.TDX_SUCCESS.value()) {
                return lateMsr;
            }
            lp.initialized = true;
            module.initializedLps.incrementAndGet();
            return StatusCode.TDX_SUCCESS.value();
        } finally {
            module.globalLock.releaseShared();
        }
    }

    /** TDX_INCONSISTENT_MSR + the first of this LP's differing MSRs in the early group (or the late one), else success. */
    private static long inconsistentMsr(ModuleContext module, LogicalProcessor lp, boolean early) {
        for (PlatformDefect d : module.platform.defects()) {
            if (d instanceof PlatformDefect.InconsistentMsr msr && msr.cpu() == lp.cpu
                    && MSRS_BEFORE_CPUID.contains(msr.msr()) == early) {
                return Statuses.msr(StatusCode.TDX_INCONSISTENT_MSR, msr.msr());
            }
        }
        return StatusCode.TDX_SUCCESS.value();
    }
}
