package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.campaign.CampaignProgress;
import org.tdxemu.scenarios.campaign.FaultCampaign;
import org.tdxemu.scenarios.cli.Cli.Result;
import org.tdxemu.scenarios.output.CampaignHtml;
import org.tdxemu.scenarios.output.RunHtml;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;

/** {@code --svg} and {@code --html}: the files they write, what they leave on the terminal, and paths they cannot write. */
class PicturesCommandLineTest {

    @TempDir
    Path dir;

    @Test
    void planSvgWritesThePictureOfThePlanAndPrintsThePlanAsWithoutIt() throws IOException {
        for (String name : List.of("two-socket-2t", "emr-17-holes")) {
            Path svg = dir.resolve(name + ".svg");
            Result with = tdxemu("plan", name, "--svg", svg.toString());
            Result without = tdxemu("plan", name);
            assertEquals(without, with, name);
            Scenario scenario = Library.load(name);
            assertEquals(MemoryPictureSvg.file(MemoryPicture.ofPlan(scenario, ScenarioRunner.plan(scenario))),
                    Files.readString(svg), name);
        }
    }

    @Test
    void runSvgAndHtmlWriteThePictureAndTheReportOfTheRunAndPrintTheRunAsWithoutThem() throws IOException {
        Path svg = dir.resolve("run.svg");
        Path html = dir.resolve("run.html");
        Result with = tdxemu("run", "emr-17-holes", "--svg", svg.toString(), "--html", html.toString());
        assertEquals(tdxemu("run", "emr-17-holes"), with);
        Scenario scenario = Library.load("emr-17-holes");
        RunReport report = ScenarioRunner.run(scenario);
        assertEquals(MemoryPictureSvg.file(MemoryPicture.ofRun(scenario, report)), Files.readString(svg));
        assertEquals(RunHtml.page(scenario, report, Optional.empty()), Files.readString(html));
    }

    @Test
    void faultsHtmlWritesTheCampaignPageAndPrintsTheTableAsWithoutIt() throws IOException {
        Path html = dir.resolve("faults.html");
        Result with = tdxemu("faults", "small-v7", "--html", html.toString());
        assertEquals(tdxemu("faults", "small-v7"), with);
        assertEquals(CampaignHtml.page(new FaultCampaign(Library.load("small-v7"), false).run(2,
                CampaignProgress.SILENT)), Files.readString(html));
    }

    @Test
    void aPictureOrAReportIsOfOneScenario() {
        assertEquals(new Result(2, "", "--svg: draws one scenario; 2 were given\n"),
                tdxemu("run", "small-v7", "small-two-socket", "--svg", dir.resolve("a.svg").toString()));
        assertEquals(new Result(2, "", "--html: reports one scenario; 2 were given\n"),
                tdxemu("run", "small-v7", "small-two-socket", "--html", dir.resolve("a.html").toString()));
    }

    @Test
    void anOutputInAFolderThatDoesNotExistIsOneLineAndExitTwoBeforeAnythingRuns() {
        Path nowhere = dir.resolve("nowhere").resolve("r.html");
        assertEquals(new Result(2, "", "--html: cannot write " + nowhere + ": no such directory " + nowhere.getParent()
                + "\n"), tdxemu("run", "small-v7", "--html", nowhere.toString()));
        assertEquals(new Result(2, "", "--html: cannot write " + nowhere + ": no such directory " + nowhere.getParent()
                + "\n"), tdxemu("faults", "small-v7", "--html", nowhere.toString()));
        assertEquals(new Result(2, "", "--svg: cannot write " + dir + ": it is a directory\n"),
                tdxemu("run", "small-v7", "--svg", dir.toString()));
    }

    @Test
    void anOutputInAFolderThatDoesNotExistIsOneLineAndExitTwo() {
        Path missing = dir.resolve("missing");
        assertEquals(new Result(2, "", "--svg: cannot write " + missing.resolve("p.svg") + ": no such directory "
                + missing + "\n"), tdxemu("plan", "small-v7", "--svg", missing.resolve("p.svg").toString()));
        assertEquals(new Result(2, "", "--svg: cannot write " + dir + ": it is a directory\n"),
                tdxemu("plan", "small-v7", "--svg", dir.toString()));
    }
}
