package org.tdxemu.scenarios.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.seamcall.layout.PageSize;

/** What the command line prints for people. */
public final class TextReports {

    private TextReports() {
    }

    /**
     * The one-line summary after the kernel log, e.g.
     * {@code two-socket-2t: initialized, 8396820 KB PAMT in 3 TDMRs, 524321 SEAMCALLs; expectations met}.
     */
    public static String summary(RunReport report) {
        StringBuilder line = new StringBuilder(report.scenario()).append(": ");
        line.append(report.initialized() ? "initialized"
                : "failed with " + report.errno().map(e -> e.name() + " (" + e.kernelReturn() + ")").orElse("?"));
        report.plan().ifPresent(plan -> line.append(", ").append(plan.pamtKb()).append(" KB PAMT in ")
                .append(plan.tdmrs().size()).append(plan.tdmrs().size() == 1 ? " TDMR" : " TDMRs"));
        line.append(", ").append(report.seamcallCount()).append(report.seamcallCount() == 1 ? " SEAMCALL" : " SEAMCALLs");
        if (report.faultsInjected() > 0) {
            line.append(" (").append(report.faultsInjected()).append(" answered by injected faults)");
        }
        if (report.failedExpectations().isEmpty()) {
            line.append("; expectations met");
        } else {
            line.append("; EXPECTATION FAILED: ").append(String.join("; ", report.failedExpectations()));
        }
        return line.toString();
    }

    /** SEAMCALLs by leaf, e.g. {@code TDH.SYS.TDMR.INIT 524288}. */
    public static String seamcalls(Map<Integer, Long> byLeaf) {
        return byLeaf.entrySet().stream().map(e -> JsonReports.leafName(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** One block per TDMR: its range, its PAMTs, its reserved areas. */
    public static List<String> plan(TdmrPlan plan) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < plan.tdmrs().size(); i++) {
            Tdmr tdmr = plan.tdmrs().get(i);
            lines.add(String.format("TDMR %d: [0x%x, 0x%x), %d GiB", i, tdmr.base(), tdmr.end(), tdmr.size() >> 30));
            StringBuilder pamt = new StringBuilder("  PAMT");
            for (PageSize ps : PageSize.values()) {
                pamt.append(String.format(" %s %s", ps.label(), tdmr.pamt(ps)));
            }
            lines.add(pamt.toString());
            for (ReservedArea area : tdmr.reservedAreas()) {
                lines.add(String.format("  reserved [0x%x, 0x%x)", tdmr.base() + area.offset(),
                        tdmr.base() + area.offset() + area.size()));
            }
        }
        lines.add(String.format("%d TDMRs, %d KB of PAMT", plan.tdmrs().size(), plan.pamtKb()));
        return lines;
    }
}
