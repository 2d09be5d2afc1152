/**
 * One class per emulated SEAMCALL leaf (TDH.SYS.INIT, LP.INIT, INFO, RD, RDALL, CONFIG, KEY.CONFIG,
 * TDMR.INIT, LP.SHUTDOWN, SHUTDOWN, UPDATE), each doing the real module's checks in its order and
 * returning its exact status (module-abi.md §4), as the module source has one handler per leaf.
 * {@link org.tdxemu.emulator.module.leaf.Leaves} says which leaves a build has. A leaf reaches
 * every structure in host memory through the views of {@code org.tdxemu.seamcall.layout}, over
 * {@link org.tdxemu.emulator.module.state.ModuleMemory}.
 */
package org.tdxemu.emulator.module.leaf;
