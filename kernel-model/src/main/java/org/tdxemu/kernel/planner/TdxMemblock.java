package org.tdxemu.kernel.planner;

import org.tdxemu.seamcall.memory.Range;

/** One entry of the TDX memory list: a page-aligned memblock region at or above 1 MiB, and its node. */
public record TdxMemblock(long start, long end, int node) {

    public Range range() {
        return new Range(start, end);
    }
}
