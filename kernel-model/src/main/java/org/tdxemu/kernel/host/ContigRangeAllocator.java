package org.tdxemu.kernel.host;

import java.util.List;
import org.tdxemu.seamcall.memory.Range;

/**
 * What a TDMR planner that chooses where its PAMTs go needs besides {@link ContigAllocator}: where
 * memory is free, and a chosen free range, as alloc_contig_range() takes one. The kernel's planner
 * never uses either; tdxemu's optimal planner does (docs/scenarios.md, "Planners").
 */
public interface ContigRangeAllocator extends ContigAllocator {

    /**
     * The free memory of {@code node}, as page-aligned ranges in the order alloc_contig_pages()
     * searches it: its zones from ZONE_NORMAL down, each ascending. Empty for a node without memory.
     */
    List<Range> freeRanges(int node);

    /**
     * alloc_contig_range() of {@code pageCount} pages from {@code pa}, for a PAMT: every page must
     * be free; freed with {@link #freeContigRange}.
     *
     * @return whether the range is now allocated; false when a page of it is not free (or the
     *         allocation was made to fail)
     */
    boolean allocContigRange(long pa, long pageCount);
}
