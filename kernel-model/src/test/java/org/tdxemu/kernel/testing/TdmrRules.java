package org.tdxemu.kernel.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.seamcall.memory.Range;

/**
 * The TDMR planner's rules, kernel-init.md §3, restated plainly from the prose (not from the
 * planner's code) for tests to hold the planner to: which memory the kernel puts in TDMRs, which
 * TDMRs cover it, and which parts of a TDMR are holes.
 */
public final class TdmrRules {

    private static final long TDMR_ALIGNMENT = 1L << 30;
    /** The first MiB is never TDX memory. */
    private static final long LOW_MEMORY_END = 1L << 20;

    private TdmrRules() {
    }

    /**
     * §3.1: a region as for_each_mem_pfn_range() gives it, whole pages only, from 1 MiB up; empty
     * when nothing is left.
     */
    public static Optional<Range> tdxMemory(Range region) {
        long start = Math.max(Page.alignUp(region.start()), LOW_MEMORY_END);
        long end = Page.alignDown(region.end());
        return start < end ? Optional.of(new Range(start, end)) : Optional.empty();
    }

    /** §3.1: the TDX memory list, every memblock region so cut, in order. */
    public static List<Range> memlist(HostConfig host) {
        List<Range> list = new ArrayList<>();
        for (MemoryRegion r : host.memblock()) {
            tdxMemory(r.range()).ifPresent(list::add);
        }
        return list;
    }

    /**
     * §3.3: one TDMR per block, 1 GiB aligned, never covering a GiB twice. An empty list still
     * gets one TDMR, of size 0: the kernel does not guard that case.
     */
    public static List<Range> tdmrsCovering(List<Range> memlist) {
        List<Range> tdmrs = new ArrayList<>();
        for (Range block : memlist) {
            long start = Page.alignDown(block.start(), TDMR_ALIGNMENT);
            long end = Page.alignUp(block.end(), TDMR_ALIGNMENT);
            if (!tdmrs.isEmpty()) {
                long covered = tdmrs.get(tdmrs.size() - 1).end();
                if (end <= covered) {
                    continue;
                }
                start = Math.max(start, covered);
            }
            tdmrs.add(new Range(start, end));
        }
        return tdmrs.isEmpty() ? List.of(new Range(0, 0)) : tdmrs;
    }

    /** §3.6 pass 1: the maximal parts of {@code tdmr} that no range of {@code covering} touches. */
    public static List<Range> holes(Range tdmr, List<Range> covering) {
        List<Range> holes = new ArrayList<>();
        long cursor = tdmr.start();
        for (Range r : covering) {
            if (r.end() <= cursor || r.start() >= tdmr.end()) {
                continue;
            }
            if (r.start() > cursor) {
                holes.add(new Range(cursor, r.start()));
            }
            cursor = Math.max(cursor, r.end());
        }
        if (cursor < tdmr.end()) {
            holes.add(new Range(cursor, tdmr.end()));
        }
        return holes;
    }
}
