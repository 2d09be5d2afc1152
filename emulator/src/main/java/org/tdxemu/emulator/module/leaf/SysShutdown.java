package org.tdxemu.emulator.module.leaf;

import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.SHUTDOWN, leaf 52 (1.5; module-abi.md §4.9): RCX is the handoff version the next module
 * must accept. The handoff data itself is not modelled.
 */
final class SysShutdown implements LeafHandler {

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        long handoffVersion = registers.rcx();
        ModuleSettings s = module.settings;
        if (handoffVersion < s.minUpdateHv() || handoffVersion > s.moduleHv()
                || (s.noDowngrade() && handoffVersion != s.moduleHv())) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        if (!module.globalLock.tryExclusive()) {
            return StatusCode.TDX_SYS_BUSY.value();
        }
        try {
            module.state = SysState.SYS_SHUTDOWN;
            if (module.anotherLpBusy(lp)) {
                module.state = SysState.SYS_READY;
                return StatusCode.TDX_SYS_BUSY.value();
            }
            return StatusCode.TDX_SUCCESS.value();
        } finally {
            module.globalLock.releaseExclusive();
        }
    }
}
