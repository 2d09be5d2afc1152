package org.tdxemu.scenarios.dmesg;

import java.util.ArrayList;
import java.util.List;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.scenarios.dmesg.Fact.E820;
import org.tdxemu.scenarios.dmesg.Fact.NodeMemory;
import org.tdxemu.scenarios.dmesg.Fact.SratNode;
import org.tdxemu.scenarios.dmesg.LineReader.Read;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.memory.Range;

/**
 * The kernel's RAM (memblock) by NUMA node, from the best the log has: the {@code Early memory node
 * ranges} block (memblock itself), else the e820 map's usable ranges placed on nodes by the SRAT,
 * else the CMRs on node 0. Memory below 1 MiB is kept as the log shows it: the kernel model drops
 * it, as the kernel does (kernel-init.md §3.1).
 */
final class MemoryMap {

    static final String FIELD = "platform.memory";

    private MemoryMap() {
    }

    static List<MemoryRegion> of(String logName, BootLog log, List<Range> cmrs, long memoryTop, List<Source> sources) {
        List<Read> nodeLines = log.all(NodeMemory.class);
        List<Read> e820 = log.all(E820.class).stream().filter(r -> ((E820) r.fact()).usable()).toList();
        List<MemoryRegion> regions;
        if (!nodeLines.isEmpty()) {
            regions = nodeRanges(logName, nodeLines);
            sources.add(Source.read(FIELD, Importer.lines(nodeLines), "memblock's regions and nodes, from the "
                    + "`Early memory node ranges` block"));
            requireBelow(logName, regions, nodeLines, memoryTop);
            return regions;
        }
        if (!e820.isEmpty()) {
            List<Read> srat = log.all(SratNode.class);
            List<Read> used = new ArrayList<>(e820);
            List<Range> uncovered = new ArrayList<>();
            regions = onNodes(logName, usable(e820), srat, uncovered);
            used.addAll(srat);
            used.sort((a, b) -> Integer.compare(a.line().number(), b.line().number()));
            String why = "the e820 map's usable ranges" + (srat.isEmpty() ? ", all on node 0 (the log has no SRAT lines)"
                    : ", on the nodes of the SRAT's memory ranges");
            if (!uncovered.isEmpty()) {
                why += "; no SRAT range holds " + uncovered.stream().map(Range::toString)
                        .reduce((a, b) -> a + ", " + b).orElseThrow() + ", put on node 0";
            }
            sources.add(Source.read(FIELD, Importer.lines(used), why));
            requireBelow(logName, regions, e820, memoryTop);
            return regions;
        }
        sources.add(Source.assumed(FIELD, "the log has no e820 map and no `Early memory node ranges`; memory is the "
                + "CMRs, all on node 0"));
        return cmrs.stream().map(cmr -> MemoryRegion.of(cmr, 0)).toList();
    }

    /** The regions as the log lists them, which must ascend without overlapping. */
    private static List<MemoryRegion> nodeRanges(String logName, List<Read> lines) {
        List<MemoryRegion> regions = new ArrayList<>();
        Read previous = null;
        for (Read line : lines) {
            NodeMemory node = (NodeMemory) line.fact();
            if (node.node() >= ScenarioReader.MAX_NODES) {
                throw new ScenarioException(logName + ":" + line.line().number() + ": node " + node.node()
                        + "; scenarios have nodes 0 to " + (ScenarioReader.MAX_NODES - 1));
            }
            if (previous != null && Long.compareUnsigned(node.range().start(), regions.get(regions.size() - 1).end()) < 0) {
                throw new ScenarioException(logName + ": line " + line.line().number() + "'s memory " + node.range()
                        + " is not above line " + previous.line().number() + "'s " + regions.get(regions.size() - 1).range());
            }
            regions.add(MemoryRegion.of(node.range(), node.node()));
            previous = line;
        }
        return regions;
    }

    /** The usable ranges in address order, those that touch or overlap joined, as memblock joins them. */
    private static List<Range> usable(List<Read> e820) {
        List<Range> sorted = e820.stream().map(r -> ((E820) r.fact()).range()).sorted().toList();
        List<Range> joined = new ArrayList<>();
        for (Range range : sorted) {
            if (!joined.isEmpty() && Long.compareUnsigned(range.start(), joined.get(joined.size() - 1).end()) <= 0) {
                Range last = joined.remove(joined.size() - 1);
                joined.add(new Range(last.start(), Long.compareUnsigned(range.end(), last.end()) > 0 ? range.end()
                        : last.end()));
            } else {
                joined.add(range);
            }
        }
        return joined;
    }

    /** Each usable range cut where the SRAT's node ranges begin and end; what no SRAT range holds goes to node 0. */
    private static List<MemoryRegion> onNodes(String logName, List<Range> usable, List<Read> srat, List<Range> uncovered) {
        List<SratNode> nodes = new ArrayList<>();
        for (Read line : srat) {
            SratNode node = (SratNode) line.fact();
            if (node.node() >= ScenarioReader.MAX_NODES) {
                throw new ScenarioException(logName + ":" + line.line().number() + ": node " + node.node()
                        + "; scenarios have nodes 0 to " + (ScenarioReader.MAX_NODES - 1));
            }
            nodes.add(node);
        }
        nodes.sort((a, b) -> a.range().compareTo(b.range()));
        List<MemoryRegion> regions = new ArrayList<>();
        for (Range range : usable) {
            long at = range.start();
            while (Long.compareUnsigned(at, range.end()) < 0) {
                long from = at;
                SratNode holder = nodes.stream().filter(n -> n.range().contains(from)).findFirst().orElse(null);
                long end;
                int node;
                if (holder != null) {
                    end = Long.compareUnsigned(holder.range().end(), range.end()) < 0 ? holder.range().end() : range.end();
                    node = holder.node();
                } else {
                    end = nodes.stream().map(n -> n.range().start())
                            .filter(s -> Long.compareUnsigned(s, from) > 0 && Long.compareUnsigned(s, range.end()) < 0)
                            .min(Long::compareUnsigned).orElse(range.end());
                    node = 0;
                    if (!srat.isEmpty()) {
                        uncovered.add(new Range(from, end));
                    }
                }
                MemoryRegion piece = new MemoryRegion(from, end, node);
                MemoryRegion last = regions.isEmpty() ? null : regions.get(regions.size() - 1);
                if (last != null && last.end() == from && last.node() == node) {
                    regions.set(regions.size() - 1, new MemoryRegion(last.start(), end, node));
                } else {
                    regions.add(piece);
                }
                at = end;
            }
        }
        return regions;
    }

    private static void requireBelow(String logName, List<MemoryRegion> regions, List<Read> lines, long memoryTop) {
        for (MemoryRegion region : regions) {
            if (Long.compareUnsigned(region.end(), memoryTop) > 0) {
                Read line = lines.stream().filter(r -> rangeOf(r).overlaps(new Range(memoryTop - 1, region.end())))
                        .findFirst().orElse(lines.get(lines.size() - 1));
                throw new ScenarioException(String.format("%s:%d: memory %s ends above 0x%x, the first address the "
                        + "KeyID bits leave no memory at", logName, line.line().number(), region.range(), memoryTop));
            }
        }
    }

    private static Range rangeOf(Read line) {
        return line.fact() instanceof E820 e ? e.range() : ((NodeMemory) line.fact()).range();
    }
}
