package org.tdxemu.scenarios.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.scenarios.dmesg.ImportedMachine;
import org.tdxemu.scenarios.dmesg.Reproduction;
import org.tdxemu.scenarios.dmesg.Source;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.status.DecodedStatus;

/**
 * The JSON the command line prints (DESIGN.md, "Command line"): addresses and sizes as hex
 * strings, {@code pamtKb} as a number, log lines exactly as the kernel prints them.
 */
public final class JsonReports {

    public static final ObjectMapper JSON = new ObjectMapper();

    private JsonReports() {
    }

    /**
     * {@code run --json}: outcome, errno, pamtKb, tdmrs, seamcalls (count by leaf name), log; also
     * the scenario's name, the expectations that failed, whether they were checked ("met",
     * "failed", "none", "not checked" and why), the SEAMCALL that made the run fail, and the
     * faults that never fired.
     */
    public static ObjectNode run(RunReport report, Optional<String> notCheckedBecause) {
        ObjectNode json = JSON.createObjectNode();
        json.put("scenario", report.scenario());
        json.put("outcome", report.initialized() ? "initialized" : "failed");
        report.errno().ifPresentOrElse(e -> json.put("errno", e.name()), () -> json.putNull("errno"));
        json.put("pamtKb", report.result().pamtKb());
        json.set("tdmrs", tdmrs(report.plan().orElse(new TdmrPlan(List.of()))));
        ObjectNode seamcalls = json.putObject("seamcalls");
        for (Map.Entry<Integer, Long> e : report.seamcalls().entrySet()) {
            seamcalls.put(leafName(e.getKey()), e.getValue());
        }
        lines(json.putArray("log"), report.log());
        lines(json.putArray("failedExpectations"), report.failedExpectations());
        json.put("expectations", notCheckedBecause.isPresent() ? "not checked" : !report.expectationsChecked() ? "none"
                : report.expectationsMet() ? "met" : "failed");
        notCheckedBecause.ifPresentOrElse(why -> json.put("notCheckedBecause", why), () -> json.putNull("notCheckedBecause"));
        report.failingCall().ifPresentOrElse(call -> {
            ObjectNode c = json.putObject("failingCall");
            c.put("leaf", leafName(call.leafNumber()));
            c.put("cpu", call.cpu());
            c.put("status", hex(call.status()));
            c.put("explained", DecodedStatus.of(call.status()).summary());
        }, () -> json.putNull("failingCall"));
        lines(json.putArray("faultsNeverFired"), report.faultsNeverFired());
        return json;
    }

    /**
     * The {@code "machine"} object of {@code run --log --json}: the log, whether the run reproduced
     * it, each difference as the machine's line (with its number) and the emulation's (null where
     * one of them has no counterpart), and the fields that had to be assumed.
     */
    public static ObjectNode machine(ImportedMachine machine, Reproduction reproduction) {
        ObjectNode json = JSON.createObjectNode();
        json.put("log", machine.logName());
        json.put("comparable", reproduction.comparable());
        json.put("reproduced", reproduction.comparable() && reproduction.reproduced());
        ArrayNode differences = json.putArray("differences");
        for (Reproduction.Difference d : reproduction.differences()) {
            ObjectNode difference = differences.addObject();
            d.machine().ifPresentOrElse(r -> difference.put("line", r.line().number()), () -> difference.putNull("line"));
            d.machine().ifPresentOrElse(r -> difference.put("machine", r.line().message()),
                    () -> difference.putNull("machine"));
            d.emulation().ifPresentOrElse(line -> difference.put("emulation", line), () -> difference.putNull("emulation"));
        }
        ArrayNode assumed = json.putArray("assumed");
        machine.sources().stream().filter(Source::assumption).flatMap(s -> s.fields().stream()).forEach(assumed::add);
        return json;
    }

    /**
     * {@code plan --json}: planner, errno, reason and failure (null when planned), pamtKb, tdmrs, log. When
     * the kernel cannot plan, tdmrs holds the TDMRs as it left them, pamtKb is 0 (it freed every
     * PAMT), reason is the line for people and failure the same in numbers:
     * {@code {"tdmr": 0, "needed": 17, "limit": 16, "what": "reserved areas"}}; both stay null when
     * the kernel failed before building TDMRs.
     */
    public static ObjectNode plan(PlannerKind planner, PlanResult plan) {
        ObjectNode json = JSON.createObjectNode();
        json.put("planner", ScenarioReader.plannerName(planner));
        if (plan instanceof PlanResult.Planned planned) {
            json.putNull("errno");
            json.putNull("reason");
            json.putNull("failure");
            json.put("pamtKb", planned.plan().pamtKb());
        } else if (plan instanceof PlanResult.NotPlanned notPlanned) {
            json.put("errno", notPlanned.errno().name());
            notPlanned.reason().ifPresentOrElse(reason -> json.put("reason", reason), () -> json.putNull("reason"));
            notPlanned.shortfall().ifPresentOrElse(shortfall -> {
                ObjectNode failure = json.putObject("failure");
                failure.put("tdmr", shortfall.tdmr());
                failure.put("needed", shortfall.needed());
                shortfall.limit().ifPresentOrElse(limit -> failure.put("limit", limit), () -> failure.putNull("limit"));
                failure.put("what", shortfall.what().words());
            }, () -> json.putNull("failure"));
            json.put("pamtKb", 0);
        }
        json.set("tdmrs", tdmrs(plan.tdmrs()));
        lines(json.putArray("log"), plan.log());
        return json;
    }

    public static ArrayNode tdmrs(TdmrPlan plan) {
        return tdmrs(plan.tdmrs());
    }

    /**
     * Each TDMR's base and size, its PAMTs' base and size by page size (null where the kernel had
     * not allocated them), and its reserved areas as TDMR_INFO holds them: offset from the base, size.
     */
    public static ArrayNode tdmrs(List<Tdmr> list) {
        ArrayNode tdmrs = JSON.createArrayNode();
        for (Tdmr tdmr : list) {
            ObjectNode t = tdmrs.addObject();
            t.put("base", hex(tdmr.base()));
            t.put("size", hex(tdmr.size()));
            if (tdmr.pamtChunk().isEmpty()) {
                t.putNull("pamt");
            } else {
                ObjectNode pamt = t.putObject("pamt");
                for (PageSize ps : PageSize.values()) {
                    Range table = tdmr.pamt(ps);
                    ObjectNode level = pamt.putObject(ps.label().toLowerCase(java.util.Locale.ROOT));
                    level.put("base", hex(table.start()));
                    level.put("size", hex(table.size()));
                }
            }
            ArrayNode reserved = t.putArray("reserved");
            for (ReservedArea area : tdmr.reservedAreas()) {
                ObjectNode a = reserved.addObject();
                a.put("offset", hex(area.offset()));
                a.put("size", hex(area.size()));
            }
        }
        return tdmrs;
    }

    /** "TDH.SYS.CONFIG", or "leaf 99" for a number tdxemu does not name. */
    public static String leafName(int number) {
        return Leaf.ofNumber(number).map(Leaf::architecturalName).orElse("leaf " + number);
    }

    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static void lines(ArrayNode array, List<String> lines) {
        lines.forEach(array::add);
    }
}
