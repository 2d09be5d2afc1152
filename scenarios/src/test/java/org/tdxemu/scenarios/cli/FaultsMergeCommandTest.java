package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

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

    @Test
    void aShardWithoutOutputFilePrintsItsJsonLine() {
        Result shard = tdxemu("faults", "small-v7", "--shard", "4/4");
        assertEquals(0, shard.status());
        assertEquals(1, shard.lines().size());
        assertEquals("{\"shard\":\"4/4\",\"campaign\":\"", shard.out().substring(0, 27));
    }
}
