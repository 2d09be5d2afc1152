package org.tdxemu.scenarios.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.campaign.CampaignProgress;
import org.tdxemu.scenarios.campaign.FaultCampaign;
import org.tdxemu.scenarios.picture.Palette;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;

/**
 * The reports in a real browser: Chromium's headless shell loads each page from a file, takes a
 * screenshot, and logs every console message; the page must draw (not blank, the TDMRs in their
 * colours, the campaign's cells in theirs) and print nothing to the console. Not a unit test: it
 * needs {@code chromium-headless-shell}, so it runs only in the {@code browser} profile, which
 * {@code .ci/run} turns on. The screenshots stay in target/browser-check for people to look at.
 */
class ReportsInBrowserCheck {

    private static final String BROWSER = "chromium-headless-shell";
    private static final Path OUT = Path.of("target", "browser-check");

    @Test
    void theRunReportDrawsEveryTdmrInItsColourAndLogsNothing() throws IOException, InterruptedException {
        Scenario scenario = Library.load("two-socket-2t");
        Shot shot = load("two-socket-2t", RunHtml.page(scenario, ScenarioRunner.run(scenario), Optional.empty()));
        assertEquals(List.of(), shot.console());
        assertTrue(shot.inkShare() > 0.05, "the page is drawn: " + shot.inkShare() + " of its pixels are not white");
        for (int i = 0; i < 3; i++) {
            assertTrue(shot.pixels(Palette.tdmr(i)) > 2000, "TDMR " + i + "'s colour " + Palette.tdmr(i) + ": "
                    + shot.pixels(Palette.tdmr(i)) + " pixels");
        }
        assertTrue(shot.pixels(Palette.node(1)) > 2000, "node 1's RAM");
    }

    @Test
    void theCampaignPageColoursItsCellsByOutcomeAndLogsNothing() throws IOException, InterruptedException {
        Shot shot = load("small-v7-faults", CampaignHtml.page(new FaultCampaign(Library.load("small-v7"), false)
                .run(2, CampaignProgress.SILENT)));
        assertEquals(List.of(), shot.console());
        assertTrue(shot.pixels("#fde3a7") > 2000, "errno cells: " + shot.pixels("#fde3a7"));
        assertTrue(shot.pixels("#dff0d8") > 2000, "the summary, no violation: " + shot.pixels("#dff0d8"));
    }

    /** A screenshot, its pixels by colour, and the console messages the page logged. */
    private record Shot(Map<String, Integer> colours, int total, List<String> console) {
        int pixels(String colour) {
            return colours.getOrDefault(colour, 0);
        }

        double inkShare() {
            return 1.0 - (double) pixels("#ffffff") / total;
        }
    }

    private static Shot load(String name, String html) throws IOException, InterruptedException {
        Files.createDirectories(OUT);
        Path page = OUT.resolve(name + ".html").toAbsolutePath();
        Path screenshot = OUT.resolve(name + ".png").toAbsolutePath();
        Path log = OUT.resolve(name + ".log").toAbsolutePath();
        Files.writeString(page, html, StandardCharsets.UTF_8);
        Files.deleteIfExists(screenshot);
        // --no-sandbox: CI runs as root, where Chromium's sandbox will not start; the page is our own.
        // The resolver rule keeps the browser off the network, so a page that fetched anything would break.
        Process browser = new ProcessBuilder(browser(), "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1600,1000", "--enable-logging=stderr", "--v=0",
                "--screenshot=" + screenshot, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(new File("/dev/null")).start();
        if (!browser.waitFor(2, TimeUnit.MINUTES)) {
            browser.destroyForcibly();
            throw new AssertionError(BROWSER + " did not finish loading " + page);
        }
        assertEquals(0, browser.exitValue(), BROWSER + " failed; its log: " + Files.readString(log));
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.contains(":CONSOLE")) {
                console.add(line);
            }
        }
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertEquals(1600, image.getWidth());
        Map<String, Integer> colours = new TreeMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.merge(String.format("#%06x", image.getRGB(x, y) & 0xffffff), 1, Integer::sum);
            }
        }
        return new Shot(colours, image.getWidth() * image.getHeight(), console);
    }

    /** The browser's path: the first {@value #BROWSER} on the PATH. */
    private static String browser() {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(folder, BROWSER);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("the browser profile needs " + BROWSER + " on the PATH (Debian: apt-get install "
                + BROWSER + "); .ci/run installs it");
    }
}
