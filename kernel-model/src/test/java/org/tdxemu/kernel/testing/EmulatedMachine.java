package org.tdxemu.kernel.testing;

import java.util.ArrayList;
import java.util.List;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.module.TdxModule;
import org.tdxemu.emulator.platform.LogicalCpu;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformKeyIds;
import org.tdxemu.kernel.host.Cpu;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.layout.Layout;
import org.tdxemu.seamcall.memory.Range;

/**
 * A host running the kernel model against the real emulated TDX module: one memory, seen by both
 * sides, the platform's CPUs being the host's (offline ones included, as MCHECK counts them), and
 * its KeyID split the one the host's MSR reports, in as few KeyID bits as hold it; so a host whose
 * memory ends above 2^46 must report a split that leaves the address bits it needs.
 */
public final class EmulatedMachine implements AutoCloseable {

    private final SparseHostMemory memory;
    private final Host host;
    private final TdxModule module;

    public EmulatedMachine(HostConfig config, List<Range> cmrs, ModuleVersion version) {
        this(config, cmrs, ModuleSettings.defaults(version));
    }

    /** A machine whose module reports {@code settings}' limits. */
    public EmulatedMachine(HostConfig config, List<Range> cmrs, ModuleSettings settings) {
        Platform platform = platform(config, cmrs);
        this.memory = new SparseHostMemory(installedRam(config), platform.memoryAddressBits());
        this.host = new Host(config, memory);
        this.module = new TdxModule(platform, settings, memory);
    }

    /** A 1.5 module on {@code layout}'s host with its CMRs. */
    public EmulatedMachine(Layout layout) {
        this(layout.host(), layout.cmrs(), ModuleVersion.V1_5);
    }

    /** A module of {@code settings} on {@code layout}'s host with its CMRs. */
    public EmulatedMachine(Layout layout, ModuleSettings settings) {
        this(layout.host(), layout.cmrs(), settings);
    }

    private static Platform platform(HostConfig config, List<Range> cmrs) {
        List<LogicalCpu> cpus = new ArrayList<>();
        for (Cpu cpu : config.cpus()) {
            cpus.add(new LogicalCpu(cpu.id(), cpu.packageId()));
        }
        Platform.Builder platform = Platform.builder().cpus(cpus).cmrRanges(cmrs);
        config.keyIdPartitioning().ifPresent(split -> platform.keyIds(new PlatformKeyIds((int) split.mktmeKeyIds(),
                (int) split.tdxKeyIds(), 64 - Long.numberOfLeadingZeros(split.mktmeKeyIds() + split.tdxKeyIds()))));
        return platform.build();
    }

    /** The whole pages of memblock's regions: the memory the machine has. */
    public static List<Range> installedRam(HostConfig config) {
        List<Range> installed = new ArrayList<>();
        for (MemoryRegion region : config.memblock()) {
            long start = Page.alignUp(region.start());
            long end = Page.alignDown(region.end());
            if (start < end) {
                installed.add(new Range(start, end));
            }
        }
        return installed;
    }

    public static EmulatedMachine withCmrsAsMemory(HostConfig config) {
        return new EmulatedMachine(config, config.memblock().stream().map(MemoryRegion::range).toList(),
                ModuleVersion.V1_5);
    }

    public SparseHostMemory memory() {
        return memory;
    }

    public Host host() {
        return host;
    }

    public TdxModule module() {
        return module;
    }

    public TdxKernel kernel(KernelOptions options) {
        return TdxKernel.create(options, host, module);
    }

    @Override
    public void close() {
        memory.close();
    }
}
