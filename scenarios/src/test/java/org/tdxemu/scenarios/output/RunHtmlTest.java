package org.tdxemu.scenarios.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.scenarios.output.HtmlChecks.rows;

import java.util.List;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;

/** {@code run --html}, read back with jsoup: the tables hold exactly what the run built and did. */
class RunHtmlTest {

    private static Scenario twoSocket;
    private static RunReport twoSocketRun;
    private static Document twoSocketPage;

    @BeforeAll
    static void runTheDefaultScenario() {
        twoSocket = Library.load("two-socket-2t");
        twoSocketRun = ScenarioRunner.run(twoSocket);
        twoSocketPage = Jsoup.parse(RunHtml.page(twoSocket, twoSocketRun, Optional.empty()));
    }

    @Test
    void theTdmrTableHoldsEachTdmrsBaseSizePamtsAndReservedAreasAndTheTotals() {
        assertEquals(List.of(
                List.of("0", "0x0", "0x80000000", "2 GiB", "[0x100000000, 0x100800000)", "[0x100800000, 0x100804000)",
                        "[0x100804000, 0x100805000)", "8212", "2"),
                List.of("1", "0x100000000", "0x10040000000", "1021 GiB", "[0x1ffbfe000, 0x2feffe000)",
                        "[0x2feffe000, 0x2ff7f8000)", "[0x2ff7f8000, 0x2ff7fc000)", "4190200", "3"),
                List.of("2", "0x10080000000", "0x20040000000", "1023 GiB", "[0x10080000000, 0x1017fc00000)",
                        "[0x1017fc00000, 0x101803fe000)", "[0x101803fe000, 0x10180402000)", "4198408", "1")),
                rows(twoSocketPage, "tdmrs", "tbody"));
        assertEquals(List.of(List.of("total", "", "", "2046 GiB", "", "", "", "8396820", "6")),
                rows(twoSocketPage, "tdmrs", "tfoot"));
        assertEquals(List.of(
                List.of("0", "1", "+0x0", "0x100000", "[0x0, 0x100000)", "a hole"),
                List.of("0", "2", "+0x77800000", "0x8800000", "[0x77800000, 0x80000000)", "a hole"),
                List.of("1", "1", "+0x0", "0x805000", "[0x100000000, 0x100805000)", "TDMR 0's PAMT"),
                List.of("1", "2", "+0xffbfe000", "0xffbfe000", "[0x1ffbfe000, 0x2ff7fc000)", "TDMR 1's PAMT"),
                List.of("1", "3", "+0xff3e000000", "0x2000000", "[0x1003e000000, 0x10040000000)", "a hole"),
                List.of("2", "1", "+0x0", "0x100402000", "[0x10080000000, 0x10180402000)", "TDMR 2's PAMT")),
                rows(twoSocketPage, "reserved-areas", "tbody"));
    }

    @Test
    void thePamtCostIsInKbAndAsAShareOfTheRam() {
        long ram = (0x77800000L - 0x100000L) + (0x1003e000000L - 0x100000000L) + (0x20040000000L - 0x10080000000L);
        assertEquals(List.of(List.of("PAMT", "8396820 KB"), List.of("RAM", ram / 1024 + " KB (2 TiB)"),
                List.of("PAMT as a share of RAM", String.format(java.util.Locale.ROOT, "%.2f%%",
                        100.0 * 8396820 * 1024 / ram))), rows(twoSocketPage, "pamt-cost", "tbody"));
        assertEquals("0.39%", rows(twoSocketPage, "pamt-cost", "tbody").get(2).get(1));
    }

    @Test
    void theSeamcallsByLeafAddUpToTheRunsCountAndTheOutcomeAndLogAreTheRunsOwn() {
        List<List<String>> byLeaf = rows(twoSocketPage, "seamcalls", "tbody");
        assertEquals(List.of("TDH.SYS.INIT", "33", "1"), byLeaf.get(byLeaf.size() - 5));
        assertEquals(List.of("TDH.SYS.TDMR.INIT", "36", "523776"), byLeaf.stream()
                .filter(r -> r.get(0).equals("TDH.SYS.TDMR.INIT")).findFirst().orElseThrow());
        assertEquals(523865, byLeaf.stream().mapToLong(r -> Long.parseLong(r.get(2))).sum());
        assertEquals(List.of(List.of("total", "", "523865")), rows(twoSocketPage, "seamcalls", "tfoot"));
        assertEquals("two-socket-2t: initialized, 8396820 KB PAMT in 3 TDMRs, 523865 SEAMCALLs; expectations met",
                twoSocketPage.selectFirst("#outcome").text());
        assertEquals(twoSocketRun.log(), twoSocketPage.selectFirst("pre#log").wholeText().lines().toList());
        assertEquals(1, twoSocketPage.select("svg").size());
        assertEquals("two-socket-2t: initialized, 8396820 KB of PAMT in 3 TDMRs (0.39% of 2 TiB of RAM)",
                twoSocketPage.selectFirst("svg > title").text());
        assertEquals(8, twoSocketPage.select("svg g.pamts rect").size() - 1, "3 tables each, 3 TDMRs, less one");
        HtmlChecks.assertSelfContained(twoSocketPage);
    }

    @Test
    void aFailureNamesTheSeamcallThatFailedItWithItsStatusDecoded() {
        Scenario scenario = Library.load("keygen-fails-package-1");
        Document page = Jsoup.parse(RunHtml.page(scenario, ScenarioRunner.run(scenario), Optional.empty()));
        assertEquals(List.of(List.of("leaf", "TDH.SYS.KEY.CONFIG"), List.of("CPU", "4"),
                List.of("status", "0x8000080000000000"), List.of("meaning", "TDX_KEY_GENERATION_FAILED"),
                List.of("class", "class 0x08 (key management), error")), rows(page, "failing-call", "tbody"));
        assertTrue(page.selectFirst("#outcome").hasClass("bad"));
        HtmlChecks.assertSelfContained(page);
    }

    @Test
    void aRunWhoseKernelCouldNotPlanShowsTheTdmrsAsTheKernelLeftThem() {
        Scenario scenario = Library.load("emr-17-holes");
        Document page = Jsoup.parse(RunHtml.page(scenario, ScenarioRunner.run(scenario), Optional.empty()));
        assertEquals(List.of(List.of("total", "", "", "64 GiB", "", "", "", "262664", "16")), rows(page, "tdmrs", "tfoot"));
        assertEquals(16, rows(page, "reserved-areas", "tbody").size());
        assertEquals("As the kernel left them when it gave up; it freed their PAMTs.",
                page.selectFirst("h2:contains(TDMRs) + p").text());
        assertEquals(List.of("needs 17, room for 16", "not reached"),
                page.select("svg g.counts > text").stream().map(e -> e.ownText()).toList());
    }

    @Test
    void theSameRunWritesTheSameBytes() {
        Scenario scenario = Library.load("small-v7");
        assertEquals(RunHtml.page(scenario, ScenarioRunner.run(scenario), Optional.empty()),
                RunHtml.page(scenario, ScenarioRunner.run(scenario), Optional.empty()));
    }
}
