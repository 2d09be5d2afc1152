package org.tdxemu.scenarios.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.corpus.JsonTrees.Place;
import org.tdxemu.scenarios.corpus.MalformedInput.Bytes;
import org.tdxemu.scenarios.corpus.MalformedInput.Content;
import org.tdxemu.scenarios.corpus.RawInputs.RandomValue;
import org.tdxemu.scenarios.format.UserFile;

/**
 * Malformed scenario files and traces, made deterministically (every random choice comes from a
 * fixed seed) from the bundled scenarios, a scenario with every key, and a few traces. Every entry
 * is an input its reader must reject with one {@code ScenarioException} whose message is one line
 * naming the file and, when the entry has one, its {@link MalformedInput#field()}.
 *
 * <p>Write an entry with {@link MalformedInput#writeTo}; the corpus itself touches no disk.
 */
public final class MalformedCorpus {

    private static final long SEED = 0x7d3e_5eed_2f23_aebbL;
    private static final int MUTATIONS_PER_KIND = 2;
    private static final int RANDOM_BYTE_RUNS = 24;
    private static final int RANDOM_VALUES = 30;

    private MalformedCorpus() {
    }

    /** Malformed scenario files, each named {@code <family>-….json}. */
    public static List<MalformedInput> scenarios() {
        return new ScenarioCorpus().build();
    }

    /** Malformed traces (JSON Lines), each named {@code <family>-….jsonl}. */
    public static List<MalformedInput> traces() {
        return new TraceCorpus().build();
    }

    /** A random source for one purpose, the same on every run. */
    static Random random(String purpose) {
        return new Random(SEED ^ purpose.hashCode());
    }

    /** Collects the entries of one corpus, named with its file extension. */
    private abstract static class Corpus {
        final List<MalformedInput> entries = new ArrayList<>();
        final String extension;

        Corpus(String extension) {
            this.extension = extension;
        }

        void add(Family family, String defect, String label, Content content, Optional<String> field) {
            entries.add(new MalformedInput(family.slug() + "-" + label + extension, family, defect, content, field));
        }

        /** Inputs that are no document at all; {@code validText} is spoiled into other encodings. */
        void addNonDocuments(String validText) {
            List<byte[]> runs = RawInputs.randomBytes(random("random bytes" + extension), RANDOM_BYTE_RUNS);
            for (int i = 0; i < runs.size(); i++) {
                add(Family.RANDOM_BYTES, "random-bytes", String.format("%02d", i), new Bytes(runs.get(i)),
                        Optional.empty());
            }
            RawInputs.notUtf8(validText).forEach((defect, bytes) ->
                    add(Family.BINARY, defect, defect, new Bytes(bytes), Optional.empty()));
            add(Family.EMPTY, "empty", "file", new Bytes(new byte[0]), Optional.empty());
            RawInputs.whiteSpace().forEach((defect, text) ->
                    add(Family.WHITESPACE, defect, defect, Bytes.utf8(text), Optional.empty()));
            RawInputs.notFiles().forEach((defect, content) -> add(Family.FILES, defect, defect, content, Optional.empty()));
        }
    }

    private static final class ScenarioCorpus extends Corpus {
        ScenarioCorpus() {
            super(".json");
        }

        List<MalformedInput> build() {
            Map<String, String> sources = new LinkedHashMap<>();
            Library.names().forEach(name -> sources.put(name, Library.text(name)));
            sources.put("every-key", ScenarioFormat.EVERY_KEY);
            sources.forEach(this::addSyntax);
            JsonNode everyKey = JsonTrees.parse(ScenarioFormat.EVERY_KEY);
            for (FieldDamage.Damage d : FieldDamage.of(everyKey, ScenarioFormat.FIELDS)) {
                String field = d.place().toString();
                add(d.family(), d.defect(), field + "-" + d.defect(), scenario(d.document()), Optional.of(field));
            }
            for (ScenarioCases.Case c : ScenarioCases.all()) {
                add(c.family(), c.defect(), c.label(), scenario(c.apply(everyKey)), Optional.of(c.field()));
            }
            add(Family.NUMBERS, "too-long-integer", "platform.packages-too-long-integer", Bytes.utf8(
                    ScenarioFormat.EVERY_KEY.replace("\"packages\": 2", "\"packages\": " + "1".repeat(1001))),
                    Optional.empty());
            List<RandomValue> values = RawInputs.randomValues(random("random values"), RANDOM_VALUES);
            for (int i = 0; i < values.size(); i++) {
                add(Family.RANDOM_JSON, "random-value", String.format("%02d", i), Bytes.utf8(values.get(i).json()),
                        values.get(i).firstKey().map(UserFile::printable));
            }
            add(Family.RANDOM_JSON, "deep-nesting", "nested-2000-deep", Bytes.utf8("[".repeat(2000) + "]".repeat(2000)),
                    Optional.empty());
            add(Family.RANDOM_JSON, "deep-nesting", "nested-400-deep-in-a-field", scenario(JsonTrees.with(everyKey,
                    Place.of("description"), JsonTrees.raw("[".repeat(400) + "]".repeat(400)))), Optional.of("description"));
            addNonDocuments(ScenarioFormat.EVERY_KEY);
            add(Family.BINARY, "gzip", "gzip", RawInputs.gzip(ScenarioFormat.EVERY_KEY.getBytes(StandardCharsets.UTF_8)),
                    Optional.empty());
            return List.copyOf(entries);
        }

        private void addSyntax(String source, String text) {
            for (SyntaxDamage.Damage d : SyntaxDamage.truncations(text, random("truncations of " + source))) {
                add(Family.TRUNCATED, d.defect(), source + "-" + d.defect() + "-at-" + d.at(), Bytes.utf8(d.text()),
                        Optional.empty());
            }
            for (SyntaxDamage.Damage d : SyntaxDamage.mutations(text, random("mutations of " + source),
                    MUTATIONS_PER_KIND)) {
                add(Family.MUTATED, d.defect(), source + "-" + d.defect() + "-at-" + d.at(), Bytes.utf8(d.text()),
                        Optional.empty());
            }
        }

        private static Bytes scenario(JsonNode document) {
            return Bytes.utf8(JsonTrees.pretty(document));
        }
    }

    private static final class TraceCorpus extends Corpus {
        TraceCorpus() {
            super(".jsonl");
        }

        List<MalformedInput> build() {
            List<String> byHand = TraceFormat.BY_HAND;
            for (int line = 1; line <= byHand.size(); line++) {
                addSyntax("by-hand", byHand, line);
            }
            List<String> recorded = TraceFormat.recorded();
            for (int line : linesToDamage(recorded)) {
                addSyntax("recorded", recorded, line);
            }
            for (int line : TraceFormat.LINES_WITH_EVERY_FIELD) {
                JsonNode record = JsonTrees.parse(byHand.get(line - 1));
                for (FieldDamage.Damage d : FieldDamage.of(record, TraceFormat.FIELDS)) {
                    String field = "line " + line + ": " + d.place();
                    add(d.family(), d.defect(), "line-" + line + "-" + d.place() + "-" + d.defect(),
                            trace(replaced(byHand, line, JsonTrees.compact(d.document()))), Optional.of(field));
                }
            }
            for (TraceCases.Case c : TraceCases.all()) {
                add(c.family(), c.defect(), c.label(), trace(c.change().apply(byHand)), c.field());
            }
            List<RandomValue> values = RawInputs.randomValues(random("random records"), RANDOM_VALUES);
            for (int i = 0; i < values.size(); i++) {
                add(Family.RANDOM_JSON, "random-value", String.format("%02d", i),
                        trace(replaced(byHand, 1, values.get(i).json())),
                        Optional.of("line 1" + values.get(i).firstKey().map(k -> ": " + UserFile.printable(k)).orElse("")));
            }
            String text = String.join("\n", byHand) + "\n";
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            addNonDocuments(text);
            byte[] gzip = RawInputs.gzip(utf8).bytes();
            add(Family.BINARY, "gzip-cut-short", "gzip-cut-short",
                    new Bytes(Arrays.copyOf(gzip, gzip.length / 2)), Optional.empty());
            add(Family.BINARY, "gzip-of-latin-1", "gzip-of-latin-1",
                    RawInputs.gzip(RawInputs.notUtf8(text).get("latin-1")), Optional.empty());
            add(Family.BINARY, "gzip-magic-then-garbage", "gzip-magic-then-garbage",
                    new Bytes(RawInputs.concat(new byte[] {0x1f, (byte) 0x8b}, RawInputs.randomBytes(
                            random("gzip garbage"), 1).get(0))), Optional.empty());
            add(Family.BINARY, "gzip-then-garbage", "gzip-then-garbage",
                    new Bytes(RawInputs.concat(gzip, "garbage after the gzip stream".getBytes(StandardCharsets.UTF_8))),
                    Optional.empty());
            add(Family.EMPTY, "empty", "gzip-of-nothing", RawInputs.gzip(new byte[0]), Optional.empty());
            return List.copyOf(entries);
        }

        /** The lines of a recorded trace worth damaging: the platform, and the first of each kind of record after it. */
        private static List<Integer> linesToDamage(List<String> lines) {
            Map<String, Integer> firsts = new LinkedHashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String kind = lines.get(i).replaceFirst(".*?\"(write|leaf\":\"[A-Z.]+)\".*", "$1");
                firsts.putIfAbsent(kind, i + 1);
            }
            return List.copyOf(firsts.values());
        }

        private void addSyntax(String source, List<String> lines, int line) {
            String text = lines.get(line - 1);
            for (SyntaxDamage.Damage d : SyntaxDamage.truncations(text, random("truncations of " + source + line))) {
                List<String> cut = new ArrayList<>(lines.subList(0, line - 1));
                cut.add(d.text());
                add(Family.TRUNCATED, d.defect(), source + "-line-" + line + "-" + d.defect() + "-at-" + d.at(),
                        new Bytes(String.join("\n", cut).getBytes(StandardCharsets.UTF_8)), brokenLastLine(line));
            }
            boolean last = line == lines.size();
            List<String> upToNext = lines.subList(0, Math.min(line + 1, lines.size()));
            for (SyntaxDamage.Damage d : SyntaxDamage.mutations(text, random("mutations of " + source + line), 1)) {
                add(Family.MUTATED, d.defect(), source + "-line-" + line + "-" + d.defect() + "-at-" + d.at(),
                        trace(replaced(upToNext, line, d.text())),
                        last ? brokenLastLine(line) : Optional.of("line " + line));
            }
        }

        /**
         * Where the message about a last line that is not JSON points: at line 1 when it is the only
         * line; after that, the trace was most likely cut short, and the message says so first.
         */
        private static Optional<String> brokenLastLine(int line) {
            return line == 1 ? Optional.of("line 1") : Optional.of("the trace is cut short after line " + (line - 1)
                    + ": line " + line);
        }

        private static List<String> replaced(List<String> lines, int line, String text) {
            List<String> changed = new ArrayList<>(lines);
            changed.set(line - 1, text);
            return changed;
        }

        private static Bytes trace(List<String> lines) {
            return Bytes.utf8(String.join("\n", lines) + "\n");
        }
    }
}
