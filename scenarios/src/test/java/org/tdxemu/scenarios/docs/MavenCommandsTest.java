package org.tdxemu.scenarios.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Maven commands the docs show, which this build cannot run inside itself: README's test
 * command is exactly what CI runs, and the longer fuzzing runs name modules, tests and properties
 * that exist.
 */
class MavenCommandsTest {

    @Test
    void ciRunsReadmesTestCommand() {
        List<String> commands = mavenCommands(Repository.root().resolve("README.md"));
        assertEquals("mvn -B verify", commands.get(0), "README's test command comes first");
        String ci = Repository.read(Repository.root().resolve(".ci/run"));
        assertTrue(ci.lines().anyMatch(line -> line.strip().equals("mvn -B verify")), ".ci/run runs " + commands.get(0));
    }

    @Test
    void theFuzzingCommandsNameModulesTestsAndPropertiesThatExist() {
        Path root = Repository.root();
        List<String> fuzzing = Repository.documents().stream().flatMap(d -> mavenCommands(d).stream())
                .filter(c -> c.contains("-Dfuzz.tries=")).toList();
        assertTrue(fuzzing.size() >= 2, "README shows how to fuzz longer: " + fuzzing);
        for (String command : fuzzing) {
            String modules = option(command, "-pl ");
            String test = option(command, "-Dtest=");
            boolean found = false;
            for (String module : modules.split(",")) {
                assertTrue(Files.isRegularFile(root.resolve(module).resolve("pom.xml")), command + ": module " + module);
                try (var files = Files.walk(root.resolve(module).resolve("src/test/java"))) {
                    List<Path> matches = files.filter(p -> p.getFileName().toString().equals(test + ".java")).toList();
                    for (Path match : matches) {
                        found = true;
                        String text = Repository.read(match);
                        assertTrue(text.contains("Fuzz.tries(") || text.contains("\"fuzz.tries\""),
                                command + ": " + test + " reads fuzz.tries");
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            assertTrue(found, command + ": no test class " + test + " in " + modules);
        }
    }

    /** Every {@code mvn} command in the document's non-console code blocks, continuation lines joined. */
    static List<String> mavenCommands(Path document) {
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        String info = "";
        StringBuilder pending = null;
        for (String line : Repository.read(document).lines().toList()) {
            if (line.strip().startsWith("```")) {
                inBlock = !inBlock;
                info = inBlock ? line.strip().substring(3) : "";
                continue;
            }
            if (!inBlock || info.equals("console")) {
                continue;
            }
            String text = line.strip();
            if (pending == null && text.startsWith("mvn ")) {
                pending = new StringBuilder();
            }
            if (pending != null) {
                pending.append(text.endsWith("\\") ? text.substring(0, text.length() - 1).strip() + " " : text);
                if (!text.endsWith("\\")) {
                    commands.add(pending.toString().replaceAll("\\s+", " "));
                    pending = null;
                }
            }
        }
        return commands;
    }

    private static String option(String command, String prefix) {
        int at = command.indexOf(prefix);
        assertTrue(at >= 0, command + " has " + prefix);
        int end = command.indexOf(' ', at + prefix.length());
        return command.substring(at + prefix.length(), end < 0 ? command.length() : end);
    }
}
