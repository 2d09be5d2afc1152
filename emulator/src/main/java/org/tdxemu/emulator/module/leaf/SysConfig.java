package org.tdxemu.emulator.module.leaf;

import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.config.CmrCoverage;
import org.tdxemu.emulator.module.config.TdmrArrayCheck;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.module.state.TdmrEntry;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.memory.ArrayMemory;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.CONFIG, leaf 45: the TDMRs, their PAMTs and the global private KeyID, once
 * (module-abi.md §4.4). RCX is the TDMR pointer array, RDX the number of TDMRs, R8 the HKID; only
 * RAX is written.
 *
 * <p>On a build with Dynamic PAMT, R8 bit 16 enables it (dynamic-pamt.md §2.2): refused, with
 * every other bad R8, when the KeyID bits of an address start above bit 48; the 4K PAMTs are then
 * bitmaps, checked for their size as such, and TDH.SYS.TDMR.INIT covers 16 MiB a call. Everywhere
 * else bit 16 is reserved like bits 63:17, as in 1.5.01 and 1.5.05.
 *
 * <p>RDX is limited by the module's MAX_TDMRS, the value it reports
 * ({@link ModuleSettings#maxTdmrs()}, 64 by default): the real module checks and reports one
 * constant. Every TDMR_INFO is read with all 16 reserved-area slots whatever the reported
 * MAX_RESERVED_PER_TDMR, because that is the entry's layout (§5.3).
 *
 * <p>A failed call leaves the state SYSINIT_DONE, so it can be retried. Two of its effects stay:
 * the KeyID reservation, and the table entries of the TDMRs accepted before the failing one,
 * which nothing reads because the TDMR count is only set on success. TDH.SYS.TDMR.INIT reads the
 * table without the global lock; it runs only in SYS_READY, after this call's writes were
 * published by the volatile state it writes last.
 */
final class SysConfig implements LeafHandler {

    /** R8 bits 15:0 are the HKID. */
    private static final int HKID_BITS = 16;
    /** R8 bit 16, on a build with Dynamic PAMT: enable it. Every other bit above the HKID is reserved. */
    private static final long ENABLE_DYNAMIC_PAMT = 1L << HKID_BITS;

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        if (!module.globalLock.tryExclusive()) {
            return StatusCode.TDX_SYS_BUSY.value();
        }
        try {
            return configure(module, registers.rcx(), registers.rdx(), registers.r8());
        } finally {
            module.globalLock.releaseExclusive();
        }
    }

    private static long configure(ModuleContext module, long arrayPa, long tdmrCount, long options) {
        if (module.state != SysState.SYSINIT_DONE || module.initializedLps.get() < module.lpCount) {
            return StatusCode.TDX_SYS_CONFIG_NOT_PENDING.value();
        }
        if (!module.isSharedHpa(arrayPa, TdmrPointerArray.ALIGNMENT)) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        if (Long.compareUnsigned(tdmrCount, module.settings.maxTdmrs()) > 0 || tdmrCount < 1) {
            return Statuses.operandInvalid(Gpr.RDX);
        }
        long hkidField = (1L << HKID_BITS) - 1;
        long defined = module.settings.dynamicPamt() ? hkidField | ENABLE_DYNAMIC_PAMT : hkidField;
        int hkid = (int) (options & hkidField);
        boolean dynamicPamt = (options & ENABLE_DYNAMIC_PAMT) != 0;
        if ((options & ~defined) != 0 || hkid < module.keyIds().privateHkidMin()
                || hkid > module.keyIds().privateHkidMax()
                || (dynamicPamt && module.keyIds().hkidStartBit() > ModuleSettings.DYNAMIC_PAMT_MAX_HKID_START_BIT)) {
            return Statuses.operandInvalid(Gpr.R8);
        }
        // module-abi.md §4.4 pre-check 7: the reservation stays even if a TDMR fails below.
        module.kot.reserve(hkid);
        module.hkid = hkid;

        TdmrArrayCheck check = new TdmrArrayCheck(new CmrCoverage(module.platform.cmrSlots()), module.hkidMask(),
                module.settings, dynamicPamt);
        TdmrPointerArray pointers = TdmrPointerArray.at(module.memory, arrayPa);
        for (int i = 0; i < tdmrCount; i++) {
            long tdmrInfoPa = pointers.get(i);
            if (!module.isSharedHpa(tdmrInfoPa, TdmrInfo.ALIGNMENT)) {
                return Statuses.operandInvalid(Gpr.RCX);
            }
            TdmrInfo tdmr = moduleCopy(module, tdmrInfoPa);
            long status = check.accept(tdmr);
            if (status != StatusCode.TDX_SUCCESS.value()) {
                return status;
            }
            module.tdmrTable[i] = TdmrEntry.of(tdmr);
        }
        module.tdmrCount = (int) tdmrCount;
        module.dynamicPamt = dynamicPamt;
        module.packageBitmap.set(0);
        module.state = SysState.SYSCONFIG_DONE;
        return StatusCode.TDX_SUCCESS.value();
    }

    /**
     * The module copies each TDMR_INFO, the header and all 16 reserved-area slots, before it checks
     * it (module-abi.md §4.4 step 1, §5.3): what the host writes afterwards changes nothing.
     */
    private static TdmrInfo moduleCopy(ModuleContext module, long pa) {
        return TdmrInfo.at(ArrayMemory.copyOf(module.memory, pa, TdmrInfo.MODULE_BYTES), pa);
    }
}
