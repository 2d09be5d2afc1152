package org.tdxemu.emulator.module.leaf;

import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.platform.Hardware.PconfigResult;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.Operand;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.KEY.CONFIG, leaf 31: program the global key once per package (module-abi.md §4.5).
 * The exclusive global lock makes two packages collide: one of them gets TDX_SYS_BUSY.
 */
final class SysKeyConfig implements LeafHandler {

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        if (!module.globalLock.tryExclusive()) {
            return StatusCode.TDX_SYS_BUSY.value();
        }
        try {
            if (module.state != SysState.SYSCONFIG_DONE) {
                return StatusCode.TDX_SYS_KEY_CONFIG_NOT_PENDING.value();
            }
            int bit = 1 << lp.packageId;
            if ((module.packageBitmap.getAndUpdate(b -> b | bit) & bit) != 0) {
                return StatusCode.TDX_KEY_CONFIGURED.value();
            }
            PconfigResult result = module.hardware.pconfig(lp.cpu, module.hkid);
            if (result != PconfigResult.SUCCESS) {
                module.packageBitmap.getAndUpdate(b -> b & ~bit);
                return result == PconfigResult.ENTROPY_ERROR ? StatusCode.TDX_KEY_GENERATION_FAILED.value()
                        : Statuses.operandBusy(Operand.KET);
            }
            if (module.configuredPackages.incrementAndGet() == module.packageCount) {
                module.state = SysState.SYS_READY;
            }
            return StatusCode.TDX_SUCCESS.value();
        } finally {
            module.globalLock.releaseExclusive();
        }
    }
}
