package org.tdxemu.scenarios.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command README.md and docs/ show is run, and prints what they show. In the Markdown:
 *
 * <ul>
 *   <li>a fenced block whose info string is {@code console} holds commands, each on a line
 *       starting with {@code $ ./tdxemu}, each followed by its exact output (standard output, then
 *       standard error); a line {@code ...} stands for any run of lines;</li>
 *   <li>a fenced block whose info string names a file ({@code jsonl file=probe.jsonl}) holds that
 *       file, written before the document's later commands run.</li>
 * </ul>
 *
 * Each document runs in a scratch folder of its own, through a fresh JVM, as {@code ./tdxemu}
 * would run it.
 */
class DocsCommandsTest {

    static final String ELLIPSIS = "...";

    @TempDir
    Path scratch;

    /** One command of a document and what the document says it prints. */
    record Command(Path document, int line, List<String> words, List<String> expected) {
        @Override
        public String toString() {
            return document.getFileName() + ":" + line + " $ " + String.join(" ", words);
        }
    }

    /** A file a document shows, to be written into its scratch folder. */
    record ShownFile(Path document, int line, String name, String text) {
    }

    @TestFactory
    Stream<DynamicNode> everyShownCommandPrintsWhatTheDocumentShows() {
        List<DynamicNode> documents = new ArrayList<>();
        for (Path document : Repository.documents()) {
            Path folder = scratch.resolve(document.getFileName().toString());
            List<DynamicNode> steps = new ArrayList<>();
            for (Object block : blocks(document)) {
                if (block instanceof ShownFile file) {
                    steps.add(DynamicTest.dynamicTest(document.getFileName() + ":" + file.line() + " writes " + file.name(),
                            () -> write(folder.resolve(file.name()), file.text())));
                } else if (block instanceof Command command) {
                    steps.add(DynamicTest.dynamicTest(command.toString(), () -> {
                        Files.createDirectories(folder);
                        List<String> actual = TdxemuProcess.run(folder, command.words().subList(1, command.words().size()));
                        assertMatches(command.expected(), actual, command.toString());
                    }));
                }
            }
            if (!steps.isEmpty()) {
                documents.add(DynamicContainer.dynamicContainer(Repository.root().relativize(document).toString(), steps));
            }
        }
        return documents.stream();
    }

    @Test
    void theReadmeShowsTheDefaultRunAndTheCommandsTestedHereExist() {
        List<String> commands = Repository.documents().stream().flatMap(d -> blocks(d).stream())
                .filter(Command.class::isInstance).map(b -> String.join(" ", ((Command) b).words())).toList();
        assertTrue(commands.contains("./tdxemu"), "README shows ./tdxemu with its output: " + commands);
    }

    /** The blocks a document shows, in order: {@link Command}s and {@link ShownFile}s. */
    static List<Object> blocks(Path document) {
        List<String> lines = Repository.read(document).lines().toList();
        List<Object> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.startsWith("```")) {
                continue;
            }
            String info = fence.substring(3).strip();
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            List<String> body = lines.subList(start, Math.min(end, lines.size()));
            if (info.equals("console")) {
                blocks.addAll(commands(document, start + 1, body));
            } else if (info.matches("\\S+ file=\\S+")) {
                blocks.add(new ShownFile(document, start, info.substring(info.indexOf("file=") + 5),
                        String.join("\n", body) + "\n"));
            }
            i = end;
        }
        return blocks;
    }

    private static List<Command> commands(Path document, int firstLine, List<String> body) {
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            String line = body.get(i);
            if (!line.startsWith("$ ")) {
                throw new AssertionError(document.getFileName() + ":" + (firstLine + i)
                        + ": a console block starts each command with \"$ \"");
            }
            List<String> words = ShellWords.split(line.substring(2));
            if (words.isEmpty() || !words.get(0).equals("./tdxemu")) {
                throw new AssertionError(document.getFileName() + ":" + (firstLine + i)
                        + ": console blocks show ./tdxemu commands, found: " + line);
            }
            int next = i + 1;
            while (next < body.size() && !body.get(next).startsWith("$ ")) {
                next++;
            }
            commands.add(new Command(document, firstLine + i, words, List.copyOf(body.subList(i + 1, next))));
            i = next - 1;
        }
        return commands;
    }

    /** Expected lines against actual ones, trailing blanks ignored; {@code ...} matches any run of lines. */
    static void assertMatches(List<String> expected, List<String> actual, String what) {
        if (!matches(expected, 0, actual, 0)) {
            assertEquals(String.join("\n", expected), String.join("\n", actual), what);
            throw new AssertionError(what + ": the output does not match around the elided lines\nexpected:\n"
                    + String.join("\n", expected) + "\nactual:\n" + String.join("\n", actual));
        }
    }

    private static boolean matches(List<String> expected, int e, List<String> actual, int a) {
        if (e == expected.size()) {
            return a == actual.size();
        }
        if (expected.get(e).strip().equals(ELLIPSIS)) {
            for (int skip = a; skip <= actual.size(); skip++) {
                if (matches(expected, e + 1, actual, skip)) {
                    return true;
                }
            }
            return false;
        }
        return a < actual.size() && expected.get(e).stripTrailing().equals(actual.get(a).stripTrailing())
                && matches(expected, e + 1, actual, a + 1);
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
