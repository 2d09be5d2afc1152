package org.tdxemu.scenarios.docs;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tdxemu.scenarios.cli.Tdxemu;

/** tdxemu in a JVM of its own, in a folder of the test's choosing, as the ./tdxemu launcher runs it. */
final class TdxemuProcess {

    private TdxemuProcess() {
    }

    /** Standard output, then standard error, of {@code tdxemu args} run in {@code folder}. */
    static List<String> run(Path folder, List<String> args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(folder.getParent(), "out", ".txt");
        Path err = Files.createTempFile(folder.getParent(), "err", ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.leakDetection.level=disabled", "-cp", System.getProperty("java.class.path"),
                Tdxemu.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(new File("/dev/null")).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("tdxemu " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(out));
        lines.addAll(Files.readAllLines(err));
        Files.delete(out);
        Files.delete(err);
        return lines;
    }
}
