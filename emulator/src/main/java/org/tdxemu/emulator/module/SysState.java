package org.tdxemu.emulator.module;

/** The module's global state, {@code sys_state} (module-abi.md §2.1). */
public enum SysState {
    SYSINIT_PENDING,
    SYSINIT_DONE,
    SYSCONFIG_DONE,
    SYS_READY,
    SYS_SHUTDOWN
}
