package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.cli.Cli.Result;

/**
 * {@code tdxemu planners}: both planners on each layout, the module's answer to each plan, and the
 * totals; and the optimal planner under the other commands.
 */
class PlannersCommandLineTest {

    @Test
    void eachLayoutGetsALinePerPlannerThenTheTotals() {
        Result r = tdxemu("planners", "emr-17-holes", "small-v7", "tdmrs-exhausted");
        assertEquals(List.of(
                "LAYOUT           PLANNER  PLAN     TDMRS  MOST AREAS     PAMT KB  MODULE",
                "emr-17-holes     kernel   ENOSPC       -           -           -  no plan",
                "                 optimal  planned      3          16      262668  accepted",
                "small-v7         kernel   planned      2           2       16424  accepted",
                "                 optimal  planned      2           1       16424  accepted",
                "tdmrs-exhausted  kernel   ENOSPC       -           -           -  no plan",
                "                 optimal  planned      4           3       32848  accepted",
                "3 layouts: the kernel's planner plans 1, the module accepts 1 of them; the optimal planner plans 3, "
                        + "the module accepts 3; where it accepts both, the optimal plans save 0 KB of PAMT"), r.lines());
        assertEquals(0, r.status());
        assertEquals("", r.err());
    }

    @Test
    void aPlanTheModuleRefusesOrNeverSeesIsSaidSo() {
        Result r = tdxemu("planners", "ram-outside-cmrs", "offline-cpu-v7");
        assertEquals(List.of(
                "LAYOUT            PLANNER  PLAN     TDMRS  MOST AREAS     PAMT KB  MODULE",
                "ram-outside-cmrs  kernel   planned      2           2       73880  TDX_TDMR_OUTSIDE_CMRS, TDMR 1",
                "                  optimal  planned      2           1       73880  TDX_TDMR_OUTSIDE_CMRS, TDMR 1",
                "offline-cpu-v7    kernel   planned      2           2      254456  not asked: EINVAL before TDH.SYS.CONFIG",
                "                  optimal  planned      2           1      254456  not asked: EINVAL before TDH.SYS.CONFIG"),
                r.lines().subList(0, 5));
        assertEquals(0, r.status());
    }

    @Test
    void generatedLayoutsAreTheSameForTheSameSeedAndTheJsonCountsThem() throws Exception {
        Result once = tdxemu("planners", "--random", "3", "--seed", "7");
        assertEquals(once, tdxemu("planners", "--random", "3", "--seed", "7"));
        assertEquals(once, tdxemu("planners", "--random", "3", "--seed", "7", "--threads", "1"),
                "in order, however many threads");
        assertEquals(once, tdxemu("planners", "--random", "3", "--seed", "7", "--threads", "3"));
        assertEquals(8, once.lines().size(), once.out());
        assertEquals("539G-2n-4r-none              kernel   planned      4           2     2212072  accepted",
                once.lines().get(5));
        JsonNode json = new ObjectMapper().readTree(tdxemu("planners", "--random", "3", "--seed", "7", "--json").out());
        assertEquals(3, json.get("layouts").size());
        assertEquals("2224G-3n-574r-sparse-random", json.get("layouts").get(0).get("name").asText());
        assertEquals("ENOSPC", json.get("layouts").get(0).get("kernel").get("errno").asText());
        assertEquals("accepted", json.get("layouts").get(0).get("optimal").get("module").asText());
        JsonNode totals = json.get("totals");
        assertEquals(List.of(3, 1, 1, 3, 3, 0), List.of(totals.get("layouts").asInt(), totals.get("kernelPlanned").asInt(),
                totals.get("kernelAccepted").asInt(), totals.get("optimalPlanned").asInt(),
                totals.get("optimalAccepted").asInt(), totals.get("pamtSavedKb").asInt()));
    }

    /** --planner reaches every command that runs or plans a scenario; here the fault campaign, whose checks all hold. */
    @Test
    void theFaultCampaignRunsWithTheOptimalPlannerToo() {
        Result r = tdxemu("faults", "small-v7", "--planner", "optimal");
        assertEquals("small-v7: 13 SEAMCALLs faulted, 164 runs, 0 violations", r.lines().get(0));
        assertEquals(0, r.status());
    }

    /**
     * Both plans of one layout, the kernel's above the optimal one, over one axis: every address
     * either draws is labelled in both, at the same x, so a TDMR boundary can be followed down.
     */
    @Test
    void theSvgDrawsBothPlansOverOneAxis(@TempDir Path scratch) throws IOException {
        Path svg = scratch.resolve("planners.svg");
        Result drawn = tdxemu("planners", "emr-17-holes", "--svg", svg.toString());
        assertEquals(tdxemu("planners", "emr-17-holes"), drawn, "--svg leaves what is printed as it is");
        Document picture = Jsoup.parse(Files.readString(svg), "", Parser.xmlParser());
        Elements panels = picture.select("svg > g.panel");
        assertEquals(List.of("translate(0 0)", "translate(0 397)"), panels.eachAttr("transform"));
        assertEquals("emr-17-holes, the kernel's planner: cannot plan: ENOSPC (-28)",
                panels.get(0).child(0).text());
        assertEquals("TDMR [0x0, 0x80000000) needs 17 reserved areas, the module takes 16",
                panels.get(0).child(1).text());
        assertEquals("emr-17-holes, the optimal planner: 3 TDMRs, 262668 KB of PAMT (0.39% of 63.6 GiB of RAM)",
                panels.get(1).child(0).text());
        Map<String, String> kernelAxis = addressLabels(panels.get(0));
        assertEquals(kernelAxis, addressLabels(panels.get(1)));
        assertEquals("1067.3", kernelAxis.get("0x80000000"));
        assertTrue(kernelAxis.containsKey("0x40000000"), "the optimal plan's cut at 1 GiB is on the kernel's axis too");
        assertEquals(List.of("TDMR 0", "TDMR 1"), panels.get(0).select("g.tdmrs text").eachText());
        assertEquals(List.of("TDMR 0", "TDMR 1", "TDMR 2"), panels.get(1).select("g.tdmrs text").eachText());
    }

    /** Each address label of a panel's axis, with its x. */
    private static Map<String, String> addressLabels(Element panel) {
        Map<String, String> labels = new TreeMap<>();
        for (Element label : panel.select("g.axis text")) {
            if (label.text().startsWith("0x")) {
                labels.put(label.text(), label.attr("x"));
            }
        }
        return labels;
    }

    @Test
    void aGeneratedLayoutIsDrawnWhenItIsTheOnlyOne(@TempDir Path scratch) throws IOException {
        Path svg = scratch.resolve("random.svg");
        Result drawn = tdxemu("planners", "--random", "1", "--seed", "7", "--svg", svg.toString());
        assertEquals(0, drawn.status(), drawn.err());
        Elements panels = Jsoup.parse(Files.readString(svg), "", Parser.xmlParser()).select("svg > g.panel");
        assertEquals(List.of("2224G-3n-574r-sparse-random, the kernel's planner: cannot plan: ENOSPC (-28)"),
                List.of(panels.get(0).child(0).text()));
        assertTrue(panels.get(1).child(0).text().startsWith("2224G-3n-574r-sparse-random, the optimal planner: "),
                panels.get(1).child(0).text());
    }

    @Test
    void theSvgIsOfOneLayoutOnly(@TempDir Path scratch) {
        String out = scratch.resolve("p.svg").toString();
        String oneLayout = "--svg: draws the plans of one layout: give one FILE, or --random 1 without FILE\n";
        for (List<String> args : List.of(List.of("planners", "--svg", out),
                List.of("planners", "small-v7", "emr-17-holes", "--svg", out),
                List.of("planners", "--random", "2", "--svg", out),
                List.of("planners", "small-v7", "--random", "1", "--svg", out))) {
            assertEquals(new Result(2, "", oneLayout), tdxemu(args.toArray(String[]::new)), args.toString());
        }
        String missing = scratch.resolve("missing/p.svg").toString();
        assertEquals(new Result(2, "", "--svg: cannot write " + missing + ": no such directory "
                + scratch.resolve("missing") + "\n"), tdxemu("planners", "small-v7", "--svg", missing));
        assertFalse(Files.exists(Path.of(out)));
    }

    @Test
    void badNumbersAreOneLineAndExitTwo() {
        assertEquals(new Result(2, "", "--random: 0 is out of range: expected 1 to 1000000\n"),
                tdxemu("planners", "--random", "0"));
        assertEquals(new Result(2, "", "--seed: only with --random N (see `tdxemu help planners`)\n"),
                tdxemu("planners", "--seed", "3"));
        assertEquals(new Result(2, "", "tdxemu planners: Invalid value for option '--seed': 'x' is not a long "
                + "(see `tdxemu help planners`)\n"), tdxemu("planners", "--random", "2", "--seed", "x"));
    }
}
