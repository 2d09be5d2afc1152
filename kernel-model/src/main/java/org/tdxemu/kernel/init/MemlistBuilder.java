package org.tdxemu.kernel.init;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KernelAllocator;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.host.PageAllocator;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.TdxMemblock;
import org.tdxemu.seamcall.memory.Range;

/**
 * build_tdx_memlist() (kernel-init.md §3.1): memblock's regions, page-rounded inward as
 * for_each_mem_pfn_range() gives them, with the first MiB cut off, one kmalloc'd entry each.
 */
final class MemlistBuilder {

    /** sizeof(struct tdx_memblock): a list_head, two PFNs and a node id, padded to 8 bytes. */
    static final long TDX_MEMBLOCK_BYTES = 40;

    /** Whether, and how, each region is checked against the CMRs before it is added. */
    enum ConvertibleCheck {
        /** Upstream: the module finds non-convertible memory at TDH.SYS.CONFIG. */
        NONE,
        /** The CMR-hole fix: pr_err, free what was built, -EINVAL. */
        CMR_FIX,
        /** v7: pr_info, and return -EINVAL leaving what was built in place (the kmalloc'd entries leak). */
        V7
    }

    /** The list, possibly partial, and the error that stopped it. */
    record Result(Memlist memlist, Optional<Errno> failure) {
    }

    private MemlistBuilder() {
    }

    static Result build(HostConfig host, ConvertibleCheck check, List<Range> cmrs, KernelAllocator allocator,
                        KernelLog log) {
        Memlist memlist = new Memlist();
        for (MemoryRegion region : host.memblock()) {
            long start = Math.max(Page.alignUp(region.start()), PageAllocator.LOW_MEMORY_END);
            long end = Page.alignDown(region.end());
            if (start >= end) {
                continue;
            }
            if (check != ConvertibleCheck.NONE && !insideOneCmr(start, end, cmrs)) {
                if (check == ConvertibleCheck.V7) {
                    log.printf("Memory region [0x%x, 0x%x) is not TDX convertible memorry.", start, end);
                    return new Result(memlist, Optional.of(Errno.EINVAL));
                }
                // The fix prints PHYS_PFN(start_pfn): the PFN shifted once more, so address >> 24.
                log.printf("memory region [0x%x, 0x%x) is not TDX convertible memory.",
                        start >>> (2 * Page.SHIFT), end >>> (2 * Page.SHIFT));
                memlist.free(allocator);
                return new Result(memlist, Optional.of(Errno.EINVAL));
            }
            OptionalLong entry = allocator.kmalloc(TDX_MEMBLOCK_BYTES, AllocationPurpose.TDX_MEMBLOCK);
            if (entry.isEmpty()) {
                memlist.free(allocator);
                return new Result(memlist, Optional.of(Errno.ENOMEM));
            }
            memlist.add(new TdxMemblock(start, end, region.node()), entry.getAsLong());
        }
        return new Result(memlist, Optional.empty());
    }

    /** is_cmr_sub_region() / pfn_range_covered_by_cmr(), in whole pages. */
    private static boolean insideOneCmr(long start, long end, List<Range> cmrs) {
        for (Range cmr : cmrs) {
            long cmrStart = Page.alignDown(cmr.start());
            long cmrEnd = cmrStart + Page.alignDown(cmr.size());
            if (start >= cmrStart && end <= cmrEnd) {
                return true;
            }
        }
        return false;
    }
}
