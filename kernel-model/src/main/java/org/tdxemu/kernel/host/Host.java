package org.tdxemu.kernel.host;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.Range;

/**
 * The host the kernel model runs on: its configuration, its physical memory, the page allocator
 * over that memory, and the record of what the kernel did to the host besides SEAMCALLs. Every
 * allocation, free, cache flush and MOVDIR64B goes through here, so it is both done and recorded.
 */
public final class Host implements KernelAllocator {

    private static final int MOVDIR64B_BYTES = 64;

    private final HostConfig config;
    private final PhysicalMemory memory;
    private final PageAllocator allocator;
    private final List<HostEvent> events = new ArrayList<>();

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
