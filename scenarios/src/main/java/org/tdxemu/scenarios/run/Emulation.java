package org.tdxemu.scenarios.run;

import java.util.List;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * The machine a run boots the kernel on, as the runner sees it: a TDX module to call, host memory
 * for the kernel, and, once the kernel is done, the module's own account of itself. {@link
 * Machine} is the whole emulated machine; a fault campaign's runs use one that answers from its
 * clean run for as long as they repeat it. Close it to give the memory back.
 */
public interface Emulation extends AutoCloseable {

    Seamcall module();

    /** Host memory as the kernel reads and writes it. */
    PhysicalMemory memory();

    /** Where the module's initialization stands now. */
    ModuleStatus moduleStatus();

    /** Exceptions the module caught inside a SEAMCALL: each is a bug of the emulator. */
    List<Throwable> internalErrors();

    @Override
    void close();
}
