package org.tdxemu.scenarios.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.cli.Tdxemu;

/**
 * README's comparison over 10,000 generated layouts is a shell pipe (`| tail -1`), which the
 * console blocks cannot run; this runs the same command and checks the line README shows under it.
 * It is the longest test of the build, about a minute on 2 cores.
 */
class PlannersSweepInReadmeTest {

    private static final String COMMAND = "./tdxemu planners --random 10000 --seed 1 | tail -1";

    @Test
    void theLastLineOfTheSweepIsWhatReadmeShows() throws IOException {
        List<String> readme = Files.readAllLines(Repository.root().resolve("README.md"));
        int command = readme.indexOf(COMMAND);
        assertEquals("```sh", readme.get(command - 1), "README shows `" + COMMAND + "` in a sh block");
        int text = readme.subList(command, readme.size()).indexOf("```text") + command;
        String shown = readme.get(text + 1);
        assertEquals("```", readme.get(text + 2), "one line under the command");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Tdxemu.execute(new String[] {"planners", "--random", "10000", "--seed", "1"}, new PrintWriter(out),
                new PrintWriter(err));
        List<String> lines = out.toString().lines().toList();
        assertEquals(0, status, err.toString());
        assertEquals(20_002, lines.size(), "a heading, two lines a layout, the totals");
        assertEquals(shown, lines.get(lines.size() - 1));
    }
}
