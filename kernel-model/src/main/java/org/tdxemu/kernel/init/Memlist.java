package org.tdxemu.kernel.init;

import java.util.ArrayList;
import java.util.List;
import org.tdxemu.kernel.host.KernelAllocator;
import org.tdxemu.kernel.planner.TdxMemblock;
import org.tdxemu.kernel.planner.TdxMemlist;

/** tdx_memlist as the kernel holds it: the blocks, each in the {@code struct tdx_memblock} kmalloc gave it. */
final class Memlist {

    private final List<TdxMemblock> blocks = new ArrayList<>();
    private final List<Long> entries = new ArrayList<>();

    void add(TdxMemblock block, long entry) {
        blocks.add(block);
        entries.add(entry);
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    List<TdxMemblock> blocks() {
        return List.copyOf(blocks);
    }

    TdxMemlist toTdxMemlist() {
        return TdxMemlist.of(blocks);
    }

    /** free_tdx_memlist(): kfree every entry, first to last. */
    void free(KernelAllocator allocator) {
        entries.forEach(allocator::kfree);
        blocks.clear();
        entries.clear();
    }
}
