package org.tdxemu.scenarios.run;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.emulator.module.TdxModule;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformKeyIds;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;

/**
 * The emulated machine a scenario describes: the platform the module sees, host memory (every
 * whole page of RAM and of the CMRs), and the emulated module over that memory. Close it to give
 * the memory back.
 */
public final class Machine implements Emulation {

    private static final long PAGE = PageSize.SIZE_4K.bytes();

    private final Platform platform;
    private final SparseHostMemory memory;
    private final TdxModule module;

    public Machine(PlatformSpec spec, ModuleSettings settings) {
        this(spec, settings, PooledByteBufAllocator.DEFAULT);
    }

    /** A machine whose host memory takes its page buffers from {@code allocator}. */
    public Machine(PlatformSpec spec, ModuleSettings settings, ByteBufAllocator allocator) {
        this.platform = platform(spec);
        this.memory = new SparseHostMemory(installed(spec), platform.memoryAddressBits(), allocator);
        this.module = new TdxModule(platform, settings, memory);
    }

    /** The machines of scenarios, their host memory's page buffers from {@code allocator}. */
    public static Function<Scenario, Emulation> of(ByteBufAllocator allocator) {
        return scenario -> new Machine(scenario.platform(), scenario.module().settings(), allocator);
    }

    /** What firmware and MCHECK tell the module. */
    public static Platform platform(PlatformSpec spec) {
        return Platform.builder()
                .cpus(spec.packages(), spec.cpusPerPackage())
                .cmrRanges(spec.cmrs())
                .keyIds(new PlatformKeyIds(spec.keyIds().mktme(), spec.keyIds().tdx(), spec.keyIds().bits()))
                .seamrr(spec.seamrr())
                .defects(spec.defects())
                .build();
    }

    /** The machine as the kernel sees it at boot: MKTME took the KeyID bits from its 52 address bits. */
    public static HostConfig hostConfig(PlatformSpec spec) {
        return HostConfig.of(spec.memory(), HostConfig.cpus(spec.packages(), spec.cpusPerPackage(), spec.offlineCpus()),
                        KeyIdPartitioningMsr.of(spec.keyIds().mktme(), spec.keyIds().tdx()))
                .withReserved(spec.reserved())
                .withPartialWriteErratum(spec.partialWriteErratum())
                .withX86PhysBits(HostConfig.MAX_PHYS_BITS - spec.keyIds().bits());
    }

    /** The whole pages of RAM and of the CMRs, merged: where the machine has memory. */
    static List<Range> installed(PlatformSpec spec) {
        List<Range> ranges = new ArrayList<>();
        for (MemoryRegion region : spec.memory()) {
            ranges.add(region.range());
        }
        ranges.addAll(spec.cmrs());
        ranges.sort(null);
        List<Range> merged = new ArrayList<>();
        for (Range r : ranges) {
            long start = (r.start() + PAGE - 1) & -PAGE;
            long end = r.end() & -PAGE;
            if (start >= end) {
                continue;
            }
            Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && start <= last.end()) {
                merged.set(merged.size() - 1, new Range(last.start(), Math.max(last.end(), end)));
            } else {
                merged.add(new Range(start, end));
            }
        }
        return merged;
    }

    public Platform platform() {
        return platform;
    }

    @Override
    public SparseHostMemory memory() {
        return memory;
    }

    @Override
    public TdxModule module() {
        return module;
    }

    @Override
    public ModuleStatus moduleStatus() {
        return module.status();
    }

    @Override
    public List<Throwable> internalErrors() {
        return module.internalErrors();
    }

    @Override
    public void close() {
        memory.close();
    }
}
