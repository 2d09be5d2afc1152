package org.tdxemu.scenarios.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.output.RunHtml;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
import org.tdxemu.scenarios.picture.Rendered;
import org.tdxemu.scenarios.spec.Scenario;

/** Every bundled scenario runs, meets its own expectations, and is drawn and reported. */
class LibraryTest {

    @Test
    void theLibraryHoldsTheScenariosTheIssueAsksFor() {
        Set<String> names = new HashSet<>(Library.names());
        assertTrue(names.containsAll(List.of("one-socket-256g", "two-socket-1t", "two-socket-2t", "four-socket-8t",
                "eight-socket-32t", "eight-socket-64t", "emr-17-holes", "emr-17-holes-cmr", "tdmrs-exhausted",
                "ram-outside-cmrs", "module-1.0-mainline", "module-1.0-v7", "offline-cpu", "package-offline",
                "entropy-9", "entropy-10", "keygen-fails-package-1", "tdmr-init-fails", "sysinit-msr-defect",
                "two-socket-2t-latest", "two-socket-2t-dpamt", "eight-socket-64t-dpamt", "dpamt-49-physical-bits",
                "dpamt-module-without-it", "mainline-on-dpamt-module", "dpamt-bitmap-read-fails")), names.toString());
        assertEquals(names.size(), Library.names().size(), "no scenario is listed twice");
    }

    @Test
    void everyBundledScenarioMeetsItsExpectationsAndItsPictureAndReportAreDrawn() {
        for (String name : Library.names()) {
            Scenario scenario = Library.load(name);
            assertEquals(name, scenario.name(), "a bundled scenario is named as its file");
            assertTrue(scenario.expect().isPresent(), name + " says what must come out");
            assertTrue(!scenario.description().isBlank(), name + " has a description");
            RunReport report = ScenarioRunner.run(scenario);
            assertEquals(List.of(), report.failedExpectations(), name + ":\n" + String.join("\n", report.log()));
            if (!report.initialized()) {
                assertEquals(0, report.kernelBytesKept(), name + " gives back every page it took");
                assertEquals(Map.of(), report.vmxReferencesKept(), name + " gives back every VMX reference");
            }
            MemoryPicture picture = MemoryPicture.ofRun(scenario, report);
            Document page = Jsoup.parse(RunHtml.page(scenario, report, Optional.empty()));
            assertEquals(picture.title(), page.selectFirst("svg > title").text(), name);
            assertEquals(TextReports.summary(report, Optional.empty()), page.selectFirst("#outcome").text(), name);
            assertEquals(picture.tdmrs().size(), page.select("table#tdmrs > tbody > tr").size(), name);
            assertEquals(report.failingCall().isPresent(), page.selectFirst("table#failing-call") != null, name);
            assertEquals((int) MemoryPictureSvg.layout(picture).width(),
                    Rendered.of(MemoryPictureSvg.file(picture)).width(), name + ": Batik draws the picture");
        }
    }
}
