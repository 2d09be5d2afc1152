package org.tdxemu.emulator.module;

import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.LP.INIT, leaf 35: once on every LP, under the global lock held shared (module-abi.md
 * §4.2). Of the step-7 consistency checks, the CPUID verify-same fields come first, then the
 * package ID, then the MSRs.
 */
final class SysLpInit implements LeafHandler {

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
            for (PlatformDefect d : module.platform.defects()) {
                if (d instanceof PlatformDefect.InconsistentMsr msr && msr.cpu() == lp.cpu) {
                    return Statuses.msr(StatusCode.TDX_INCONSISTENT_MSR, msr.msr());
                }
            }
            lp.initialized = true;
            module.initializedLps.incrementAndGet();
            return StatusCode.TDX_SUCCESS.value();
        } finally {
            module.globalLock.releaseShared();
        }
    }
}
