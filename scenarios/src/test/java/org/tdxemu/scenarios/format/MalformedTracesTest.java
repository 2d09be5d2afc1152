package org.tdxemu.scenarios.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.corpus.MalformedCorpus;
import org.tdxemu.scenarios.corpus.MalformedInput;
import org.tdxemu.scenarios.corpus.Rejections;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.scenarios.trace.TraceReader;

/** Every malformed trace of the corpus is one message naming the file and the line, never a crash. */
class MalformedTracesTest {

    /**
     * Entries the trace reader does not reject as it must yet, with how it goes wrong instead. The
     * fixes belong to TraceReader and UserFile; each entry must go wrong exactly so until then, so
     * that the fix fails this test and strikes its entry from here.
     */
    @Test
    void theReaderRejectsEveryEntryInOneLineNamingTheFileAndTheLine(@TempDir Path directory) throws IOException {
        Map<String, String> problems = new TreeMap<>();
        for (MalformedInput entry : MalformedCorpus.traces()) {
            Path file = entry.writeTo(directory);
            Rejections.problem(entry, file, () -> readWhole(file))
                    .ifPresent(problem -> problems.put(entry.name(), problem.substring(entry.name().length() + 2)));
        }
        assertEquals(Map.of(), problems);
    }

    /** Reads every record of a trace file, as {@code tdxemu replay} opens and reads one. */
    private static void readWhole(Path file) {
        BufferedReader lines = UserFile.lines(file);
        try (lines) {
            TraceReader reader = new TraceReader(lines);
            while (reader.hasNext()) {
                reader.next();
            }
        } catch (ScenarioException e) {
            throw e.inFile(file.toString());
        } catch (IOException e) {
            throw new ScenarioException(file + ": " + UserFile.reason(e));
        }
    }
}
