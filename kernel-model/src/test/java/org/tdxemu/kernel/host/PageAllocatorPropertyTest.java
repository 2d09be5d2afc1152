package org.tdxemu.kernel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.NaiveContigAllocator;
import org.tdxemu.seamcall.memory.Range;

/** alloc_contig_pages() and free_contig_range() on random hosts, against a brute-force reference. */
class PageAllocatorPropertyTest {

    /** A region after a gap, both in MiB, on a node, its first {@code reservedMib} reserved. */
    private record RegionSpec(int gapMib, int sizeMib, int node, int reservedMib) {
    }

    /** Allocate {@code pages} on {@code node}, or, when {@code pages} is 0, free live allocation {@code node}. */
    private record Operation(int pages, int node) {
    }

    private static Gen<HostConfig> hosts() {
        Gen<RegionSpec> regions = integers().between(0, 5000).zip(integers().between(1, 6000), integers().between(0, 2),
                integers().between(0, 64), RegionSpec::new);
        return lists().of(regions).ofSizeBetween(1, 8).map(specs -> {
            List<MemoryRegion> memblock = new ArrayList<>();
            List<Range> reserved = new ArrayList<>();
            long cursor = 0;
            for (RegionSpec spec : specs) {
                long start = cursor + (long) spec.gapMib() * Hosts.MIB;
                long end = start + (long) spec.sizeMib() * Hosts.MIB;
                memblock.add(new MemoryRegion(start, end, spec.node()));
                if (spec.reservedMib() > 0 && spec.reservedMib() < spec.sizeMib()) {
                    reserved.add(Range.ofSize(start, (long) spec.reservedMib() * Hosts.MIB));
                }
                cursor = end;
            }
            return HostConfig.of(memblock, HostConfig.cpus(1, 1, Set.of()), Hosts.KEY_IDS).withReserved(reserved);
        });
    }

    private static Gen<List<Operation>> operations() {
        Gen<Integer> pages = Generate.constant(0).mix(integers().between(1, 300_000)).mix(integers().between(1, 3000));
        return lists().of(pages.zip(integers().between(0, 30), Operation::new)).ofSizeBetween(1, 40);
    }

    @Test
    void everyContigAllocationIsTheFirstFreeWindowAndFreesRestoreEverything() {
        qt().withExamples(150).withShrinkCycles(100).forAll(hosts(), operations()).checkAssert((host, operations) -> {
            PageAllocator allocator = new PageAllocator(host);
            NaiveContigAllocator reference = new NaiveContigAllocator(host);
            List<Range> live = new ArrayList<>();
            for (Operation op : operations) {
                if (op.pages() == 0) {
                    if (!live.isEmpty()) {
                        Range freed = live.remove(op.node() % live.size());
                        allocator.freeContigRange(freed.start(), freed.size() >>> Page.SHIFT);
                    }
                    continue;
                }
                int node = op.node() % 3;
                OptionalLong expected = reference.firstWindow(op.pages(), node, live);
                OptionalLong got = allocator.allocContigPages(op.pages(), node);
                assertEquals(expected, got, op + " with " + live + " taken");
                got.ifPresent(pa -> live.add(Range.ofSize(pa, (long) op.pages() << Page.SHIFT)));
            }
            long used = live.stream().mapToLong(Range::size).sum();
            assertEquals(allocator.managedBytes() - used, allocator.freeBytes());
            for (Range range : live) {
                allocator.freeContigRange(range.start(), range.size() >>> Page.SHIFT);
            }
            assertEquals(allocator.managedBytes(), allocator.freeBytes());
        });
    }
}
