package org.tdxemu.kernel.layout;

import java.util.List;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.seamcall.memory.Range;

/**
 * A host's memory layout as the kernel and the TDX module see it: the host (memblock regions with
 * their nodes, CPUs, KeyID split) and the CMRs its firmware reports, ascending.
 */
public record Layout(String name, HostConfig host, List<Range> cmrs) {

    public Layout {
        cmrs = List.copyOf(cmrs);
    }

    /** The RAM of every memblock region. */
    public long ramBytes() {
        long bytes = 0;
        for (MemoryRegion region : host.memblock()) {
            bytes += region.end() - region.start();
        }
        return bytes;
    }
}
