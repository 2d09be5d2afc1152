package org.tdxemu.scenarios.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.scenarios.output.HtmlChecks.rows;

import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.campaign.CallSite;
import org.tdxemu.scenarios.campaign.CampaignProgress;
import org.tdxemu.scenarios.campaign.CampaignResult;
import org.tdxemu.scenarios.campaign.FaultCampaign;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.status.StatusCode;

/** {@code faults --html}, read back with jsoup: one cell per run, coloured by its outcome, its detail on hover. */
class CampaignHtmlTest {

    private static final CallSite SYS_INIT = new CallSite(Leaf.TDH_SYS_INIT, 1, 0, 1);
    private static final CallSite LP_INIT_0 = new CallSite(Leaf.TDH_SYS_LP_INIT, 1, 0, 2);
    private static final CallSite LP_INIT_1 = new CallSite(Leaf.TDH_SYS_LP_INIT, 2, 1, 3);
    private static final long BUSY = StatusCode.TDX_SYS_BUSY.value();
    private static final long NO_ENTROPY = StatusCode.TDX_RND_NO_ENTROPY.value();

    private static final CampaignResult MADE_BY_HAND = new CampaignResult("by-hand", List.of(SYS_INIT, LP_INIT_0,
            LP_INIT_1), List.of(
            new CampaignResult.Run(SYS_INIT, BUSY, "EIO", List.of("the log lacks: virt/tdx: module not loaded")),
            new CampaignResult.Run(LP_INIT_0, BUSY, "EIO", List.of()),
            new CampaignResult.Run(LP_INIT_0, NO_ENTROPY, CampaignResult.Run.INITIALIZED, List.of()),
            new CampaignResult.Run(LP_INIT_1, BUSY, "EIO", List.of()),
            new CampaignResult.Run(LP_INIT_1, NO_ENTROPY, "EIO", List.of())));

    @Test
    void eachLeafIsAMatrixOfItsCallsByStatusesWithEachCellColouredByOutcome() {
        Document page = Jsoup.parse(CampaignHtml.page(MADE_BY_HAND));
        Element lpInit = page.getElementById("matrix-TDH.SYS.LP.INIT");
        assertEquals(List.of("call", "TDX_SYS_BUSY", "TDX_RND_NO_ENTROPY"), lpInit.select("thead th").eachText());
        assertEquals(List.of(List.of("#1 on CPU 0", "EIO", "initialized"), List.of("#2 on CPU 1", "EIO", "EIO")),
                lpInit.select("tbody tr").stream().map(tr -> tr.children().eachText()).toList());
        assertEquals(List.of("errno", "initialized", "errno", "errno"),
                lpInit.select("tbody td").stream().map(td -> td.classNames().stream().filter(c -> !c.equals("cell"))
                        .findFirst().orElse("")).toList());
        assertEquals(List.of("all calls", "EIO ×2", "EIO ×1, initialized ×1"), lpInit.select("tfoot td").eachText());
        assertEquals("TDH.SYS.LP.INIT #1 on CPU 0 answered TDX_RND_NO_ENTROPY (0x8000020300000000): the kernel "
                + "returned initialized; no violation", lpInit.select("tbody td").get(1).attr("title"));
        assertEquals("TDH.SYS.LP.INIT: 2 calls × 2 statuses", page.select("h3").get(1).text());
    }

    @Test
    void aViolationIsARedCellWithTheViolationOnHoverListedUnderTheMatrices() {
        Document page = Jsoup.parse(CampaignHtml.page(MADE_BY_HAND));
        Element cell = page.getElementById("matrix-TDH.SYS.INIT").selectFirst("tbody td");
        assertTrue(cell.hasClass("violation"), cell.outerHtml());
        assertEquals("violation", cell.text());
        assertEquals("TDH.SYS.INIT #1 on CPU 0 answered TDX_SYS_BUSY (0x8000020200000000): the kernel returned EIO\n"
                + "violation: the log lacks: virt/tdx: module not loaded", cell.attr("title"));
        assertEquals(List.of("TDH.SYS.INIT #1 on CPU 0 answered TDX_SYS_BUSY: the log lacks: virt/tdx: module not loaded"),
                page.select("#violations li").eachText());
        assertEquals(List.of(List.of("SEAMCALLs faulted", "3"), List.of("kernel returned EIO", "4"),
                List.of("kernel returned initialized", "1"), List.of("runs with a violation", "1"),
                List.of("violations", "1")), rows(page, "totals", "tbody"));
        assertEquals(List.of(List.of("runs", "5")), rows(page, "totals", "tfoot"));
        assertTrue(page.getElementById("summary").hasClass("bad"));
    }

    @Test
    void aRealCampaignHasOneCellPerRunAndTheTextTablesCounts() {
        CampaignResult result = new FaultCampaign(Library.load("small-v7"), false).run(2, CampaignProgress.SILENT);
        String html = CampaignHtml.page(result);
        Document page = Jsoup.parse(html);
        assertEquals(result.runs().size(), page.select("table.matrix tbody td.cell:not(:empty)").size());
        assertEquals(result.runs().size(), page.select("table.matrix tbody td[title]").size());
        assertEquals(CampaignReports.text(result).get(0), page.getElementById("summary").text());
        assertEquals("None.", page.getElementById("no-violations").text());
        HtmlChecks.assertSelfContained(page);
        assertEquals(html, CampaignHtml.page(new FaultCampaign(Library.load("small-v7"), false).run(1,
                CampaignProgress.SILENT)), "the same campaign, on one thread or two, writes the same bytes");
    }
}
