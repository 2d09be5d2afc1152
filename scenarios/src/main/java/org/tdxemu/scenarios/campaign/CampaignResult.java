package org.tdxemu.scenarios.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /**
     * One faulted run: where, which status, what the kernel's initialization returned ({@link
     * #INITIALIZED}, the name of its errno, or {@link #THREW}), and every violation found.
     */
    public record Run(CallSite site, long status, String kernelReturned, List<String> violations) {

        /** The kernel's initialization returned success. */
        public static final String INITIALIZED = "initialized";

        /** It returned nothing: an exception escaped, which the run's violations name. */
        public static final String THREW = "exception";

        public Run {
            violations = List.copyOf(violations);
        }
    }

    /**
     * One cell of the matrix: a leaf answered one status, at every call of that leaf that was
     * faulted, one run each; {@code kernelReturned} counts the runs by what the kernel returned.
     */
    public record Cell(Leaf leaf, long status, int runs, Map<String, Integer> kernelReturned, int violations) {
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
            Map<String, Integer> kernelReturned = new TreeMap<>();
            int violations = 0;
            for (Run run : list) {
                kernelReturned.merge(run.kernelReturned(), 1, Integer::sum);
                violations += run.violations().size();
            }
            cells.add(new Cell(leaf, status, list.size(), kernelReturned, violations));
        }));
        return cells;
    }
}
