package org.tdxemu.scenarios.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tdxemu.kernel.Errno;
import org.tdxemu.seamcall.leaf.Leaf;

/**
 * What a fault campaign found: every run in a fixed order, and the leaf × status matrix they make.
 *
 * @param sites the calls of the clean run that were faulted, in the order the kernel issued them
 * @param runs  one per (site, status), sites in order and each site's statuses in table order
 */
public record CampaignResult(String scenario, List<CallSite> sites, List<Run> runs) {

    public CampaignResult {
        sites = List.copyOf(sites);
        runs = List.copyOf(runs);
    }

    /** One faulted run: where, which status, what the kernel returned, and every violation found. */
    public record Run(CallSite site, long status, Optional<Errno> errno, List<String> violations) {
        public Run {
            violations = List.copyOf(violations);
        }
    }

    /** One cell of the matrix: a leaf answered one status, at every call of that leaf that was faulted. */
    public record Cell(Leaf leaf, long status, int runs, Map<String, Integer> errnos, int violations) {
    }

    public int violationCount() {
        return runs.stream().mapToInt(r -> r.violations().size()).sum();
    }

    /** The matrix, leaves in the order the kernel first called them, statuses in table order. */
    public List<Cell> matrix() {
        Map<Leaf, Map<Long, List<Run>>> byLeaf = new LinkedHashMap<>();
        for (Run run : runs) {
            byLeaf.computeIfAbsent(run.site().leaf(), l -> new LinkedHashMap<>())
                    .computeIfAbsent(run.status(), s -> new ArrayList<>()).add(run);
        }
        List<Cell> cells = new ArrayList<>();
        byLeaf.forEach((leaf, byStatus) -> byStatus.forEach((status, list) -> {
            Map<String, Integer> errnos = new TreeMap<>();
            int violations = 0;
            for (Run run : list) {
                errnos.merge(run.errno().map(Enum::name).orElse("none"), 1, Integer::sum);
                violations += run.violations().size();
            }
            cells.add(new Cell(leaf, status, list.size(), errnos, violations));
        }));
        return cells;
    }
}
