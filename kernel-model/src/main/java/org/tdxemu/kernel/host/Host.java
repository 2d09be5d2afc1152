package org.tdxemu.kernel.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.Range;

/**
 * The host the kernel model runs on: its configuration, its physical memory, the page allocator
 * over that memory, each CPU's VMX references, and the record of what the kernel did to the host
 * besides SEAMCALLs. Every allocation, free, cache flush, MOVDIR64B and VMX reference goes through
 * here, so it is both done and recorded.
 */
public final class Host implements KernelAllocator {

    private static final int MOVDIR64B_BYTES = 64;

    private final HostConfig config;
    private final PhysicalMemory memory;
    private final PageAllocator allocator;
    private final List<HostEvent> events = new ArrayList<>();
    /** VMX references by CPU; a CPU is in VMX operation while it holds one. */
    private final Map<Integer, Integer> vmxReferences = new HashMap<>();

    /** A host over {@code memory}, which must hold every memblock region. */
    public Host(HostConfig config, PhysicalMemory memory) {
        this.config = config;
        this.memory = memory;
        this.allocator = new PageAllocator(config);
    }

    public HostConfig config() {
        return config;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public PageAllocator allocator() {
        return allocator;
    }

    /** What happened so far, in order. */
    public List<HostEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public OptionalLong kmalloc(long bytes, AllocationPurpose purpose) {
        return recorded(allocator.kmalloc(bytes, purpose));
    }

    /** kzalloc(): kmalloc() with the object's bytes set to zero in physical memory. */
    public OptionalLong kzalloc(long bytes, AllocationPurpose purpose) {
        return zeroed(kmalloc(bytes, purpose));
    }

    @Override
    public Allocation kfree(long pa) {
        Allocation freed = allocator.kfree(pa);
        events.add(new HostEvent.Freed(freed.purpose(), freed.range()));
        return freed;
    }

    /** alloc_pages_exact(bytes, GFP_KERNEL | __GFP_ZERO). */
    public OptionalLong allocZeroedPagesExact(long bytes, AllocationPurpose purpose) {
        return zeroed(recorded(allocator.allocPagesExact(bytes, purpose)));
    }

    public void freePagesExact(long pa, long bytes) {
        Allocation freed = allocator.freePagesExact(pa, bytes);
        events.add(new HostEvent.Freed(freed.purpose(), freed.range()));
    }

    /** vzalloc(bytes). */
    public OptionalLong vzalloc(long bytes, AllocationPurpose purpose) {
        return zeroed(recorded(allocator.vmalloc(bytes, purpose)));
    }

    public void vfree(long pa, long bytes) {
        Allocation freed = allocator.vfree(pa, bytes);
        events.add(new HostEvent.Freed(freed.purpose(), freed.range()));
    }

    /** alloc_contig_pages(); the memory is not zeroed, as the TDX module initializes PAMTs itself. */
    @Override
    public OptionalLong allocContigPages(long pageCount, int node) {
        return recorded(allocator.allocContigPages(pageCount, node));
    }

    @Override
    public List<Range> freeRanges(int node) {
        return allocator.freeRanges(node);
    }

    @Override
    public boolean allocContigRange(long pa, long pageCount) {
        return recorded(allocator.allocContigRange(pa, pageCount) ? OptionalLong.of(pa) : OptionalLong.empty())
                .isPresent();
    }

    @Override
    public void freeContigRange(long pa, long pageCount) {
        allocator.freeContigRange(pa, pageCount);
        events.add(new HostEvent.Freed(AllocationPurpose.PAMT, Range.ofSize(pa, pageCount << Page.SHIFT)));
    }

    public void wbinvdOnAllCpus() {
        events.add(new HostEvent.WbinvdOnAllCpus());
    }

    /** WBINVD on {@code cpu} alone. */
    public void wbinvd(int cpu) {
        events.add(new HostEvent.Wbinvd(requireCpu(cpu)));
    }

    /** Takes a VMX reference on {@code cpu}; the first one is VMXON. */
    public void takeVmxReference(int cpu) {
        vmxReferences.merge(requireCpu(cpu), 1, Integer::sum);
        events.add(new HostEvent.VmxReferenceTaken(cpu));
    }

    /** Gives back a VMX reference {@code cpu} holds; the last one is VMXOFF. */
    public void dropVmxReference(int cpu) {
        Integer held = vmxReferences.get(requireCpu(cpu));
        if (held == null) {
            throw new IllegalStateException("CPU " + cpu + " holds no VMX reference to drop");
        }
        if (held == 1) {
            vmxReferences.remove(cpu);
        } else {
            vmxReferences.put(cpu, held - 1);
        }
        events.add(new HostEvent.VmxReferenceDropped(cpu));
    }

    /** Whether {@code cpu} is in VMX operation, where a SEAMCALL does not #UD. */
    public boolean inVmxOperation(int cpu) {
        return vmxReferences.containsKey(cpu);
    }

    /** The VMX references each CPU holds, by CPU; empty when no CPU is in VMX operation. */
    public Map<Integer, Integer> vmxReferences() {
        return Map.copyOf(vmxReferences);
    }

    private int requireCpu(int cpu) {
        if (config.cpus().stream().noneMatch(c -> c.id() == cpu && c.online())) {
            throw new IllegalArgumentException("CPU " + cpu + " is not online");
        }
        return cpu;
    }

    /** MOVDIR64B of the zero page over {@code range}, 64 bytes at a time, then a full barrier. */
    public void movdir64bZero(Range range) {
        if (range.start() % MOVDIR64B_BYTES != 0 || range.size() % MOVDIR64B_BYTES != 0) {
            throw new IllegalArgumentException("MOVDIR64B writes whole 64-byte lines: " + range);
        }
        memory.fill(range.start(), range.size(), (byte) 0);
        events.add(new HostEvent.Movdir64bZeroed(range));
    }

    public void getOnlineMems() {
        events.add(new HostEvent.GetOnlineMems());
    }

    public void putOnlineMems() {
        events.add(new HostEvent.PutOnlineMems());
    }

    private OptionalLong recorded(OptionalLong pa) {
        if (pa.isPresent()) {
            Allocation allocation = allocator.allocationAt(pa.getAsLong());
            events.add(new HostEvent.Allocated(allocation.purpose(), allocation.range()));
        }
        return pa;
    }

    private OptionalLong zeroed(OptionalLong pa) {
        if (pa.isPresent()) {
            Range range = allocator.allocationAt(pa.getAsLong()).range();
            memory.fill(range.start(), range.size(), (byte) 0);
        }
        return pa;
    }
}
