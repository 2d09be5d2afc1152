package org.tdxemu.scenarios.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.scenarios.fault.CountingSeamcall.FailedCall;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.status.DecodedStatus;

/** What the command line prints for people. */
public final class TextReports {

    private TextReports() {
    }

    /**
     * The one-line summary after the kernel log, e.g.
     * {@code two-socket-2t: initialized, 8396820 KB PAMT in 3 TDMRs, 523865 SEAMCALLs; expectations met}, or
     * {@code keygen: failed with EIO (-5) at TDH.SYS.KEY.CONFIG on CPU 8: TDX_KEY_GENERATION_FAILED; ...}.
     *
     * @param notCheckedBecause why the scenario's expectations were not checked, when they were not
     */
    public static String summary(RunReport report, Optional<String> notCheckedBecause) {
        StringBuilder line = new StringBuilder(outcome(report));
        if (notCheckedBecause.isPresent()) {
            line.append("; expectations not checked (").append(notCheckedBecause.get()).append(")");
        } else if (!report.expectationsChecked()) {
            line.append("; no expectations");
        } else if (report.failedExpectations().isEmpty()) {
            line.append("; expectations met");
        } else {
            line.append("; EXPECTATION FAILED: ").append(String.join("; ", report.failedExpectations()));
        }
        report.faultsNeverFired().forEach(fault -> line.append("; ").append(fault));
        return line.toString();
    }

    /**
     * How the run went, without a word on expectations: the summary's first part, e.g.
     * {@code two-socket-2t: initialized, 8396820 KB PAMT in 3 TDMRs, 523865 SEAMCALLs}.
     */
    public static String outcome(RunReport report) {
        StringBuilder line = new StringBuilder(report.scenario()).append(": ");
        if (report.initialized()) {
            line.append("initialized");
        } else {
            line.append("failed with ").append(report.errno().map(e -> e.name() + " (" + e.kernelReturn() + ")").orElse("?"));
        }
        report.failingCall().ifPresent(call -> line.append(" at ").append(failingCall(call)));
        String separator = report.failingCall().isPresent() ? "; " : ", ";
        report.plan().ifPresent(plan -> line.append(separator).append(plan.pamtKb()).append(" KB PAMT in ")
                .append(count(plan.tdmrs().size(), "TDMR")));
        line.append(report.plan().isPresent() ? ", " : separator).append(count(report.seamcallCount(), "SEAMCALL"));
        if (report.faultsInjected() > 0) {
            line.append(" (").append(report.faultsInjected())
                    .append(report.faultsInjected() == 1 ? " answered by an injected fault)" : " answered by injected faults)");
        }
        return line.toString();
    }

    /** {@code TDH.SYS.KEY.CONFIG on CPU 8: TDX_KEY_GENERATION_FAILED}. */
    public static String failingCall(FailedCall call) {
        return JsonReports.leafName(call.leafNumber()) + " on CPU " + call.cpu() + ": "
                + DecodedStatus.of(call.status()).summary();
    }

    /** {@code 1 TDMR}, {@code 3 TDMRs}. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** SEAMCALLs by leaf, e.g. {@code TDH.SYS.TDMR.INIT 524288}. */
    public static String seamcalls(Map<Integer, Long> byLeaf) {
        return byLeaf.entrySet().stream().map(e -> JsonReports.leafName(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /**
     * {@code plan}: the kernel's log lines, one block per TDMR (its range, its PAMTs, its reserved
     * areas as TDMR_INFO holds them, offset from the TDMR's base and size), then the totals; or,
     * when the kernel cannot plan, the TDMRs as it left them and why, e.g.
     * {@code emr-17-holes: the kernel cannot plan: ENOSPC (-28): TDMR [0x0, 0x80000000) needs 17
     * reserved areas, the module takes 16}; when the optimal planner cannot, the TDMRs it would have
     * needed and why, beginning {@code the optimal planner cannot plan}.
     */
    public static List<String> plan(String scenario, PlannerKind planner, PlanResult result) {
        List<String> lines = new ArrayList<>(result.log());
        List<Tdmr> tdmrs = result.tdmrs();
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            lines.add(String.format("TDMR %d: [0x%x, 0x%x), %d GiB", i, tdmr.base(), tdmr.end(), tdmr.size() >> 30));
            if (tdmr.pamtChunk().isEmpty()) {
                lines.add("  PAMT not allocated");
            } else {
                StringBuilder pamt = new StringBuilder("  PAMT");
                for (PageSize ps : PageSize.values()) {
                    pamt.append(String.format(" %s %s", ps.label(), tdmr.pamt(ps)));
                }
                lines.add(pamt.toString());
            }
            for (ReservedArea area : tdmr.reservedAreas()) {
                lines.add(String.format("  reserved +0x%x size 0x%x", area.offset(), area.size()));
            }
        }
        if (result instanceof PlanResult.Planned planned) {
            lines.add(String.format("%s, %d KB of PAMT", count(tdmrs.size(), "TDMR"), planned.plan().pamtKb()));
        } else if (result instanceof PlanResult.NotPlanned notPlanned) {
            lines.add(scenario + ": " + (planner == PlannerKind.KERNEL ? "the kernel" : "the optimal planner")
                    + " cannot plan: " + notPlanned.errno().name() + " ("
                    + notPlanned.errno().kernelReturn() + ")" + notPlanned.reason().map(r -> ": " + r).orElse(""));
        }
        return lines;
    }
}
