package org.tdxemu.scenarios.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.spec.Scenario;

/**
 * The campaign's shortcut, each run answered from the clean run for as long as it repeats it,
 * against the full re-run, every call on a fresh module, on every bundled scenario: the same calls
 * faulted, and for each run the same errno and the same violations, word for word.
 *
 * <p>Scenarios of up to 512 GiB compare every run: among them runs that give up at once, runs that
 * retry TDX_RND_NO_ENTROPY and follow the whole clean run, and v7's, whose shutdown calls leave the
 * clean run and play it into a live machine. The hosts of a TiB and more compare their first run
 * and their last (the last TDH.SYS.TDMR.INIT, after the longest prefix), since re-running a 64 TiB
 * host's every run takes minutes. {@code -Dcampaign.everyRun=true} compares every run of every
 * scenario (about 5 minutes on 2 cores for the 32 bundled scenarios).
 */
class CampaignPrefixTest {

    private static final boolean EVERY_RUN = Boolean.getBoolean("campaign.everyRun");
    private static final long EVERY_RUN_UP_TO_BYTES = 512L << 30;

    static List<String> bundled() {
        return Library.names();
    }

    @ParameterizedTest
    @MethodSource("bundled")
    void runsAnsweredFromTheCleanRunComeToWhatFullRerunsComeTo(String name) {
        Scenario scenario = Library.load(name);
        RunSelection compared = EVERY_RUN || ramBytes(scenario) <= EVERY_RUN_UP_TO_BYTES ? RunSelection.EVERY_RUN
                : (run, runs) -> run == 0 || run == runs - 1;
        CampaignResult followed = new FaultCampaign(scenario, false, FaultCampaign.Prefix.FROM_CLEAN_RUN)
                .run(2, CampaignProgress.SILENT, compared);
        CampaignResult rerun = new FaultCampaign(scenario, false, FaultCampaign.Prefix.RERUN)
                .run(2, CampaignProgress.SILENT, compared);
        assertEquals(rerun.sites(), followed.sites());
        for (int i = 0; i < rerun.runs().size(); i++) {
            assertEquals(rerun.runs().get(i), followed.runs().get(i), name + ", run " + i);
        }
        assertEquals(rerun.runs().size(), followed.runs().size());
    }

    private static long ramBytes(Scenario scenario) {
        return scenario.platform().memory().stream().mapToLong(r -> r.range().size()).sum();
    }
}
