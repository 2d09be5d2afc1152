package org.tdxemu.scenarios.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.tdxemu.scenarios.campaign.CallSite;
import org.tdxemu.scenarios.campaign.CampaignResult;
import org.tdxemu.seamcall.leaf.Leaf;

/**
 * {@code faults --html}: the fault campaign as one self-contained page. For each leaf, a matrix of
 * its calls (rows) by the statuses it was answered with (columns); each cell is one run, coloured
 * by what came of it (initialized, an errno, a violation), its detail on hover; under each matrix
 * what each status's runs came to, as the text table counts them; then the totals and every
 * violation.
 */
public final class CampaignHtml {

    /** How a run came out, as a cell's class and colour. */
    enum Outcome {
        INITIALIZED("initialized", "the kernel still initialized the module"),
        ERRNO("errno", "the kernel returned an error, as its mapping says, and cleaned up"),
        VIOLATION("violation", "a check failed: wrong errno, log, leak, module state, or an exception");

        final String cssClass;
        final String meaning;

        Outcome(String cssClass, String meaning) {
            this.cssClass = cssClass;
            this.meaning = meaning;
        }

        static Outcome of(CampaignResult.Run run) {
            if (!run.violations().isEmpty()) {
                return VIOLATION;
            }
            return run.kernelReturned().equals(CampaignResult.Run.INITIALIZED) ? INITIALIZED : ERRNO;
        }
    }

    private CampaignHtml() {
    }

    /** The page, as the file holds it. */
    public static String page(CampaignResult result) {
        Document page = HtmlPage.create("tdxemu faults " + result.scenario());
        Element body = page.body();
        body.appendElement("h1").text("tdxemu faults " + result.scenario());
        body.appendElement("div").attr("id", "summary").addClass("outcome")
                .addClass(result.violationCount() == 0 ? "good" : "bad").text(CampaignReports.text(result).get(0));
        body.appendElement("p").addClass("note").text("Each SEAMCALL the kernel issued in the clean run was answered, "
                + "in a run of its own, with each status its leaf can return. A cell is one run: its row is the call, "
                + "its column the status; hover over it for what happened.");
        Element legend = body.appendElement("p").attr("id", "legend");
        for (Outcome outcome : Outcome.values()) {
            legend.appendElement("span").addClass("swatch").addClass(outcome.cssClass);
            legend.appendText(outcome.cssClass + ": " + outcome.meaning);
        }
        totals(body, result);
        body.appendElement("h2").text("By leaf");
        byLeaf(result).forEach((leaf, runs) -> matrix(body, leaf, runs));
        violations(body, result);
        return HtmlPage.text(page);
    }

    private static void totals(Element body, CampaignResult result) {
        body.appendElement("h2").text("Totals");
        Map<String, Integer> byReturn = new TreeMap<>();
        int violating = 0;
        for (CampaignResult.Run run : result.runs()) {
            byReturn.merge(run.kernelReturned(), 1, Integer::sum);
            violating += run.violations().isEmpty() ? 0 : 1;
        }
        List<Integer> numeric = List.of(1);
        Element table = HtmlPage.table(body, "totals", List.of("what", "runs"), numeric);
        Element rows = table.selectFirst("tbody");
        HtmlPage.row(rows, List.of("SEAMCALLs faulted", String.valueOf(result.sites().size())), numeric);
        byReturn.forEach((what, runs) -> HtmlPage.row(rows, List.of("kernel returned " + what, String.valueOf(runs)),
                numeric));
        HtmlPage.row(rows, List.of("runs with a violation", String.valueOf(violating)), numeric);
        HtmlPage.row(rows, List.of("violations", String.valueOf(result.violationCount())), numeric);
        HtmlPage.row(table.appendElement("tfoot"), List.of("runs", String.valueOf(result.runs().size())), numeric);
    }

    /** The runs by leaf, leaves in the order the kernel first called them, then by call site. */
    private static Map<Leaf, Map<CallSite, List<CampaignResult.Run>>> byLeaf(CampaignResult result) {
        Map<Leaf, Map<CallSite, List<CampaignResult.Run>>> byLeaf = new LinkedHashMap<>();
        for (CampaignResult.Run run : result.runs()) {
            byLeaf.computeIfAbsent(run.site().leaf(), l -> new LinkedHashMap<>())
                    .computeIfAbsent(run.site(), s -> new ArrayList<>()).add(run);
        }
        return byLeaf;
    }

    private static void matrix(Element body, Leaf leaf, Map<CallSite, List<CampaignResult.Run>> bySite) {
        List<Long> statuses = new ArrayList<>();
        bySite.values().forEach(runs -> runs.forEach(run -> {
            if (!statuses.contains(run.status())) {
                statuses.add(run.status());
            }
        }));
        body.appendElement("h3").text(leaf.architecturalName() + ": " + TextReports.count(bySite.size(), "call") + " × "
                + statuses.size() + (statuses.size() == 1 ? " status" : " statuses"));
        Element table = body.appendElement("table").addClass("matrix").attr("id", "matrix-" + leaf.architecturalName());
        Element header = table.appendElement("thead").appendElement("tr");
        header.appendElement("th").text("call");
        for (long status : statuses) {
            header.appendElement("th").addClass("status").attr("title", String.format("0x%016x", status))
                    .text(CampaignReports.statusName(status));
        }
        Element rows = table.appendElement("tbody");
        for (Map.Entry<CallSite, List<CampaignResult.Run>> site : bySite.entrySet()) {
            Element row = rows.appendElement("tr");
            CallSite call = site.getKey();
            row.appendElement("th").text("#" + call.occurrence() + " on CPU " + call.cpu());
            for (long status : statuses) {
                Element cell = row.appendElement("td").addClass("cell");
                site.getValue().stream().filter(run -> run.status() == status).findFirst().ifPresent(run -> {
                    Outcome outcome = Outcome.of(run);
                    cell.addClass(outcome.cssClass).text(outcome == Outcome.VIOLATION ? "violation" : run.kernelReturned())
                            .attr("title", detail(run));
                });
            }
        }
        Element total = table.appendElement("tfoot").appendElement("tr");
        total.appendElement("td").text("all calls");
        for (long status : statuses) {
            Map<String, Integer> returned = new TreeMap<>();
            int violations = 0;
            for (List<CampaignResult.Run> runs : bySite.values()) {
                for (CampaignResult.Run run : runs) {
                    if (run.status() == status) {
                        returned.merge(run.kernelReturned(), 1, Integer::sum);
                        violations += run.violations().size();
                    }
                }
            }
            List<String> words = new ArrayList<>();
            returned.forEach((what, runs) -> words.add(what + " ×" + runs));
            if (violations > 0) {
                words.add(TextReports.count(violations, "violation"));
            }
            total.appendElement("td").addClass("cell").text(String.join(", ", words));
        }
    }

    /** A cell's hover text: the call, the status, what the kernel returned and every violation. */
    private static String detail(CampaignResult.Run run) {
        StringBuilder detail = new StringBuilder(run.site().toString()).append(" answered ")
                .append(CampaignReports.statusName(run.status())).append(String.format(" (0x%016x)", run.status()))
                .append(": the kernel returned ").append(run.kernelReturned());
        if (run.violations().isEmpty()) {
            detail.append("; no violation");
        } else {
            run.violations().forEach(v -> detail.append("\nviolation: ").append(v));
        }
        return detail.toString();
    }

    private static void violations(Element body, CampaignResult result) {
        body.appendElement("h2").text("Violations");
        Element list = body.appendElement("ul").attr("id", "violations");
        for (CampaignResult.Run run : result.runs()) {
            for (String v : run.violations()) {
                list.appendElement("li").text(run.site() + " answered " + CampaignReports.statusName(run.status())
                        + ": " + v);
            }
        }
        if (list.childrenSize() == 0) {
            list.remove();
            body.appendElement("p").attr("id", "no-violations").text("None.");
        }
    }
}
