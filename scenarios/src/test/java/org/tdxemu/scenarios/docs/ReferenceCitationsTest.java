package org.tdxemu.scenarios.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.MalformedInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The project stands alone: every section of the reference documents that code or docs cite
 * ({@code module-abi.md §4.4}, {@code kernel-init.md §1.3}) exists in docs/reference, and nothing
 * points outside the repository to a folder a user's clone does not have.
 */
class ReferenceCitationsTest {

    private static final Pattern CITATION = Pattern.compile("(module-abi|kernel-init|dynamic-pamt)(?:\\.md)? ?§(\\d+(?:\\.\\d+)?)");
    private static final Pattern HEADING = Pattern.compile("^#{2,4} (\\d+(?:\\.\\d+)?)\\.? ", Pattern.MULTILINE);

    @Test
    void everyCitedSectionOfTheReferenceDocumentsExists() {
        Path root = Repository.root();
        List<String> missing = new ArrayList<>();
        Set<String> cited = new TreeSet<>();
        for (Path file : Repository.sourcesAndDocs()) {
            String text = text(file);
            Matcher m = CITATION.matcher(text);
            while (m.find()) {
                String document = m.group(1) + ".md";
                cited.add(document + " §" + m.group(2));
                if (!headings(root.resolve("docs/reference").resolve(document)).contains(m.group(2))) {
                    missing.add(root.relativize(file) + " cites " + document + " §" + m.group(2));
                }
            }
        }
        assertEquals(List.of(), missing);
        assertTrue(cited.size() >= 40, "the scan found the citations: " + cited);
    }

    @Test
    void nothingReadsOrCitesAFolderBesideTheCheckout() {
        List<String> outside = new ArrayList<>();
        for (Path file : Repository.sourcesAndDocs()) {
            String text = text(file);
            if (text.contains("../" + "shared") || text.contains("resolve(\"" + "shared\")")) {
                outside.add(Repository.root().relativize(file).toString());
            }
        }
        assertEquals(List.of(), outside);
    }

    private static Set<String> headings(Path document) {
        Set<String> numbers = new HashSet<>();
        if (!document.toFile().isFile()) {
            return numbers;
        }
        Matcher m = HEADING.matcher(Repository.read(document));
        while (m.find()) {
            numbers.add(m.group(1));
        }
        return numbers;
    }

    /** A text file's contents; binary files (none cite anything) read as empty. */
    private static String text(Path file) {
        try {
            return Repository.read(file);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof MalformedInputException) {
                return "";
            }
            throw e;
        }
    }
}
