package org.tdxemu.kernel.layout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.memory.Range;

/**
 * Host memory layouts, the same for every test and benchmark: the real hosts the project measures
 * itself against, and generated ones from 256 GiB to 64 TiB ({@link #generate}).
 *
 * <p>Every layout comes with its CMRs. Firmware reports at most {@link #MAX_CMRS} of them, each
 * covering convertible memory that may include firmware holes, as the Emerald Rapids host's CMR
 * [0x100000, 0x6f800000) covers its low e820 fragments.
 */
public final class Layouts {

    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    /** Above the PCI hole, x86 memory continues from 4 GiB. */
    public static final long HIGH_MEMORY_START = 4 * GIB;
    /** MCHECK's CMR table has 32 slots. */
    public static final int MAX_CMRS = 32;
    /** How many of {@link #EMERALD_RAPIDS_LOW_RAM}'s fragments a layout with firmware holes has, at most. */
    public static final int LOW_FRAGMENTS = 13;
    /** 31 MKTME KeyIDs and 32 TDX KeyIDs in 6 KeyID bits: the private range [32, 64). */
    public static final KeyIdPartitioningMsr KEY_IDS = KeyIdPartitioningMsr.of(31, 32);

    /** Generated regions are cut at 2 MiB boundaries, except where the total leaves a remainder. */
    private static final long REGION_GRANULE = 2 * MIB;
    private static final int KEY_ID_BITS = 6;
    private static final int CPUS_PER_PACKAGE = 4;

    /**
     * The usable e820 ranges above 1 MiB below 2 GiB of the Emerald Rapids host in canonical/tdx#135
     * (kernel-init.md §5 item 28): 16 of them, so a TDMR over them has 17 memblock holes.
     */
    public static final List<Range> EMERALD_RAPIDS_LOW_RAM = List.of(new Range(0x100000L, 0x5d169000L),
            new Range(0x5d22b000L, 0x5d3cf000L), new Range(0x5d46a000L, 0x5e5b3000L), new Range(0x5e5c3000L, 0x5e5d3000L),
            new Range(0x5e5e5000L, 0x5eb58000L), new Range(0x61358000L, 0x6172b000L), new Range(0x61795000L, 0x617ff000L),
            new Range(0x61913000L, 0x61999000L), new Range(0x619e0000L, 0x619e2000L), new Range(0x619ea000L, 0x61a27000L),
            new Range(0x61baf000L, 0x623c3000L), new Range(0x62472000L, 0x62824000L), new Range(0x63a25000L, 0x63d58000L),
            new Range(0x64158000L, 0x64159000L), new Range(0x64195000L, 0x6e9cf000L), new Range(0x6f7ff000L, 0x6f800000L));
    /** The first two CMRs that host's module reported. */
    public static final List<Range> EMERALD_RAPIDS_CMRS = List.of(new Range(0x100000L, 0x6f800000L),
            new Range(0x100000000L, 0x107a000000L));

    private Layouts() {
    }

    /**
     * A layout by name: {@code two-socket-2t}, {@code emerald-rapids}, {@code heavy}, or a generated
     * one named as {@link LayoutSpec#name()} names it ({@code 2T-8n-64r-none}).
     */
    public static Layout named(String name) {
        return switch (name) {
            case "two-socket-2t" -> twoSocket2T();
            case "emerald-rapids" -> emeraldRapids();
            case "heavy" -> heavy();
            default -> generate(LayoutSpec.parse(name));
        };
    }

    /**
     * The two-package host whose memory is [0x100000, 0x77800000) and [0x100000000, 0x1003e000000)
     * on node 0 and [0x10080000000, 0x20040000000) on node 1, for which Linux printed
     * {@code 8396820 KB allocated for PAMT}; 2 packages of 4 CPUs; its CMRs are its memory.
     */
    public static Layout twoSocket2T() {
        List<MemoryRegion> regions = List.of(new MemoryRegion(0x100000L, 0x77800000L, 0),
                new MemoryRegion(0x100000000L, 0x1003e000000L, 0), new MemoryRegion(0x10080000000L, 0x20040000000L, 1));
        return new Layout("two-socket-2t", HostConfig.of(regions, HostConfig.cpus(2, 4, Set.of()), KEY_IDS),
                regions.stream().map(MemoryRegion::range).toList());
    }

    /**
     * The Emerald Rapids host of canonical/tdx#135: the sub-MiB range, the 16 low ranges and its
     * first high CMR, all on node 0; 2 packages of 2 CPUs. With holes from memblock its first TDMR
     * needs 17 reserved areas and the kernel fails.
     */
    public static Layout emeraldRapids() {
        List<MemoryRegion> regions = new ArrayList<>();
        regions.add(new MemoryRegion(0, 0x9f000, 0));
        EMERALD_RAPIDS_LOW_RAM.forEach(r -> regions.add(MemoryRegion.of(r, 0)));
        regions.add(new MemoryRegion(0x100000000L, 0x107a000000L, 0));
        return new Layout("emerald-rapids", HostConfig.of(regions, HostConfig.cpus(2, 2, Set.of()), KEY_IDS),
                EMERALD_RAPIDS_CMRS);
    }

    /**
     * The planner's heavy case: the first {@link #LOW_FRAGMENTS} of the Emerald Rapids host's low
     * fragments on node 0, then from 4 GiB 8 nodes × 7 blocks of 128 GiB − 2 MiB, each block
     * starting 2 GiB + 2 MiB after the previous one ends (every 130 GiB), block k on node k / 7;
     * 8 packages of 4 CPUs. 57 TDMRs: [0, 2 GiB), then one per block.
     *
     * <p>Every TDMR fits the usual 16 reserved areas. TDMR 0 has 14 (the first MiB, 12 gaps, the
     * tail from the last fragment to 2 GiB). A block's TDMR has its 2 MiB tail hole, and each
     * node's PAMTs all land at the bottom of its lowest block, the first free window of its normal
     * zone: its first TDMR holds 7 PAMTs (node 0's 8, with TDMR 0's) besides its tail hole.
     */
    public static Layout heavy() {
        int nodes = 8;
        int blocksPerNode = 7;
        List<MemoryRegion> regions = new ArrayList<>();
        EMERALD_RAPIDS_LOW_RAM.subList(0, LOW_FRAGMENTS).forEach(r -> regions.add(MemoryRegion.of(r, 0)));
        for (int k = 0; k < nodes * blocksPerNode; k++) {
            long start = HIGH_MEMORY_START + k * 130 * GIB;
            regions.add(new MemoryRegion(start, start + 128 * GIB - 2 * MIB, k / blocksPerNode));
        }
        return new Layout("heavy", HostConfig.of(regions, HostConfig.cpus(nodes, CPUS_PER_PACKAGE, Set.of()), KEY_IDS),
                cmrs(regions, LOW_FRAGMENTS));
    }

    /**
     * A layout as {@code spec} describes it.
     *
     * <ul>
     *   <li>With {@link HolePattern#FIRMWARE_LOW}, the first regions are the Emerald Rapids host's
     *       low fragments on node 0, as many of the first {@link #LOW_FRAGMENTS} as the region
     *       count leaves after one region per node (none when there are as many regions as nodes).
     *       They count toward the total.</li>
     *   <li>The other regions share the rest of the total, cut at 2 MiB boundaries, from 4 GiB up,
     *       back to back or, with {@link HolePattern#SPARSE_HIGH} and {@link
     *       HolePattern#SPARSE_RANDOM}, each at the bottom of a 1 GiB aligned window twice its size
     *       rounded up to 1 GiB. Their shares are equal, or with {@link HolePattern#SPARSE_RANDOM}
     *       1 to 7 parts each, at random.</li>
     *   <li>They go to the nodes in ascending order, each node an equal share of them (give or
     *       take one); node n is package n, with 4 CPUs.</li>
     *   <li>The CMRs are the low fragments' span and each run of back-to-back regions; when that
     *       is more than {@link #MAX_CMRS}, one CMR per node spans that node's regions.</li>
     *   <li>The KeyIDs are 31 MKTME and 32 TDX in 6 KeyID bits when memory ends within the 46
     *       address bits that leaves; otherwise the KeyID bits shrink to what the top of memory
     *       leaves, with 2^(b−1) − 1 MKTME and 2^(b−1) TDX KeyIDs.</li>
     * </ul>
     */
    public static Layout generate(LayoutSpec spec) {
        List<MemoryRegion> regions = new ArrayList<>();
        int fragments = spec.holes() == HolePattern.FIRMWARE_LOW ? Math.min(LOW_FRAGMENTS, spec.regions() - spec.nodes()) : 0;
        long lowBytes = 0;
        for (Range fragment : EMERALD_RAPIDS_LOW_RAM.subList(0, fragments)) {
            regions.add(MemoryRegion.of(fragment, 0));
            lowBytes += fragment.size();
        }
        int highRegions = spec.regions() - fragments;
        long highBytes = spec.totalBytes() - lowBytes;
        long[] parts = parts(spec, highRegions);
        long start = HIGH_MEMORY_START;
        for (int i = 0; i < highRegions; i++) {
            long size = cut(highBytes, parts[i + 1], parts[highRegions]) - cut(highBytes, parts[i], parts[highRegions]);
            regions.add(new MemoryRegion(start, start + size, i * spec.nodes() / highRegions));
            start += spec.holes() == HolePattern.NONE || spec.holes() == HolePattern.FIRMWARE_LOW ? size
                    : 2 * Page.alignUp(size, GIB);
        }
        long top = regions.get(regions.size() - 1).end();
        HostConfig host = HostConfig.of(regions, HostConfig.cpus(spec.nodes(), CPUS_PER_PACKAGE, Set.of()), keyIdsBelow(top));
        return new Layout(spec.name(), host, cmrs(regions, fragments));
    }

    /**
     * How many parts of the total the regions before region i take, for i = 0 … regions: one each,
     * or with {@link HolePattern#SPARSE_RANDOM} 1 to 7 each, drawn from a generator seeded by the
     * layout's name.
     */
    private static long[] parts(LayoutSpec spec, int regions) {
        SplittableRandom random = new SplittableRandom(spec.name().hashCode());
        long[] parts = new long[regions + 1];
        for (int i = 0; i < regions; i++) {
            parts[i + 1] = parts[i] + (spec.holes() == HolePattern.SPARSE_RANDOM ? 1 + random.nextInt(7) : 1);
        }
        return parts;
    }

    /** Where {@code part} of {@code parts} ends in {@code total}, cut at a 2 MiB boundary but at the very end. */
    private static long cut(long total, long part, long parts) {
        return part == parts ? total : Page.alignDown(total * part / parts, REGION_GRANULE);
    }

    /** The widest KeyID split whose KeyID bits leave memory up to {@code top} addressable. */
    static KeyIdPartitioningMsr keyIdsBelow(long top) {
        int addressBits = 64 - Long.numberOfLeadingZeros(top - 1);
        int keyIdBits = Math.min(KEY_ID_BITS, PhysicalAddress.MAX_BITS - addressBits);
        if (keyIdBits < 2) {
            throw new IllegalArgumentException(String.format("memory up to 0x%x leaves too few KeyID bits for TDX", top));
        }
        long half = 1L << (keyIdBits - 1);
        return KeyIdPartitioningMsr.of(half - 1, half);
    }

    /**
     * The span of the first {@code lowFragments} regions, then the runs of back-to-back regions
     * after them, or, when those are too many, one span per node.
     */
    private static List<Range> cmrs(List<MemoryRegion> regions, int lowFragments) {
        List<Range> cmrs = new ArrayList<>();
        if (lowFragments > 0) {
            cmrs.add(new Range(regions.get(0).start(), regions.get(lowFragments - 1).end()));
        }
        List<MemoryRegion> high = regions.subList(lowFragments, regions.size());
        List<Range> runs = spans(high, false);
        cmrs.addAll(cmrs.size() + runs.size() <= MAX_CMRS ? runs : spans(high, true));
        return cmrs;
    }

    /** Consecutive regions joined while they are back to back, or, {@code byNode}, while they are on one node. */
    private static List<Range> spans(List<MemoryRegion> regions, boolean byNode) {
        List<Range> spans = new ArrayList<>();
        MemoryRegion first = regions.get(0);
        MemoryRegion last = first;
        for (MemoryRegion next : regions.subList(1, regions.size())) {
            boolean joins = byNode ? next.node() == last.node() : next.start() == last.end();
            if (!joins) {
                spans.add(new Range(first.start(), last.end()));
                first = next;
            }
            last = next;
        }
        spans.add(new Range(first.start(), last.end()));
        return spans;
    }
}
