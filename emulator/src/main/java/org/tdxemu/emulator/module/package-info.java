/**
 * The emulated TDX module as its users see it: {@link org.tdxemu.emulator.module.TdxModule}, a
 * {@code Seamcall} that dispatches each call as the module's dispatcher does (module-abi.md §1.2)
 * and hands it to its leaf; the build a module is ({@link org.tdxemu.emulator.module.ModuleSettings},
 * {@link org.tdxemu.emulator.module.ModuleVersion}); and what can be seen of its state from outside
 * ({@link org.tdxemu.emulator.module.SysState}, {@link org.tdxemu.emulator.module.ModuleStatus}).
 *
 * <p>Inside: {@code leaf} holds one class per SEAMCALL leaf; {@code state} the module's global and
 * per-LP state, its locks and tables, and its view of host memory; {@code metadata} the global
 * metadata that TDH.SYS.INFO, RD and RDALL report; {@code config} the checks TDH.SYS.CONFIG makes
 * of a TDMR array. Only this package is meant for code outside the emulator.
 */
package org.tdxemu.emulator.module;
