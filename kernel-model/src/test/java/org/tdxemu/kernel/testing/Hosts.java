package org.tdxemu.kernel.testing;

import java.util.List;
import java.util.Set;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioning;
import org.tdxemu.kernel.host.MemoryRegion;

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
}
