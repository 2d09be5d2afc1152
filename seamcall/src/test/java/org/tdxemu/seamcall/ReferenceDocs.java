package org.tdxemu.seamcall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the shared reference documents ({@code ../shared/reference}) that every checkout and CI
 * run has beside the repository, so tests can pin tables against them.
 */
public final class ReferenceDocs {

    private ReferenceDocs() {
    }

    public static String read(String name) {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("reference").resolve(name);
            if (Files.isRegularFile(candidate)) {
                try {
                    return Files.readString(candidate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new AssertionError("shared/reference/" + name + " not found above " + dir
                + "; tests pin tables against it, and every checkout has it at ../shared");
    }
}
