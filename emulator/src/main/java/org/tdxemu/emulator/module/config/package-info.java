/**
 * The checks TDH.SYS.CONFIG makes of the TDMRs it is given (module-abi.md §4.4 steps 2 to 7), in
 * the module's order, over the module's own copies of the TDMR_INFO entries: the TDMRs, their
 * reserved areas, their PAMTs, the available areas between the reserved ones, and CMR coverage.
 * No host memory, no lock, no module state. Internal to the emulated module.
 */
package org.tdxemu.emulator.module.config;
