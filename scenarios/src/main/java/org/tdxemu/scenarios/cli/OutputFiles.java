package org.tdxemu.scenarios.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.spec.ScenarioException;

/** Files the command line writes for the user (traces, reports), with a reason in words when it cannot. */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * A UTF-8 writer of {@code file}, gzip-compressed when its name ends in {@code .gz}.
     *
     * @param option the option that named the file, for messages ({@code --trace})
     */
    static BufferedWriter writer(Path file, String option) {
        checkWritable(file, option);
        try {
            OutputStream stream = Files.newOutputStream(file);
            if (file.getFileName().toString().endsWith(".gz")) {
                stream = new GZIPOutputStream(stream, 1 << 16);
            }
            return new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw cannotWrite(option, file, e);
        }
    }

    /**
     * Refuses, in words, a file that cannot be written because of where it is: before a long run
     * rather than after it.
     */
    static void checkWritable(Path file, String option) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) {
            throw new ScenarioException(option + ": cannot write " + file + ": no such directory " + parent);
        }
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ScenarioException(option + ": cannot write " + file + ": " + parent + " is not a directory");
        }
        if (Files.isDirectory(file)) {
            throw new ScenarioException(option + ": cannot write " + file + ": it is a directory");
        }
    }

    /** Writes {@code text} to {@code file}, named by {@code option} in any message. */
    static void write(Path file, String option, String text) {
        try (BufferedWriter writer = writer(file, option)) {
            writer.write(text);
        } catch (IOException e) {
            throw cannotWrite(option, file, e);
        }
    }

    static ScenarioException cannotWrite(String option, Path file, IOException e) {
        return new ScenarioException(option + ": cannot write " + file + ": " + UserFile.reason(e));
    }
}
