package org.tdxemu.scenarios.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.tdxemu.scenarios.campaign.CampaignResult;
import org.tdxemu.scenarios.campaign.CallSite;
import org.tdxemu.seamcall.status.DecodedStatus;

/** The fault campaign's matrix, as a text table and as JSON. */
public final class CampaignReports {

    private CampaignReports() {
    }

    /**
     * A summary line, the table and the legend of its columns, then every violation:
     *
     * <pre>
     * small-v7: 13 SEAMCALLs faulted, 164 runs, 0 violations
     *
     * LEAF          STATUS        CALLS  KERNEL RETURNED  VIOLATIONS
     * TDH.SYS.INIT  TDX_SYS_BUSY      1  EFAULT                    0
     * </pre>
     */
    public static List<String> text(CampaignResult result) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%s: %s faulted, %s, %s", result.scenario(), count(result.sites().size(), "SEAMCALL"),
                count(result.runs().size(), "run"), count(result.violationCount(), "violation")));
        lines.add("");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"LEAF", "STATUS", "CALLS", "KERNEL RETURNED", "VIOLATIONS"});
        boolean mixed = false;
        for (CampaignResult.Cell cell : result.matrix()) {
            List<String> returned = new ArrayList<>();
            cell.kernelReturned().forEach((what, runs) -> returned.add(runs == cell.runs() ? what : what + " ×" + runs));
            mixed |= cell.kernelReturned().size() > 1;
            rows.add(new String[] {cell.leaf().architecturalName(), statusName(cell.status()), String.valueOf(cell.runs()),
                    String.join(", ", returned), String.valueOf(cell.violations())});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            lines.add(String.format("%-" + widths[0] + "s  %-" + widths[1] + "s  %" + widths[2] + "s  %-" + widths[3]
                    + "s  %" + widths[4] + "s", (Object[]) row).stripTrailing());
        }
        lines.add("");
        lines.add("CALLS: how many calls of that leaf the campaign answered with that status, one run each");
        if (mixed) {
            lines.add("KERNEL RETURNED: where the runs of a row disagree, ×N counts the runs that returned each");
        }
        List<String> violations = new ArrayList<>();
        for (CampaignResult.Run run : result.runs()) {
            for (String v : run.violations()) {
                violations.add("  " + run.site() + " answered " + statusName(run.status()) + ": " + v);
            }
        }
        if (!violations.isEmpty()) {
            lines.add("");
            lines.add("Violations:");
            lines.addAll(violations);
        }
        return lines;
    }

    /** {@code 1 run}, {@code 2 runs}. */
    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    public static ObjectNode json(CampaignResult result) {
        ObjectNode json = JsonReports.JSON.createObjectNode();
        json.put("scenario", result.scenario());
        json.put("calls", result.sites().size());
        json.put("runs", result.runs().size());
        json.put("violations", result.violationCount());
        ArrayNode matrix = json.putArray("matrix");
        for (CampaignResult.Cell cell : result.matrix()) {
            ObjectNode c = matrix.addObject();
            c.put("leaf", cell.leaf().architecturalName());
            c.put("status", statusName(cell.status()));
            c.put("value", JsonReports.hex(cell.status()));
            c.put("calls", cell.runs());
            ObjectNode returned = c.putObject("errno");
            cell.kernelReturned().forEach(returned::put);
            c.put("violations", cell.violations());
        }
        ArrayNode details = json.putArray("violationDetails");
        for (CampaignResult.Run run : result.runs()) {
            for (String v : run.violations()) {
                ObjectNode d = details.addObject();
                CallSite site = run.site();
                d.put("leaf", site.leaf().architecturalName());
                d.put("occurrence", site.occurrence());
                d.put("cpu", site.cpu());
                d.put("status", JsonReports.hex(run.status()));
                d.put("problem", v);
            }
        }
        return json;
    }

    /** The status's summary without the "not an error" remark, e.g. "TDX_OPERAND_INVALID, operand 0x1 (RCX)". */
    static String statusName(long status) {
        return DecodedStatus.of(status).summary().replace(", not an error (bit 63 clear)", "");
    }
}
