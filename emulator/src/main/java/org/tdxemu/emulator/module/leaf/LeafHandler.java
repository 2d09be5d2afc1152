package org.tdxemu.emulator.module.leaf;

import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * One SEAMCALL leaf's body, run after the dispatcher's checks. It reads its inputs from the
 * registers, writes only the registers the leaf writes, and returns the completion status.
 */
@FunctionalInterface
public interface LeafHandler {
    long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers);
}
