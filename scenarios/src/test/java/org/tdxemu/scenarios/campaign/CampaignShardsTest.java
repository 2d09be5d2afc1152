package org.tdxemu.scenarios.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.output.CampaignReports;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * A campaign cut into shards: each runs every N-th run, and the shards' files merged, in any order,
 * make the report of the campaign run whole, table and JSON alike.
 */
class CampaignShardsTest {

    @TempDir
    Path directory;

    private static final Scenario SMALL = Library.load("small-two-socket");

    private List<Path> shards(Scenario scenario, int count) throws IOException {
        FaultCampaign campaign = new FaultCampaign(scenario, false);
        List<Path> files = new ArrayList<>();
        for (int k = count; k >= 1; k--) {
            Shard shard = new Shard(k, count);
            CampaignResult result = campaign.run(2, CampaignProgress.SILENT, shard);
            Path file = directory.resolve(scenario.name() + "-" + k + "-of-" + count + ".json");
            Files.writeString(file, ShardFile.json(result, shard, campaign.fingerprint()).toString());
            files.add(file);
        }
        return files;
    }

    @Test
    void everyShardMergedMakesTheReportOfTheWholeCampaign() throws IOException {
        CampaignResult whole = new FaultCampaign(SMALL, false).run(2, CampaignProgress.SILENT);
        for (int count : new int[] {1, 3, 7}) {
            CampaignResult merged = ShardFile.merge(shards(SMALL, count));
            assertEquals(whole, merged, count + " shards");
            assertEquals(CampaignReports.text(whole), CampaignReports.text(merged), count + " shards");
            assertEquals(CampaignReports.json(whole).toString(), CampaignReports.json(merged).toString(), count + " shards");
        }
    }

    @Test
    void aShardRunsEveryNthRunFromTheKth() {
        FaultCampaign campaign = new FaultCampaign(SMALL, false);
        CampaignResult whole = campaign.run(2, CampaignProgress.SILENT);
        CampaignResult second = campaign.run(2, CampaignProgress.SILENT, new Shard(2, 5));
        assertEquals(whole.sites(), second.sites(), "every shard knows every faulted call");
        List<CampaignResult.Run> expected = new ArrayList<>();
        for (int run = 1; run < whole.runs().size(); run += 5) {
            expected.add(whole.runs().get(run));
        }
        assertEquals(expected, second.runs());
        assertEquals(campaign.run(1, CampaignProgress.SILENT, new Shard(2, 5)).runs(), second.runs(),
                "the same runs on any number of threads");
    }

    @Test
    void theFingerprintTellsCampaignsApart() {
        String plain = new FaultCampaign(SMALL, false).fingerprint();
        assertEquals(plain, new FaultCampaign(Library.load("small-two-socket"), false).fingerprint());
        assertNotEquals(plain, new FaultCampaign(SMALL, true).fingerprint(), "--every-call");
        assertNotEquals(plain, new FaultCampaign(Library.load("small-v7"), false).fingerprint());
    }

    @Test
    void mergingRefusesWhatIsNotEveryShardOfOneCampaignOnce() throws IOException {
        List<Path> three = shards(SMALL, 3);
        Path first = three.get(2);
        assertEquals(first + ": shard 1/3 a second time (the first: " + first + ")",
                assertThrows(ScenarioException.class, () -> ShardFile.merge(List.of(first, first))).getMessage());
        assertEquals("faults-merge: shard 2/3 of small-two-socket is missing: every shard of the campaign is needed,"
                + " once each", assertThrows(ScenarioException.class,
                () -> ShardFile.merge(List.of(three.get(0), three.get(2)))).getMessage());
        Path other = shards(Library.load("small-v7"), 3).get(1);
        assertEquals(other + ": shard 2/3 of another campaign: it is small-v7's, " + first + " is small-two-socket's",
                assertThrows(ScenarioException.class, () -> ShardFile.merge(List.of(first, other))).getMessage());
        Path ofTwo = shards(SMALL, 2).get(0);
        assertEquals(ofTwo + ": shard 2/2 of another campaign: it is one of 2 shards, " + first + " one of 3",
                assertThrows(ScenarioException.class, () -> ShardFile.merge(List.of(first, ofTwo))).getMessage());
    }

    @Test
    void aFileThatIsNoShardOrWasEditedIsNamedWithItsField() throws IOException {
        Path scenario = directory.resolve("scenario.json");
        Files.writeString(scenario, Library.text("small-v7"));
        assertEquals(scenario + ": not a shard of a fault campaign (no \"shard\" key): shards are written by "
                + "`tdxemu faults SCENARIO --shard K/N`", assertThrows(ScenarioException.class,
                () -> ShardFile.merge(List.of(scenario))).getMessage());
        Path shard = shards(Library.load("small-v7"), 2).get(1);
        String text = Files.readString(shard);
        Path edited = directory.resolve("edited.json");
        Files.writeString(edited, text.replace("\"shard\":\"1/2\"", "\"shard\":\"1/0\""));
        assertEquals(edited + ": shard: \"1/0\": N, the number of shards, must be 1 or more",
                assertThrows(ScenarioException.class, () -> ShardFile.merge(List.of(edited))).getMessage());
        Files.writeString(edited, text.replaceFirst("\"run\":0,", "\"run\":2,"));
        assertEquals(edited + ": results[0].run: 2, but result 0 of shard 1/2 is run 0",
                assertThrows(ScenarioException.class, () -> ShardFile.merge(List.of(edited))).getMessage());
        Files.writeString(edited, text.substring(0, text.length() / 2));
        assertEquals(edited.toString(), assertThrows(ScenarioException.class,
                () -> ShardFile.merge(List.of(edited))).getMessage().split(": ")[0]);
    }
}
