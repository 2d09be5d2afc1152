package org.tdxemu.emulator.module.leaf;

import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.LP.SHUTDOWN, leaf 44 (module-abi.md §4.9): a no-op that succeeds in every state in 1.5;
 * in 1.0 it takes the global lock shared and shuts the whole module down.
 */
final class SysLpShutdown implements LeafHandler {

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        if (!module.version.lpShutdownShutsDown()) {
            return StatusCode.TDX_SUCCESS.value();
        }
        if (!module.globalLock.tryShared()) {
            return StatusCode.TDX_SYS_BUSY.value();
        }
        try {
            module.state = SysState.SYS_SHUTDOWN;
            return StatusCode.TDX_SUCCESS.value();
        } finally {
            module.globalLock.releaseShared();
        }
    }
}
