package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.List;

/**
 * tdx_memlist: the TDX-usable memory blocks, ascending and non-overlapping. Adjacent blocks stay
 * separate, as memblock keeps them.
 */
public final class TdxMemlist {

    private final AddressRanges ranges;
    private final int[] nodes;

    private TdxMemlist(AddressRanges ranges, int[] nodes) {
        this.ranges = ranges;
        this.nodes = nodes;
    }

    public static TdxMemlist of(List<TdxMemblock> blocks) {
        return new TdxMemlist(AddressRanges.of(blocks.stream().map(TdxMemblock::range).toList()),
                blocks.stream().mapToInt(TdxMemblock::node).toArray());
    }

    public int count() {
        return nodes.length;
    }

    public long start(int index) {
        return ranges.start(index);
    }

    public long end(int index) {
        return ranges.end(index);
    }

    public int node(int index) {
        return nodes[index];
    }

    /** The blocks' ranges, which are also where the memory holes between them come from. */
    public AddressRanges ranges() {
        return ranges;
    }

    public List<TdxMemblock> blocks() {
        List<TdxMemblock> blocks = new ArrayList<>(nodes.length);
        for (int i = 0; i < nodes.length; i++) {
            blocks.add(new TdxMemblock(start(i), end(i), nodes[i]));
        }
        return blocks;
    }
}
