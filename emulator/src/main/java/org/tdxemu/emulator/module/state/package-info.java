/**
 * What the leaves share (module-abi.md §2): the module's global state in
 * {@link org.tdxemu.emulator.module.state.ModuleContext}, each LP's, the shared/exclusive global
 * lock, the KeyID owner table, the internal TDMR table, and host memory as the module touches it
 * ({@link org.tdxemu.emulator.module.state.ModuleMemory}: missing memory reads as all ones and
 * swallows writes). Internal to the emulated module.
 */
package org.tdxemu.emulator.module.state;
