package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.cli.Cli.Result;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
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
    void anOutputInAFolderThatDoesNotExistIsOneLineAndExitTwo() {
        Path missing = dir.resolve("missing");
        assertEquals(new Result(2, "", "--svg: cannot write " + missing.resolve("p.svg") + ": no such directory "
                + missing + "\n"), tdxemu("plan", "small-v7", "--svg", missing.resolve("p.svg").toString()));
        assertEquals(new Result(2, "", "--svg: cannot write " + dir + ": it is a directory\n"),
                tdxemu("plan", "small-v7", "--svg", dir.toString()));
    }
}
