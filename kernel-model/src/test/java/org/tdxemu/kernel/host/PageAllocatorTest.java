package org.tdxemu.kernel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.memory.Range;

class PageAllocatorTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private static HostConfig host(List<MemoryRegion> memblock) {
        return HostConfig.of(memblock, HostConfig.cpus(1, 1, Set.of()), KeyIdPartitioningMsr.of(31, 32));
    }

    @Test
    void managesRamMinusReservedRangesAndTheFirstMib() {
        HostConfig config = host(List.of(new MemoryRegion(0, 64 * MIB, 0)))
                .withReserved(List.of(new Range(16 * MIB, 20 * MIB)));
        PageAllocator allocator = new PageAllocator(config);
        assertEquals(64 * MIB - MIB - 4 * MIB, allocator.managedBytes());
        assertEquals(allocator.managedBytes(), allocator.freeBytes());
    }

    @Test
    void reservedRangesAndTheFirstMibAreNeverHandedOut() {
        HostConfig config = host(List.of(new MemoryRegion(0, 64 * MIB, 0)))
                .withReserved(List.of(new Range(16 * MIB, 20 * MIB)));
        PageAllocator allocator = new PageAllocator(config);
        long taken = 0;
        for (OptionalLong pa = allocator.allocContigPages(1, 0); pa.isPresent(); pa = allocator.allocContigPages(1, 0)) {
            Range page = Range.ofSize(pa.getAsLong(), Page.SIZE);
            assertFalse(page.overlaps(new Range(16 * MIB, 20 * MIB)), page.toString());
            assertTrue(page.start() >= MIB, page.toString());
            taken += Page.SIZE;
        }
        assertEquals(allocator.managedBytes(), taken);
        assertEquals(0, allocator.freeBytes());
    }

    @Test
    void contigRangesLandAtTheBottomOfTheRequestedNodesNormalZone() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 2 * GIB, 0),
                new MemoryRegion(4 * GIB, 8 * GIB, 0), new MemoryRegion(8 * GIB, 16 * GIB, 1))));
        assertEquals(OptionalLong.of(4 * GIB), allocator.allocContigPages(1024, 0));
        assertEquals(OptionalLong.of(4 * GIB + 4 * MIB), allocator.allocContigPages(1024, 0));
        assertEquals(OptionalLong.of(8 * GIB), allocator.allocContigPages(1024, 1));
    }

    @Test
    void contigRangesFallBackToDma32ThenToTheOtherNodes() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 64 * MIB, 0),
                new MemoryRegion(4 * GIB, 5 * GIB, 0), new MemoryRegion(8 * GIB, 9 * GIB, 1))));
        assertEquals(OptionalLong.of(4 * GIB), allocator.allocContigPages(GIB >>> Page.SHIFT, 0));
        assertEquals(OptionalLong.of(16 * MIB), allocator.allocContigPages(16 * MIB >>> Page.SHIFT, 0));
        assertEquals(OptionalLong.of(8 * GIB), allocator.allocContigPages(64 * MIB >>> Page.SHIFT, 0));
    }

    @Test
    void contigWindowsStartWhereTheKernelsAlignMaskPutsThem() {
        // ALIGN(0x100007, 1027) = (0x100007 + 0x402) & ~0x402 = 0x100009: a bit mask, not a multiple of 1027.
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(0x100007000L, 8 * GIB, 0))));
        assertEquals(OptionalLong.of(0x100009000L), allocator.allocContigPages(1027, 0));
        assertEquals(OptionalLong.of(0x100009000L + 1027 * Page.SIZE), allocator.allocContigPages(1027, 0));
    }

    @Test
    void aWindowThatMeetsAReservedPageMovesByAWholeWindow() {
        HostConfig config = host(List.of(new MemoryRegion(4 * GIB, 8 * GIB, 0)))
                .withReserved(List.of(Range.ofSize(4 * GIB + Page.SIZE, Page.SIZE)));
        PageAllocator allocator = new PageAllocator(config);
        assertEquals(OptionalLong.of(4 * GIB + 1024 * Page.SIZE), allocator.allocContigPages(1024, 0));
        assertEquals(OptionalLong.of(4 * GIB + 2048 * Page.SIZE), allocator.allocContigPages(1024, 0));
    }

    @Test
    void contigAllocationFailsWhenNoWindowIsFreeThoughEnoughPagesAre() {
        // 8 free MiB in two 4 MiB pieces, split by a reserved page: no 8 MiB window anywhere.
        HostConfig config = host(List.of(new MemoryRegion(4 * GIB, 4 * GIB + 8 * MIB + Page.SIZE, 0)))
                .withReserved(List.of(Range.ofSize(4 * GIB + 4 * MIB, Page.SIZE)));
        PageAllocator allocator = new PageAllocator(config);
        assertEquals(8 * MIB, allocator.freeBytes());
        assertEquals(OptionalLong.empty(), allocator.allocContigPages(8 * MIB >>> Page.SHIFT, 0));
        assertEquals(8 * MIB, allocator.freeBytes());
    }

    /**
     * The free extents are kept with a gap in their arrays; a range taken from the middle moves the
     * gap there, and what the optimal planner reads of free memory, and where it may take a range,
     * must still be the memory that is free.
     */
    @Test
    void freeRangesAndContigRangesAgreeWithFreeMemoryAfterATakeInTheMiddle() {
        List<MemoryRegion> regions = new java.util.ArrayList<>();
        for (int k = 0; k < 10; k++) {
            regions.add(new MemoryRegion(4 * GIB + 2 * k * GIB, 5 * GIB + 2 * k * GIB, 0));
        }
        PageAllocator allocator = new PageAllocator(host(regions));
        assertTrue(allocator.allocContigRange(6 * GIB + 256 * MIB, 1024));
        List<Range> expected = new java.util.ArrayList<>();
        for (int k = 0; k < 10; k++) {
            if (k == 1) {
                expected.add(new Range(6 * GIB, 6 * GIB + 256 * MIB));
                expected.add(new Range(6 * GIB + 260 * MIB, 7 * GIB));
            } else {
                expected.add(new Range(4 * GIB + 2 * k * GIB, 5 * GIB + 2 * k * GIB));
            }
        }
        assertEquals(expected, allocator.freeRanges(0));
        assertFalse(allocator.allocContigRange(6 * GIB + 256 * MIB, 1), "taken already");
        assertFalse(allocator.allocContigRange(21 * GIB - 4 * MIB, 2048), "runs past the last region's end");
        assertTrue(allocator.allocContigRange(21 * GIB - 4 * MIB, 1024), "the last region's last 4 MiB");
        assertTrue(allocator.allocContigRange(12 * GIB, 1024), "the first 4 MiB of region 4");
        assertEquals(new Range(12 * GIB + 4 * MIB, 13 * GIB), allocator.freeRanges(0).get(5));
        assertEquals(new Range(20 * GIB, 21 * GIB - 4 * MIB), allocator.freeRanges(0).get(9));
        assertEquals(List.of(), allocator.freeRanges(1), "no memory on node 1");
    }

    @Test
    void zeroPagesAreNeverHandedOut() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, GIB, 0))));
        assertEquals(OptionalLong.empty(), allocator.allocContigPages(0, 0));
    }

    @Test
    void smallAllocationsComeFromTheTopOfTheLocalNode() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 2 * GIB, 0),
                new MemoryRegion(4 * GIB, 8 * GIB, 0), new MemoryRegion(8 * GIB, 16 * GIB, 1))));
        assertEquals(OptionalLong.of(8 * GIB - 32 * 1024), allocator.allocPagesExact(32 * 1024, AllocationPurpose.TDMR_LIST));
        assertEquals(OptionalLong.of(8 * GIB - 32 * 1024 - Page.SIZE),
                allocator.kmalloc(512, AllocationPurpose.TDMR_PA_ARRAY));
    }

    @Test
    void allocPagesExactKeepsThePageAlignedSizeOfABlockAlignedToItsOrder() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 64 * MIB, 0))));
        long first = allocator.allocPagesExact(3 * Page.SIZE, AllocationPurpose.TDMR_LIST).getAsLong();
        assertEquals(64 * MIB - 4 * Page.SIZE, first);
        assertEquals(new Allocation(Range.ofSize(first, 3 * Page.SIZE), AllocationPurpose.TDMR_LIST),
                allocator.allocationAt(first));
        long second = allocator.allocPagesExact(3 * Page.SIZE, AllocationPurpose.TDMR_LIST).getAsLong();
        assertEquals(first - 4 * Page.SIZE, second);
        assertEquals(allocator.managedBytes() - 6 * Page.SIZE, allocator.freeBytes());
    }

    @Test
    void kmallocObjectsShareASlabPageAndAreAlignedToTheirSize() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 64 * MIB, 0))));
        long a = allocator.kmalloc(40, AllocationPurpose.TDX_MEMBLOCK).getAsLong();
        long b = allocator.kmalloc(40, AllocationPurpose.TDX_MEMBLOCK).getAsLong();
        long c = allocator.kmalloc(512, AllocationPurpose.TDMR_PA_ARRAY).getAsLong();
        assertEquals(64 * MIB - Page.SIZE, a);
        assertEquals(a + 64, b);
        assertEquals(0, c % 512);
        assertEquals(new Allocation(Range.ofSize(b, 64), AllocationPurpose.TDX_MEMBLOCK), allocator.allocationAt(b));
        assertEquals(allocator.managedBytes() - 2 * Page.SIZE, allocator.freeBytes());
        allocator.kfree(a);
        allocator.kfree(c);
        assertEquals(allocator.managedBytes() - Page.SIZE, allocator.freeBytes());
        assertEquals(List.of(new Allocation(Range.ofSize(b, 64), AllocationPurpose.TDX_MEMBLOCK)), allocator.allocations());
        allocator.kfree(b);
        assertEquals(allocator.managedBytes(), allocator.freeBytes());
        assertEquals(List.of(), allocator.allocations());
    }

    @Test
    void kmallocAboveHalfAPageTakesAWholeBlockAlignedToItsSize() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 64 * MIB, 0))));
        long page = allocator.kmalloc(2049, AllocationPurpose.TDMR_PA_ARRAY).getAsLong();
        long twoPages = allocator.kmalloc(5000, AllocationPurpose.TDMR_PA_ARRAY).getAsLong();
        assertEquals(64 * MIB - Page.SIZE, page);
        assertEquals(64 * MIB - 4 * Page.SIZE, twoPages);
        assertEquals(Range.ofSize(twoPages, 2 * Page.SIZE), allocator.allocationAt(twoPages).range());
        allocator.kfree(page);
        allocator.kfree(twoPages);
        assertEquals(allocator.managedBytes(), allocator.freeBytes());
    }

    @Test
    void freeingWhatWasNotHandedOutIsRefused() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 64 * MIB, 0))));
        long chunk = allocator.allocContigPages(4, 0).getAsLong();
        assertThrows(IllegalStateException.class, () -> allocator.freeContigRange(chunk, 3));
        assertThrows(IllegalStateException.class, () -> allocator.freePagesExact(chunk, 4 * Page.SIZE));
        assertThrows(IllegalStateException.class, () -> allocator.kfree(chunk));
        allocator.freeContigRange(chunk, 4);
        assertEquals(allocator.managedBytes(), allocator.freeBytes());
    }

    @Test
    void anInjectedFailureHitsOnlyTheChosenOccurrenceOfItsPurpose() {
        PageAllocator allocator = new PageAllocator(host(List.of(new MemoryRegion(MIB, 64 * MIB, 0))));
        allocator.failAllocation(AllocationPurpose.PAMT, 2);
        assertTrue(allocator.kmalloc(8, AllocationPurpose.PACKAGE_CPUMASK).isPresent());
        assertTrue(allocator.allocContigPages(1, 0).isPresent());
        assertEquals(OptionalLong.empty(), allocator.allocContigPages(1, 0));
        assertTrue(allocator.allocContigPages(1, 0).isPresent());
    }
}
