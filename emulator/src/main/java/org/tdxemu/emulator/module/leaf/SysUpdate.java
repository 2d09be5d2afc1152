package org.tdxemu.emulator.module.leaf;

import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.UPDATE, leaf 53 (1.5; module-abi.md §4.9): import the previous module's state instead of
 * CONFIG, KEY.CONFIG and TDMR.INIT. No previous module ever handed data to this one, so when the
 * state allows the call it fails with TDX_SYS_INVALID_HANDOFF.
 */
final class SysUpdate implements LeafHandler {

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        if (!module.globalLock.tryExclusive()) {
            return StatusCode.TDX_SYS_BUSY.value();
        }
        try {
            if (module.state != SysState.SYSINIT_DONE || module.initializedLps.get() < module.lpCount) {
                return StatusCode.TDX_SYS_STATE_INCORRECT.value();
            }
            return StatusCode.TDX_SYS_INVALID_HANDOFF.value();
        } finally {
            module.globalLock.releaseExclusive();
        }
    }
}
