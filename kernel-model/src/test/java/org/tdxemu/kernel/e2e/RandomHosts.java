package org.tdxemu.kernel.e2e;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;
import org.quicktheories.impl.Constraint;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.host.PageAllocator;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.seamcall.layout.PamtEntry;
import org.tdxemu.seamcall.memory.Range;

/**
 * Random hosts for the TDMR planner, built from small integers so that QuickTheories shrinks
 * toward few regions, small sizes and gaps, one node and generous module limits: up to 1024
 * memblock regions in up to 64 TiB, on up to four NUMA nodes, with holes between them, RAM in use
 * at their starts, and CMRs that hold every region.
 *
 * <p>A region is a gap and a size, each a count of one of four units (4 KiB, 2 MiB, 1 GiB,
 * 64 GiB), the unit capped for the whole host; only every k-th region keeps its gap, k drawn per
 * host, so that hosts of many regions have few holes too. Regions that would pass 64 TiB, where the memory of
 * a platform with six KeyID bits ends, are cut there or dropped. The CMRs follow the regions: a
 * region continues the CMR before it (which then holds the hole between them too), starts a new
 * one, starts one that also holds half of the hole before it, or is split into two exactly
 * adjacent CMRs; all up to MCHECK's 32 CMRs, after which regions continue the last one.
 */
final class RandomHosts {

    /** 64 TiB: the physical memory a platform with six KeyID bits decodes. */
    static final long MEMORY_LIMIT = 1L << 46;
    private static final long[] UNITS = {Page.SIZE, 1L << 21, 1L << 30, 1L << 36};

    /** How a region relates to the CMR list. */
    enum CmrShape { CONTINUES, STARTS, STARTS_IN_THE_HOLE, SPLIT_IN_TWO }

    /**
     * One region: a gap of {@code gapUnits} of unit {@code gapUnit − 1} (none when 0) and a size of
     * {@code sizeUnits} of unit {@code sizeUnit}, its node, and the pages at its start already in
     * use (none when they would take the whole region).
     */
    record RegionShape(int gapUnit, int gapUnits, int sizeUnit, int sizeUnits, int node, int pagesInUse,
                       CmrShape cmr) {
    }

    /**
     * A host's shape: its regions, from address 0 or from 1 MiB (below which the kernel takes no
     * memory), the largest unit any of them uses, how often a region keeps its gap (every
     * {@code gapEvery}-th; the others follow the previous region directly), and the limits its
     * module reports.
     */
    record HostShape(boolean fromZero, int largestUnit, int gapEvery, int maxTdmrs, int maxReservedPerTdmr,
                     boolean dynamicPamt, List<RegionShape> regions) {
    }

    /** A host, the CMRs its module has, and that module's settings (with Dynamic PAMT or not). */
    record RandomHost(HostConfig config, List<Range> cmrs, ModuleSettings settings) {

        @Override
        public String toString() {
            return String.format("module limits %d TDMRs, %d areas each%s; %d regions %s; in use %s; CMRs %s",
                    settings.maxTdmrs(), settings.maxReservedPerTdmr(),
                    settings.dynamicPamt() ? ", Dynamic PAMT" : "", config.memblock().size(),
                    config.memblock().stream().map(r -> r.range() + " node " + r.node())
                            .collect(Collectors.joining(", ")),
                    config.reserved(), cmrs);
        }
    }

    private RandomHosts() {
    }

    /**
     * The number of regions is log-uniform up to 1024, so that shrinking halves it in one step; the
     * regions are drawn last, so that shrinking their number leaves the other draws where they were.
     */
    static Gen<RandomHost> hosts() {
        Gen<Integer> regionCounts = in -> between(in, 1, 1 << between(in, 0, 10));
        Gen<List<RegionShape>> regionLists = lists().of(regionShapes()).ofSizes(regionCounts);
        Gen<Integer> maxTdmrs = integers().between(1, 64).mix(Generate.constant(64));
        Gen<Integer> maxReserved = integers().between(1, 16).mix(Generate.constant(16));
        Gen<Integer> gapEvery = integers().between(1, 4).mix(integers().between(1, 1024));
        Gen<HostShape> shapes = in -> new HostShape(between(in, 0, 1) == 1, between(in, 0, UNITS.length - 1),
                gapEvery.generate(in), maxTdmrs.generate(in), maxReserved.generate(in), between(in, 0, 1) == 1,
                regionLists.generate(in));
        return shapes.map(RandomHosts::host);
    }

    private static Gen<RegionShape> regionShapes() {
        return in -> new RegionShape(between(in, 0, UNITS.length), between(in, 1, 64), between(in, 0, UNITS.length - 1),
                between(in, 1, 64), between(in, 0, 3), between(in, 0, 64),
                CmrShape.values()[between(in, 0, CmrShape.values().length - 1)]);
    }

    private static int between(RandomnessSource in, int min, int max) {
        return (int) in.next(Constraint.between(min, max));
    }

    static RandomHost host(HostShape shape) {
        List<MemoryRegion> regions = new ArrayList<>();
        List<Range> inUse = new ArrayList<>();
        List<Range> cmrs = new ArrayList<>();
        long cursor = shape.fromZero() ? 0 : PageAllocator.LOW_MEMORY_END;
        List<RegionShape> shapes = List.copyOf(shape.regions());
        for (int k = 0; k < shapes.size(); k++) {
            RegionShape r = shapes.get(k);
            long gap = r.gapUnit() == 0 || k % shape.gapEvery() != 0 ? 0
                    : UNITS[Math.min(r.gapUnit() - 1, shape.largestUnit())] * r.gapUnits();
            long start = cursor + gap;
            if (start >= MEMORY_LIMIT) {
                break;
            }
            long size = UNITS[Math.min(r.sizeUnit(), shape.largestUnit())] * r.sizeUnits();
            long end = Math.min(start + size, MEMORY_LIMIT);
            regions.add(new MemoryRegion(start, end, r.node()));
            if ((long) r.pagesInUse() * Page.SIZE < end - start && r.pagesInUse() > 0) {
                inUse.add(Range.ofSize(start, (long) r.pagesInUse() * Page.SIZE));
            }
            addCmrs(cmrs, r.cmr(), new Range(start, end), gap);
            cursor = end;
        }
        HostConfig config = HostConfig.of(regions, HostConfig.cpus(1, 1, Set.of()), Hosts.KEY_IDS).withReserved(inUse);
        ModuleSettings settings = ModuleSettings.defaults(ModuleVersion.V1_5)
                .withLimits(shape.maxTdmrs(), shape.maxReservedPerTdmr(), PamtEntry.BYTES)
                .withDynamicPamt(shape.dynamicPamt());
        return new RandomHost(config, cmrs, settings);
    }

    private static void addCmrs(List<Range> cmrs, CmrShape shape, Range region, long gapBefore) {
        int last = cmrs.size() - 1;
        if (last >= 0 && (shape == CmrShape.CONTINUES || cmrs.size() >= Platform.MAX_CMRS)) {
            cmrs.set(last, new Range(cmrs.get(last).start(), region.end()));
            return;
        }
        long half = region.size() / Page.SIZE / 2 * Page.SIZE;
        if (shape == CmrShape.SPLIT_IN_TWO && half > 0 && cmrs.size() < Platform.MAX_CMRS - 1) {
            cmrs.add(new Range(region.start(), region.start() + half));
            cmrs.add(new Range(region.start() + half, region.end()));
            return;
        }
        long slack = shape == CmrShape.STARTS_IN_THE_HOLE ? gapBefore / Page.SIZE / 2 * Page.SIZE : 0;
        cmrs.add(new Range(region.start() - slack, region.end()));
    }
}
