package org.tdxemu.emulator.module;

import org.tdxemu.seamcall.register.RegisterFile;

/**
 * One SEAMCALL leaf's body, run after the dispatcher's checks. It reads its inputs from the
 * registers, writes only the registers the leaf writes, and returns the completion status.
 */
@FunctionalInterface
interface LeafHandler {
    long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers);
}
