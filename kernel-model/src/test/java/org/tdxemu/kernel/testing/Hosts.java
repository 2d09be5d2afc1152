package org.tdxemu.kernel.testing;

import java.util.List;
import java.util.Set;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.seamcall.memory.Range;

/** Host layouts the tests share; the real hosts are {@link Layouts}', which the benchmarks use too. */
public final class Hosts {

    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    /** 31 MKTME KeyIDs and 32 TDX KeyIDs: the private range [32, 64). */
    public static final KeyIdPartitioningMsr KEY_IDS = Layouts.KEY_IDS;

    private Hosts() {
    }

    /** {@link Layouts#twoSocket2T()}: the host for which Linux printed {@code 8396820 KB allocated for PAMT}. */
    public static HostConfig twoSocket2T() {
        return Layouts.twoSocket2T().host();
    }

    /** 2 GiB from 1 MiB on node 0, one package of 4 CPUs: one TDMR [0, 2 GiB). */
    public static HostConfig small() {
        return HostConfig.of(List.of(new MemoryRegion(MIB, 2 * GIB, 0)), HostConfig.cpus(1, 4, Set.of()), KEY_IDS);
    }

    /** {@link #small()} with {@code packages} packages of 2 CPUs. */
    public static HostConfig smallWithPackages(int packages) {
        return small().withCpus(HostConfig.cpus(packages, 2, Set.of()));
    }

    /** {@link Layouts#EMERALD_RAPIDS_LOW_RAM}: 16 ranges, so the first TDMR has 17 memblock holes. */
    public static final List<Range> EMR_LOW_RAM = Layouts.EMERALD_RAPIDS_LOW_RAM;
    /** The first two CMRs that host's module reported. */
    public static final List<Range> EMR_CMRS = Layouts.EMERALD_RAPIDS_CMRS;

    /** {@link Layouts#emeraldRapids()}: the sub-MiB range, the 16 low ranges, and its first high CMR, all on node 0. */
    public static HostConfig emeraldRapids() {
        return Layouts.emeraldRapids().host();
    }
}
