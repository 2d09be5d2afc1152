package org.tdxemu.scenarios.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The checkout the tests run in: its root, its documents and its sources. Nothing outside it. */
final class Repository {

    private Repository() {
    }

    /** The repository root: the parent of the scenarios module, where surefire runs. */
    static Path root() {
        Path module = Path.of("").toAbsolutePath();
        Path root = module.getParent();
        if (root == null || !Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("docs"))) {
            throw new IllegalStateException("tests run in the scenarios module of a checkout; " + module + " is not one");
        }
        return root;
    }

    /** README.md and every Markdown file under docs/, sorted. */
    static List<Path> documents() {
        Path root = root();
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            return Stream.concat(Stream.of(root.resolve("README.md")),
                    docs.filter(p -> p.toString().endsWith(".md")).sorted()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under a module's src/ and docs/, and the top-level Markdown. */
    static List<Path> sourcesAndDocs() {
        Path root = root();
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> {
                        String relative = root.relativize(p).toString().replace('\\', '/');
                        return relative.contains("/src/") && !relative.contains("/target/") || relative.startsWith("docs/")
                                || relative.equals("README.md") || relative.startsWith("benchmarks/README.md");
                    })
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
