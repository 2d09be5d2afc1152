package org.tdxemu.emulator.module.leaf;

import java.util.List;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.emulator.platform.Smrr;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.INIT, leaf 33: global initialization, once (module-abi.md §4.1). The platform checks of
 * step 4 are modelled as the platform's defects, its KeyID count, its CMR list and its SMRRs;
 * the SEAMOPS-capability and SIGSTRUCT checks (steps 5 and 6) always pass.
 */
final class SysInit implements LeafHandler {

    /** SYS.INIT refuses more activated HKIDs than this. */
    static final int MAX_HKIDS = 2048;

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        long attributes = registers.rcx();
        for (Gpr output : new Gpr[] {Gpr.RCX, Gpr.RDX, Gpr.R8, Gpr.R9, Gpr.R10}) {
            registers.set(output, 0);
        }
        if (!module.globalLock.tryExclusive()) {
            return StatusCode.TDX_SYS_BUSY.value();
        }
        try {
            if (attributes != 0) {
                return Statuses.operandInvalid(Gpr.RCX);
            }
            if (module.state != SysState.SYSINIT_PENDING) {
                return StatusCode.TDX_SYS_INIT_NOT_PENDING.value();
            }
            long platformStatus = checkPlatform(module, registers);
            if (platformStatus != StatusCode.TDX_SUCCESS.value()) {
                return platformStatus;
            }
            if (!module.hardware.rdrand(lp.cpu)) {
                return module.entropyFailure();
            }
            module.lpCount = module.platform.lpCount();
            module.packageCount = module.platform.packageCount();
            module.initializedLps.set(0);
            module.configuredPackages.set(0);
            module.packageBitmap.set(0);
            module.seamrr = module.platform.seamrr();
            module.state = SysState.SYSINIT_DONE;
            return StatusCode.TDX_SUCCESS.value();
        } finally {
            module.globalLock.releaseExclusive();
        }
    }

    /** Step 4, in the source's order: MSRs, CPUID, key management, the CMR list, SMRRs. */
    private static long checkPlatform(ModuleContext module, RegisterFile registers) {
        List<PlatformDefect> defects = module.platform.defects();
        for (PlatformDefect d : defects) {
            if (d instanceof PlatformDefect.IncorrectMsr msr) {
                return Statuses.msr(StatusCode.TDX_INCORRECT_MSR_VALUE, msr.msr());
            }
        }
        for (PlatformDefect d : defects) {
            if (d instanceof PlatformDefect.LimitCpuidMaxval) {
                return StatusCode.TDX_LIMIT_CPUID_MAXVAL_SET.value();
            }
            if (d instanceof PlatformDefect.IncorrectCpuid cpuid) {
                registers.set(Gpr.RCX, Integer.toUnsignedLong(cpuid.leaf()) | (long) cpuid.subleaf() << 32);
                registers.set(Gpr.RDX, cpuid.verifyMask() & 0xFFFF_FFFFL);
                registers.set(Gpr.R8, cpuid.verifyMask() >>> 32);
                registers.set(Gpr.R9, cpuid.expected() & 0xFFFF_FFFFL);
                registers.set(Gpr.R10, cpuid.expected() >>> 32);
                return StatusCode.TDX_INCORRECT_CPUID_VALUE.value();
            }
        }
        if (module.keyIds().privateHkidMax() >= MAX_HKIDS) {
            return Statuses.numActivatedHkidsNotSupported(MAX_HKIDS);
        }
        if (!isCmrListValid(module.platform.cmrSlots(), module.hkidMask())) {
            return StatusCode.TDX_CMR_LIST_INVALID.value();
        }
        return checkSmrrs(module);
    }

    /** The CMR list sanity check (module-abi.md §4.1 step 4): null slots may appear anywhere. */
    static boolean isCmrListValid(List<Cmr> cmrs, long hkidMask) {
        long previousEnd = -1;
        boolean seenOne = false;
        for (Cmr cmr : cmrs) {
            if (cmr.isNull()) {
                continue;
            }
            long end = cmr.base() + cmr.size();
            if (Long.compareUnsigned(end, cmr.base()) < 0) {
                return false;
            }
            long last = end - 1;
            if ((cmr.base() & hkidMask) != 0 || (last & hkidMask) != 0) {
                return false;
            }
            if (Long.compareUnsigned(last, PhysicalAddress.LIMIT) >= 0) {
                return false;
            }
            if ((cmr.base() & 0xFFF) != 0 || (cmr.size() & 0xFFF) != 0) {
                return false;
            }
            if (seenOne && Long.compareUnsigned(cmr.base(), previousEnd) < 0) {
                return false;
            }
            previousEnd = end;
            seenOne = true;
        }
        return true;
    }

    private static long checkSmrrs(ModuleContext module) {
        if (!module.platform.smrrSupported()) {
            return StatusCode.TDX_SMRR_NOT_SUPPORTED.value();
        }
        if (!module.platform.smrrLockSupported()) {
            return StatusCode.TDX_SMRR_LOCK_NOT_SUPPORTED.value();
        }
        List<Smrr> smrrs = module.platform.smrrs();
        List<Cmr> cmrs = module.platform.cmrSlots();
        for (int i = 0; i < smrrs.size(); i++) {
            Smrr smrr = smrrs.get(i);
            if (!smrr.locked()) {
                return Statuses.smrr(StatusCode.TDX_SMRR_NOT_LOCKED, i);
            }
            if (!smrr.hasValidMask()) {
                return Statuses.smrr(StatusCode.TDX_INVALID_SMRR_CONFIGURATION, i);
            }
            for (int j = 0; j < cmrs.size(); j++) {
                Cmr cmr = cmrs.get(j);
                if (!cmr.isNull() && smrr.base() < cmr.end() && cmr.base() < smrr.base() + smrr.size()) {
                    return Statuses.smrrOverlapsCmr(i, j);
                }
            }
        }
        return StatusCode.TDX_SUCCESS.value();
    }
}
