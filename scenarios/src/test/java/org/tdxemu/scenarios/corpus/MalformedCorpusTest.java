package org.tdxemu.scenarios.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.corpus.JsonTrees.Node;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.trace.TraceReplayer;

/** The corpus itself: the same on every run, sound sources, names that make good file names. */
class MalformedCorpusTest {

    @Test
    void theCorpusIsTheSameOnEveryRun() {
        assertEquals(MalformedCorpus.scenarios(), MalformedCorpus.scenarios());
        assertEquals(MalformedCorpus.traces(), MalformedCorpus.traces());
    }

    @Test
    void namesAreUniqueFileNames() {
        for (List<MalformedInput> corpus : List.of(MalformedCorpus.scenarios(), MalformedCorpus.traces())) {
            Set<String> names = new HashSet<>();
            for (MalformedInput entry : corpus) {
                assertTrue(names.add(entry.name()), "twice: " + entry.name());
                assertTrue(entry.name().startsWith(entry.family().slug() + "-"), entry.name());
                assertTrue(entry.name().chars().noneMatch(c -> c == '/' || c < ' ' || c > '~'), entry.name());
            }
        }
    }

    @Test
    void everyFamilyHasEntries() {
        Map<Family, Long> scenarios = sizes(MalformedCorpus.scenarios());
        Map<Family, Long> traces = sizes(MalformedCorpus.traces());
        System.out.println("scenario corpus: " + MalformedCorpus.scenarios().size() + " " + scenarios);
        System.out.println("trace corpus: " + MalformedCorpus.traces().size() + " " + traces);
        for (Family family : Family.values()) {
            assertTrue(scenarios.getOrDefault(family, 0L) > 0, "scenarios: " + family);
            assertTrue(traces.getOrDefault(family, 0L) > 0, "traces: " + family);
        }
    }

    @Test
    void theEveryKeyScenarioIsValidAndHasEveryFieldOfTheFormat() {
        ScenarioReader.parse(ScenarioFormat.EVERY_KEY);
        Set<String> present = JsonTrees.walk(JsonTrees.parse(ScenarioFormat.EVERY_KEY)).stream()
                .map(node -> node.place().pattern()).collect(Collectors.toSet());
        Set<String> absent = new TreeMap<>(ScenarioFormat.FIELDS).keySet().stream()
                .filter(field -> !present.contains(field) && !field.startsWith("faults[].out."))
                .collect(Collectors.toSet());
        assertEquals(Set.of(), absent);
    }

    @Test
    void theHandWrittenTraceReplaysWithEveryCallMatching() {
        TraceReplayer.Result result = TraceReplayer.replay(new BufferedReader(new StringReader(
                String.join("\n", TraceFormat.BY_HAND))), Optional.empty(), true);
        assertEquals(List.of(), result.divergences());
        assertEquals(5, result.calls());
    }

    @Test
    void theHandWrittenTraceHasEveryFieldOfARecordInTheLinesDamagedFieldByField() {
        Set<String> present = TraceFormat.LINES_WITH_EVERY_FIELD.stream()
                .flatMap(line -> JsonTrees.walk(JsonTrees.parse(TraceFormat.BY_HAND.get(line - 1))).stream())
                .map(Node::place).map(JsonTrees.Place::pattern).collect(Collectors.toSet());
        for (String field : List.of("type", "platform", "module", "pa", "hex", "cpu", "leaf", "rax", "in", "status",
                "out", "seamcalls")) {
            assertTrue(present.contains(field), field);
        }
    }

    private static Map<Family, Long> sizes(List<MalformedInput> corpus) {
        return corpus.stream().collect(Collectors.groupingBy(MalformedInput::family, () -> new EnumMap<>(Family.class),
                Collectors.counting()));
    }
}
