package org.tdxemu.scenarios.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.scenarios.fault.CountingSeamcall.FailedCall;
import org.tdxemu.scenarios.picture.AddressAxis;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
import org.tdxemu.scenarios.picture.Sizes;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.status.DecodedStatus;

/**
 * {@code run --html}: one self-contained page about one run: the outcome and, for a failure, the
 * SEAMCALL that failed it with its status decoded; the picture of the address space; the TDMRs
 * with their PAMTs and reserved areas; what the PAMTs cost; the SEAMCALLs by leaf; the kernel log;
 * and the scenario.
 */
public final class RunHtml {

    private RunHtml() {
    }

    /**
     * The page, as the file holds it.
     *
     * @param notCheckedBecause why the scenario's expectations were not checked, when they were not
     */
    public static String page(Scenario scenario, RunReport report, Optional<String> notCheckedBecause) {
        Document page = HtmlPage.create("tdxemu run " + scenario.name());
        Element body = page.body();
        body.appendElement("h1").text("tdxemu run " + scenario.name());
        if (!scenario.description().isEmpty()) {
            body.appendElement("p").addClass("description").text(scenario.description());
        }
        MemoryPicture picture = MemoryPicture.ofRun(scenario, report);
        outcome(body, report, notCheckedBecause);
        body.appendElement("h2").text("The address space");
        body.appendElement("div").addClass("picture").appendChild(MemoryPictureSvg.draw(picture));
        body.appendElement("p").addClass("note").text("Hover over anything for its exact range, size and role. "
                + "The axis is not to scale: every stretch between two labelled addresses is drawn at least "
                + (int) AddressAxis.MIN_STRETCH + " pixels wide, wider the longer it is, "
                + "and // marks a stretch drawn shorter than a linear axis would draw it.");
        tdmrs(body, picture);
        pamtCost(body, picture);
        seamcalls(body, report);
        body.appendElement("h2").text("Kernel log");
        body.appendElement("pre").attr("id", "log").text(String.join("\n", report.log()));
        scenario(body, scenario, picture);
        return HtmlPage.text(page);
    }

    private static void outcome(Element body, RunReport report, Optional<String> notCheckedBecause) {
        body.appendElement("h2").text("Outcome");
        body.appendElement("div").attr("id", "outcome").addClass("outcome").addClass(report.passed() && report.initialized()
                ? "good" : "bad").text(TextReports.summary(report, notCheckedBecause));
        if (report.failingCall().isEmpty()) {
            return;
        }
        FailedCall call = report.failingCall().get();
        DecodedStatus status = DecodedStatus.of(call.status());
        body.appendElement("h3").text("The SEAMCALL that failed it");
        Element rows = keyValueTable(body, "failing-call");
        keyValue(rows, "leaf", JsonReports.leafName(call.leafNumber()));
        keyValue(rows, "CPU", String.valueOf(call.cpu()));
        keyValue(rows, "status", String.format("0x%016x", call.status())).selectFirst("td:eq(1)").addClass("address");
        keyValue(rows, "meaning", status.summary());
        keyValue(rows, "class", status.classAndFlags());
    }

    private static void tdmrs(Element body, MemoryPicture picture) {
        body.appendElement("h2").text("TDMRs");
        List<Tdmr> tdmrs = picture.tdmrs();
        if (tdmrs.isEmpty()) {
            body.appendElement("p").attr("id", "no-tdmrs").text("No TDMRs: the kernel stopped before it built them.");
            return;
        }
        if (picture.pamtsFreed()) {
            body.appendElement("p").addClass("note").text("As the kernel left them when it gave up; it freed their PAMTs.");
        }
        List<Integer> numeric = List.of(0, 7, 8);
        Element table = HtmlPage.table(body, "tdmrs", List.of("TDMR", "base", "end", "size", "PAMT 4K", "PAMT 2M",
                "PAMT 1G", "PAMT KB", "reserved areas"), numeric);
        Element rows = table.selectFirst("tbody");
        long sizes = 0;
        long areas = 0;
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            List<String> cells = new ArrayList<>(List.of(String.valueOf(i), hex(tdmr.base()), hex(tdmr.end()),
                    Sizes.of(tdmr.size())));
            for (PageSize ps : PageSize.values()) {
                cells.add(tdmr.pamtChunk().isEmpty() ? "not allocated" : tdmr.pamt(ps).toString());
            }
            cells.add(String.valueOf(tdmr.pamtChunk().size() / 1024));
            cells.add(String.valueOf(tdmr.reservedAreas().size()));
            Element row = HtmlPage.row(rows, cells, numeric);
            row.select("td:lt(3):gt(0), td:eq(4), td:eq(5), td:eq(6)").addClass("address");
            sizes += tdmr.size();
            areas += tdmr.reservedAreas().size();
        }
        HtmlPage.row(table.appendElement("tfoot"), List.of("total", "", "", Sizes.of(sizes), "", "", "",
                String.valueOf(picture.pamtBytes() / 1024), String.valueOf(areas)), numeric);
        body.appendElement("h3").text("Reserved areas");
        body.appendElement("p").addClass("note").text("As TDMR_INFO holds them: an offset from the TDMR's base and a "
                + "size; the module takes " + picture.reservedAreasPerTdmr() + " per TDMR.");
        List<Integer> areaNumbers = List.of(0, 1);
        Element areaTable = HtmlPage.table(body, "reserved-areas", List.of("TDMR", "area", "offset", "size", "range",
                "what"), areaNumbers);
        Element areaRows = areaTable.selectFirst("tbody");
        for (int i = 0; i < tdmrs.size(); i++) {
            Tdmr tdmr = tdmrs.get(i);
            for (int a = 0; a < tdmr.reservedAreas().size(); a++) {
                ReservedArea area = tdmr.reservedAreas().get(a);
                Range range = Range.ofSize(tdmr.base() + area.offset(), area.size());
                Element row = HtmlPage.row(areaRows, List.of(String.valueOf(i), String.valueOf(a + 1),
                        String.format("+0x%x", area.offset()), hex(area.size()), range.toString(),
                        picture.pamtOwner(range).map(o -> "TDMR " + o + "'s PAMT").orElse("a hole")), areaNumbers);
                row.select("td:eq(2), td:eq(3), td:eq(4)").addClass("address");
            }
        }
    }

    private static void pamtCost(Element body, MemoryPicture picture) {
        body.appendElement("h2").text("PAMT cost");
        Element rows = keyValueTable(body, "pamt-cost");
        keyValue(rows, "PAMT", picture.pamtBytes() / 1024 + " KB");
        keyValue(rows, "RAM", picture.ramBytes() / 1024 + " KB (" + Sizes.rounded(picture.ramBytes()) + ")");
        keyValue(rows, "PAMT as a share of RAM", picture.pamtShare());
    }

    private static void seamcalls(Element body, RunReport report) {
        body.appendElement("h2").text("SEAMCALLs by leaf");
        List<Integer> numeric = List.of(1, 2);
        Element table = HtmlPage.table(body, "seamcalls", List.of("leaf", "number", "calls"), numeric);
        Element rows = table.selectFirst("tbody");
        for (Map.Entry<Integer, Long> e : new TreeMap<>(report.seamcalls()).entrySet()) {
            HtmlPage.row(rows, List.of(JsonReports.leafName(e.getKey()), String.valueOf(e.getKey()),
                    String.valueOf(e.getValue())), numeric);
        }
        HtmlPage.row(table.appendElement("tfoot"), List.of("total", "", String.valueOf(report.seamcallCount())), numeric);
        if (report.faultsInjected() > 0) {
            body.appendElement("p").addClass("note").text(TextReports.count(report.faultsInjected(), "call")
                    + " answered by an injected fault, counted here too.");
        }
    }

    private static void scenario(Element body, Scenario scenario, MemoryPicture picture) {
        body.appendElement("h2").text("Scenario");
        PlatformSpec platform = scenario.platform();
        Element rows = keyValueTable(body, "scenario");
        keyValue(rows, "name", scenario.name());
        keyValue(rows, "CPUs", platform.packages() + " × " + platform.cpusPerPackage() + " (packages × CPUs each)"
                + (platform.offlineCpus().isEmpty() ? "" : ", offline: " + new TreeSet<>(platform.offlineCpus())));
        keyValue(rows, "RAM", TextReports.count(platform.memory().size(), "memory region") + ", "
                + Sizes.rounded(picture.ramBytes())
                + ", NUMA nodes " + platform.memory().stream().map(MemoryRegion::node).distinct().sorted().toList());
        keyValue(rows, "CMRs", String.join(", ", platform.cmrs().stream().map(Range::toString).toList()));
        keyValue(rows, "module", "TDX " + scenario.module().version().label() + ", up to "
                + scenario.module().maxTdmrs() + " TDMRs of " + scenario.module().maxReservedPerTdmr()
                + " reserved areas, " + scenario.module().pamtEntrySize() + "-byte PAMT entries");
        keyValue(rows, "kernel", scenario.kernel().profile().name().toLowerCase(Locale.ROOT) + ", holes from "
                + scenario.kernel().holes().name().toLowerCase(Locale.ROOT));
        keyValue(rows, "faults", scenario.faults().isEmpty() ? "none"
                : String.join("; ", scenario.faults().stream().map(RunHtml::fault).toList()));
        Element details = body.appendElement("details");
        details.appendElement("summary").text("The platform and module objects as the file wrote them");
        details.appendElement("pre").attr("id", "platform-json").text(pretty(scenario.platformJson()));
        details.appendElement("pre").attr("id", "module-json").text(pretty(scenario.moduleJson()));
    }

    private static String fault(FaultSpec fault) {
        return fault.leaf().architecturalName() + " #" + fault.occurrence()
                + (fault.cpu().isPresent() ? " on CPU " + fault.cpu().getAsInt() : "") + " answered "
                + CampaignReports.statusName(fault.status()) + (fault.repeat() > 1 ? ", " + fault.repeat() + " times" : "");
    }

    /** A table of names and values, without a header; its body, for {@link #keyValue}. */
    private static Element keyValueTable(Element body, String id) {
        return body.appendElement("table").attr("id", id).appendElement("tbody");
    }

    private static Element keyValue(Element rows, String key, String value) {
        Element row = rows.appendElement("tr");
        row.appendElement("th").text(key);
        row.appendElement("td").text(value);
        return row;
    }

    private static String pretty(JsonNode json) {
        try {
            return JsonReports.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree did not print", e);
        }
    }

    private static String hex(long value) {
        return JsonReports.hex(value);
    }
}
