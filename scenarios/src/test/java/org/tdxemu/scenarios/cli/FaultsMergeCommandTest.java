package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.cli.Cli.Result;

/** faults --shard and faults-merge as a user runs them: the merged shards print what the campaign prints. */
class FaultsMergeCommandTest {

    @TempDir
    Path directory;

    @Test
    void threeShardsMergedPrintTheCampaignsTableAndJson() {
        String[] files = new String[3];
        for (int k = 1; k <= 3; k++) {
            files[k - 1] = directory.resolve("shard-" + k + ".json").toString();
            Result shard = tdxemu("faults", "small-four-socket-cmr-holes", "--shard", k + "/3", "-o", files[k - 1]);
            assertEquals(0, shard.status(), shard.err());
            assertEquals("", shard.out() + shard.err(), "a shard written to a file prints nothing");
        }
        Result whole = tdxemu("faults", "small-four-socket-cmr-holes");
        Result merged = tdxemu("faults-merge", files[2], files[0], files[1]);
        assertEquals(0, merged.status(), merged.err());
        assertEquals(whole.out(), merged.out());
        Result wholeJson = tdxemu("faults", "small-four-socket-cmr-holes", "--json");
        Result mergedJson = tdxemu("faults-merge", "--json", files[0], files[1], files[2]);
        assertEquals(wholeJson.out(), mergedJson.out());
        assertEquals("", merged.err() + mergedJson.err());
    }

    /** The merged shards draw the page the whole campaign draws, byte for byte. */
    @Test
    void theMergedShardsDrawTheCampaignsPage() throws IOException {
        String[] files = new String[2];
        for (int k = 1; k <= 2; k++) {
            files[k - 1] = directory.resolve("shard-" + k + ".json").toString();
            assertEquals(0, tdxemu("faults", "small-v7", "--shard", k + "/2", "-o", files[k - 1]).status());
        }
        Path whole = directory.resolve("whole.html");
        Path merged = directory.resolve("merged.html");
        assertEquals(0, tdxemu("faults", "small-v7", "--html", whole.toString()).status());
        Result result = tdxemu("faults-merge", files[1], files[0], "--html", merged.toString());
        assertEquals(tdxemu("faults-merge", files[0], files[1]), result, "--html leaves what is printed as it is");
        assertEquals(Files.readString(whole), Files.readString(merged));
    }

    @Test
    void aShardDrawsNoPageOfItsOwn() {
        Path page = directory.resolve("shard.html");
        assertEquals(new Result(2, "", "--html: draws the whole campaign, not shard 1/2; give it to faults-merge, "
                + "which draws the merged shards\n"), tdxemu("faults", "small-v7", "--shard", "1/2", "--html",
                page.toString()));
        assertEquals(false, Files.exists(page));
    }

    @Test
    void aShardWithoutOutputFilePrintsItsJsonLine() {
        Result shard = tdxemu("faults", "small-v7", "--shard", "4/4");
        assertEquals(0, shard.status());
        assertEquals(1, shard.lines().size());
        assertEquals("{\"shard\":\"4/4\",\"campaign\":\"", shard.out().substring(0, 27));
    }
}
