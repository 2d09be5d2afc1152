package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
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
        assertEquals(8, once.lines().size(), once.out());
        assertEquals("539G-2n-4r-firmware-low  kernel   planned      3           3     2216180  accepted",
                once.lines().get(5));
        JsonNode json = new ObjectMapper().readTree(tdxemu("planners", "--random", "3", "--seed", "7", "--json").out());
        assertEquals(3, json.get("layouts").size());
        assertEquals("2224G-3n-574r-none", json.get("layouts").get(0).get("name").asText());
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
