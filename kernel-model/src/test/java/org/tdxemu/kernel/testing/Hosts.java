package org.tdxemu.kernel.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioning;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.seamcall.memory.Range;

/** Host layouts the tests share. */
public final class Hosts {

    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    /** 31 MKTME KeyIDs and 32 TDX KeyIDs: the private range [32, 64). */
    public static final KeyIdPartitioning KEY_IDS = KeyIdPartitioning.of(31, 32);

    private Hosts() {
    }

    /**
     * The two-package host whose memory is [0x100000, 0x77800000) and [0x100000000, 0x1003e000000)
     * on node 0 and [0x10080000000, 0x20040000000) on node 1, for which Linux printed
     * {@code 8396820 KB allocated for PAMT}; 2 packages of 4 CPUs.
     */
    public static HostConfig twoSocket2T() {
        return HostConfig.of(List.of(new MemoryRegion(0x100000L, 0x77800000L, 0),
                new MemoryRegion(0x100000000L, 0x1003e000000L, 0), new MemoryRegion(0x10080000000L, 0x20040000000L, 1)),
                HostConfig.cpus(2, 4, Set.of()), KEY_IDS);
    }

    /** 2 GiB from 1 MiB on node 0, one package of 4 CPUs: one TDMR [0, 2 GiB). */
    public static HostConfig small() {
        return HostConfig.of(List.of(new MemoryRegion(MIB, 2 * GIB, 0)), HostConfig.cpus(1, 4, Set.of()), KEY_IDS);
    }

    /** {@link #small()} with {@code packages} packages of 2 CPUs. */
    public static HostConfig smallWithPackages(int packages) {
        return small().withCpus(HostConfig.cpus(packages, 2, Set.of()));
    }

    /**
     * The usable e820 ranges above 1 MiB below 2 GiB of the Emerald Rapids host in canonical/tdx#135
     * (kernel-init.md §5 item 28): 16 of them, so the first TDMR has 17 memblock holes.
     */
    public static final List<Range> EMR_LOW_RAM = List.of(new Range(0x100000L, 0x5d169000L),
            new Range(0x5d22b000L, 0x5d3cf000L), new Range(0x5d46a000L, 0x5e5b3000L), new Range(0x5e5c3000L, 0x5e5d3000L),
            new Range(0x5e5e5000L, 0x5eb58000L), new Range(0x61358000L, 0x6172b000L), new Range(0x61795000L, 0x617ff000L),
            new Range(0x61913000L, 0x61999000L), new Range(0x619e0000L, 0x619e2000L), new Range(0x619ea000L, 0x61a27000L),
            new Range(0x61baf000L, 0x623c3000L), new Range(0x62472000L, 0x62824000L), new Range(0x63a25000L, 0x63d58000L),
            new Range(0x64158000L, 0x64159000L), new Range(0x64195000L, 0x6e9cf000L), new Range(0x6f7ff000L, 0x6f800000L));
    /** The first two CMRs that host's module reported. */
    public static final List<Range> EMR_CMRS = List.of(new Range(0x100000L, 0x6f800000L),
            new Range(0x100000000L, 0x107a000000L));

    /** That host's memory: the sub-MiB range, the 16 low ranges, and its first high CMR, all on node 0. */
    public static HostConfig emeraldRapids() {
        List<MemoryRegion> regions = new ArrayList<>();
        regions.add(new MemoryRegion(0, 0x9f000, 0));
        EMR_LOW_RAM.forEach(r -> regions.add(MemoryRegion.of(r, 0)));
        regions.add(new MemoryRegion(0x100000000L, 0x107a000000L, 0));
        return HostConfig.of(regions, HostConfig.cpus(2, 2, Set.of()), KEY_IDS);
    }
}
