package org.tdxemu.scenarios.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.dmesg.BootLog;
import org.tdxemu.scenarios.dmesg.ImportedMachine;
import org.tdxemu.scenarios.dmesg.Importer;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;

/** Turns what the user typed into scenarios: files, and the names of bundled scenarios. */
final class Inputs {

    private static final String JSON = ".json";
    /** The word that names standard input in place of a file. */
    static final String STANDARD_INPUT = "-";

    private Inputs() {
    }

    /**
     * A scenario file; when no such file exists, the bundled scenario of that name (also written
     * with {@code .json}); when there is neither, a message that suggests the nearest bundled names.
     */
    static Scenario scenario(String fileOrName) {
        Path path = UserFile.path(fileOrName);
        if (Files.exists(path)) {
            return ScenarioReader.read(path);
        }
        String name = bundledName(fileOrName);
        if (Library.contains(name)) {
            return Library.load(name);
        }
        if (fileOrName.contains("/") || fileOrName.contains(path.getFileSystem().getSeparator())) {
            throw new ScenarioException(UserFile.printable(fileOrName) + ": no such file");
        }
        throw new ScenarioException(UserFile.printable(fileOrName) + ": no such file, and no bundled scenario of that name"
                + suggestions(name));
    }

    /** The kernel log a word names, read and imported: a file (gzip or not), or standard input for {@code -}. */
    static ImportedMachine machine(String fileOrDash) {
        BootLog log;
        if (fileOrDash.equals(STANDARD_INPUT)) {
            try {
                log = BootLog.read(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))));
            } catch (IOException e) {
                throw new ScenarioException(Importer.STANDARD_INPUT + ": " + UserFile.reason(e));
            }
        } else {
            Path path = UserFile.path(fileOrDash);
            try (BufferedReader text = UserFile.lines(path)) {
                log = BootLog.read(text);
            } catch (IOException e) {
                throw new ScenarioException(path + ": " + UserFile.reason(e));
            }
        }
        return Importer.of(fileOrDash.equals(STANDARD_INPUT) ? Importer.STANDARD_INPUT : fileOrDash, log);
    }

    /** The bundled scenario {@code name}, or a message that suggests the nearest names. */
    static String bundledText(String name) {
        String bare = bundledName(name);
        if (!Library.contains(bare)) {
            throw new ScenarioException(UserFile.printable(name) + ": no bundled scenario of that name" + suggestions(bare));
        }
        return Library.text(bare);
    }

    /** "; did you mean a, b?" with up to three bundled names near {@code word}, or where to find them. */
    static String suggestions(String word) {
        List<String> near = nearest(word.substring(word.lastIndexOf('/') + 1), Library.names());
        return near.isEmpty() ? "; `tdxemu scenarios` lists the bundled ones"
                : "; did you mean " + String.join(", ", near) + "?";
    }

    /** Whether {@code word} names a scenario file or a bundled scenario. */
    static boolean exists(String word) {
        try {
            return Files.isRegularFile(UserFile.path(word)) || Library.contains(bundledName(word));
        } catch (ScenarioException e) {
            return false;
        }
    }

    /** The bundled name a word means: itself, or without {@code .json}. */
    private static String bundledName(String word) {
        return word.endsWith(JSON) ? word.substring(0, word.length() - JSON.length()) : word;
    }

    /** Up to three of {@code candidates} within a few edits of {@code word} (or starting with it), nearest first. */
    static List<String> nearest(String word, List<String> candidates) {
        return candidates.stream()
                .filter(name -> distance(word, name) <= Math.max(2, name.length() / 3)
                        || !word.isEmpty() && name.startsWith(word))
                .sorted(Comparator.comparingInt((String name) -> distance(word, name)).thenComparing(name -> name))
                .limit(3)
                .toList();
    }

    private static int distance(String a, String b) {
        return LevenshteinDistance.getDefaultInstance().apply(a, b);
    }
}
