/**
 * The module's global metadata (module-abi.md §6): every field of the table with the value a
 * build reports for it on a platform, fixed at load, and the metadata list TDH.SYS.RDALL builds
 * from it. Internal to the emulated module.
 */
package org.tdxemu.emulator.module.metadata;
