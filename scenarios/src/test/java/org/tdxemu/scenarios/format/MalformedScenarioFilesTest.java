package org.tdxemu.scenarios.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.corpus.MalformedCorpus;
import org.tdxemu.scenarios.corpus.MalformedInput;
import org.tdxemu.scenarios.corpus.Rejections;

/** Every malformed scenario file of the corpus is one message naming the file and the field, never a crash. */
class MalformedScenarioFilesTest {

    @Test
    void theReaderRejectsEveryEntryInOneLineNamingTheFileAndTheField(@TempDir Path directory) throws IOException {
        List<String> problems = new ArrayList<>();
        for (MalformedInput entry : MalformedCorpus.scenarios()) {
            Path file = entry.writeTo(directory);
            Rejections.problem(entry, file, () -> ScenarioReader.read(file)).ifPresent(problems::add);
        }
        assertEquals("", String.join("\n", problems));
    }
}
