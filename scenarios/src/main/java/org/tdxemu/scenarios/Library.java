package org.tdxemu.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;

/** The scenarios bundled with tdxemu, in the order {@code library/index.txt} lists them. */
public final class Library {

    private static final String DIRECTORY = "/org/tdxemu/scenarios/library/";
    /** What {@code ./tdxemu} runs with no arguments. */
    public static final String DEFAULT = "two-socket-2t";

    private Library() {
    }

    public static List<String> names() {
        return resource("index.txt").map(index -> index.lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList())
                .orElseThrow(() -> new IllegalStateException("the scenario library has no index"));
    }

    public static boolean contains(String name) {
        return names().contains(name);
    }

    /** The bundled scenario {@code name}; a problem in it names the library file. */
    public static Scenario load(String name) {
        String file = "library/" + name + ".json";
        String text = text(name);
        try {
            return ScenarioReader.parse(text);
        } catch (ScenarioException e) {
            throw e.inFile(file);
        }
    }

    /** The JSON text of the bundled scenario {@code name}, as the library file holds it. */
    public static String text(String name) {
        return resource(name + ".json").orElseThrow(() -> new ScenarioException("library/" + name + ".json: not in the library"));
    }

    private static Optional<String> resource(String resource) {
        try (InputStream in = Library.class.getResourceAsStream(DIRECTORY + resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
