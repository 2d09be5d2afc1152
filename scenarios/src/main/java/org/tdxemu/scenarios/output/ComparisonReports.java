package org.tdxemu.scenarios.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.scenarios.compare.Comparison;
import org.tdxemu.scenarios.compare.Side;
import org.tdxemu.scenarios.format.ScenarioReader;

/** {@code tdxemu planners}: the two planners side by side, layout by layout, as a text table and as JSON. */
public final class ComparisonReports {

    private static final String FORMAT = "%-%ds  %-7s  %-7s  %5s  %10s  %10s  %s";

    private ComparisonReports() {
    }

    /** The table's heading, for layouts whose longest name is {@code nameWidth} long. */
    public static String heading(int nameWidth) {
        return row(nameWidth, "LAYOUT", "PLANNER", "PLAN", "TDMRS", "MOST AREAS", "PAMT KB", "MODULE");
    }

    /**
     * A layout's two lines, e.g.
     * <pre>
     * emr-17-holes   kernel   ENOSPC       -           -           -  no plan
     *                optimal  planned      3          16      262668  accepted
     * </pre>
     */
    public static List<String> rows(Comparison comparison, int nameWidth) {
        List<String> lines = new ArrayList<>();
        for (Side side : comparison.sides()) {
            boolean planned = side.planned();
            lines.add(row(nameWidth, side == comparison.kernel() ? comparison.name() : "",
                    ScenarioReader.plannerName(side.planner()), planned ? "planned"
                            : ((PlanResult.NotPlanned) side.plan()).errno().name(),
                    planned ? String.valueOf(side.tdmrs()) : "-",
                    planned ? String.valueOf(side.mostAreas().getAsInt()) : "-",
                    planned ? String.valueOf(side.pamtKb()) : "-", side.verdict().words()));
        }
        return lines;
    }

    private static String row(int nameWidth, String... columns) {
        return String.format(FORMAT.replace("%-%d", "%-" + Math.max(nameWidth, "LAYOUT".length())), (Object[]) columns)
                .stripTrailing();
    }

    /**
     * The totals, e.g. {@code 24 layouts: the kernel's planner plans 21, the module accepts 18 of
     * them; the optimal planner plans 23, the module accepts 20; where it accepts both, the optimal
     * plans save 1234 KB of PAMT}.
     */
    public static String totals(List<Comparison> comparisons) {
        Totals t = Totals.of(comparisons);
        return String.format("%s: the kernel's planner plans %d, the module accepts %d of them; the optimal planner"
                        + " plans %d, the module accepts %d; where it accepts both, the optimal plans save %d KB of PAMT",
                TextReports.count(comparisons.size(), "layout"), t.kernelPlanned, t.kernelAccepted, t.optimalPlanned,
                t.optimalAccepted, t.savedKb);
    }

    /** What {@link #totals} counts. */
    private static final class Totals {
        int kernelPlanned;
        int kernelAccepted;
        int optimalPlanned;
        int optimalAccepted;
        long savedKb;

        static Totals of(List<Comparison> comparisons) {
            Totals t = new Totals();
            for (Comparison c : comparisons) {
                t.kernelPlanned += c.kernel().planned() ? 1 : 0;
                t.kernelAccepted += c.kernel().verdict().accepted() ? 1 : 0;
                t.optimalPlanned += c.optimal().planned() ? 1 : 0;
                t.optimalAccepted += c.optimal().verdict().accepted() ? 1 : 0;
                t.savedKb += c.savedKb().orElse(0L);
            }
            return t;
        }
    }

    /**
     * {@code planners --json}: {@code layouts}, each {@code name} and, for {@code kernel} and
     * {@code optimal}, {@code errno} (null when it planned), {@code reason}, {@code tdmrs},
     * {@code mostAreas} and {@code pamtKb} (null without a plan), {@code module} ({@code accepted},
     * the status TDH.SYS.CONFIG returned, or why it was not asked) and {@code accepted}; then
     * {@code totals}.
     */
    public static ObjectNode json(List<Comparison> comparisons) {
        ObjectNode json = JsonReports.JSON.createObjectNode();
        ArrayNode layouts = json.putArray("layouts");
        for (Comparison c : comparisons) {
            ObjectNode layout = layouts.addObject();
            layout.put("name", c.name());
            for (Side side : c.sides()) {
                ObjectNode s = layout.putObject(ScenarioReader.plannerName(side.planner()));
                if (side.plan() instanceof PlanResult.NotPlanned notPlanned) {
                    s.put("errno", notPlanned.errno().name());
                    notPlanned.reason().ifPresentOrElse(r -> s.put("reason", r), () -> s.putNull("reason"));
                    s.putNull("tdmrs");
                    s.putNull("mostAreas");
                    s.putNull("pamtKb");
                } else {
                    s.putNull("errno");
                    s.putNull("reason");
                    s.put("tdmrs", side.tdmrs());
                    s.put("mostAreas", side.mostAreas().getAsInt());
                    s.put("pamtKb", side.pamtKb());
                }
                s.put("module", side.verdict().words());
                s.put("accepted", side.verdict().accepted());
            }
        }
        Totals t = Totals.of(comparisons);
        ObjectNode totals = json.putObject("totals");
        totals.put("layouts", comparisons.size());
        totals.put("kernelPlanned", t.kernelPlanned);
        totals.put("kernelAccepted", t.kernelAccepted);
        totals.put("optimalPlanned", t.optimalPlanned);
        totals.put("optimalAccepted", t.optimalAccepted);
        totals.put("pamtSavedKb", t.savedKb);
        return json;
    }
}
