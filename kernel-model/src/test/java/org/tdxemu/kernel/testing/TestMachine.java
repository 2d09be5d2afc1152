package org.tdxemu.kernel.testing;

import java.util.List;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.LatestKernel;
import org.tdxemu.kernel.init.MainlineKernel;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.init.V7Kernel;
import org.tdxemu.seamcall.memory.Range;

/** A host, its sparse memory and a fake TDX module over that memory; close it to give the memory back. */
public final class TestMachine implements AutoCloseable {

    /** What the memory controller decodes on a platform with six KeyID bits. */
    private static final int ADDRESS_BITS = 46;

    private final SparseHostMemory memory;
    private final Host host;
    private final FakeTdxModule module;

    public TestMachine(HostConfig config, List<Range> cmrs) {
        this.memory = new SparseHostMemory(EmulatedMachine.installedRam(config), ADDRESS_BITS);
        this.host = new Host(config, memory);
        this.module = new FakeTdxModule(memory, config, cmrs);
    }

    /** A machine whose CMRs are its memory regions. */
    public static TestMachine withCmrsAsMemory(HostConfig config) {
        return new TestMachine(config, config.memblock().stream().map(MemoryRegion::range).toList());
    }

    public SparseHostMemory memory() {
        return memory;
    }

    public Host host() {
        return host;
    }

    public FakeTdxModule module() {
        return module;
    }

    public TdxKernel kernel(KernelOptions options) {
        return TdxKernel.create(options, host, module);
    }

    public MainlineKernel mainline() {
        return (MainlineKernel) kernel(KernelOptions.DEFAULT);
    }

    public V7Kernel v7() {
        return (V7Kernel) kernel(KernelOptions.of(Profile.V7));
    }

    public LatestKernel latest() {
        return (LatestKernel) kernel(KernelOptions.of(Profile.LATEST));
    }

    @Override
    public void close() {
        memory.close();
    }
}
