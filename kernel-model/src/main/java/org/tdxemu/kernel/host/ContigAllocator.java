package org.tdxemu.kernel.host;

import java.util.OptionalLong;

/** alloc_contig_pages() and free_contig_range(): what the TDMR planner needs to place PAMTs. */
public interface ContigAllocator {

    /**
     * Physically contiguous {@code pageCount} pages, preferring NUMA node {@code node} and falling
     * back to any other node, as {@code alloc_contig_pages(n, GFP_KERNEL, node, &node_online_map)}.
     *
     * @return the physical address of the first page, or empty when no such range is free
     */
    OptionalLong allocContigPages(long pageCount, int node);

    /** Gives back exactly a range {@link #allocContigPages} handed out. */
    void freeContigRange(long pa, long pageCount);
}
