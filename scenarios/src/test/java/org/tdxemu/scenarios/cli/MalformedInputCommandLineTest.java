package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.cli.Cli.Result;
import org.tdxemu.scenarios.corpus.MalformedCorpus;
import org.tdxemu.scenarios.corpus.MalformedInput;
import org.tdxemu.scenarios.corpus.Rejections;

/**
 * Every subcommand fed the malformed-input corpus (scenario files and traces: truncated, mutated,
 * random, every numeric field out of range, every field of the wrong type, binary, empty, folders,
 * FIFOs, dangling symlinks) and generated bad arguments: each answer is exit status 2, nothing on
 * standard output, and one line on standard error naming the file (and the field, where the entry
 * has one), with no exception or stack frame anywhere.
 */
class MalformedInputCommandLineTest {

    @TempDir
    static Path directory;

    private static final List<Written> SCENARIOS = new ArrayList<>();
    private static final List<Written> TRACES = new ArrayList<>();

    private record Written(MalformedInput entry, Path file) {
    }

    @BeforeAll
    static void writeTheCorpus() throws IOException {
        Path scenarios = directory.resolve("scenarios");
        Path traces = directory.resolve("traces");
        java.nio.file.Files.createDirectories(scenarios);
        java.nio.file.Files.createDirectories(traces);
        for (MalformedInput entry : MalformedCorpus.scenarios()) {
            SCENARIOS.add(new Written(entry, entry.writeTo(scenarios)));
        }
        for (MalformedInput entry : MalformedCorpus.traces()) {
            TRACES.add(new Written(entry, entry.writeTo(traces)));
        }
    }

    @Test
    void runPlanAndFaultsRejectEveryMalformedScenarioInOneLine() {
        List<String> problems = new ArrayList<>();
        Path picture = directory.resolve("never-written.svg");
        Path report = directory.resolve("never-written.html");
        for (List<String> command : List.of(List.of("run"), List.of("plan"), List.of("faults"),
                List.of("plan", "--svg", picture.toString()), List.of("run", "--html", report.toString()))) {
            for (Written w : SCENARIOS) {
                List<String> args = new ArrayList<>(command);
                args.add(w.file().toString());
                Result r = tdxemu(args.toArray(String[]::new));
                check(String.join(" ", command), w, r, Optional.of(w.entry())).ifPresent(problems::add);
            }
        }
        assertEquals("", String.join("\n", problems));
        assertTrue(!java.nio.file.Files.exists(picture), "a bad scenario draws no picture");
        assertTrue(!java.nio.file.Files.exists(report), "a bad scenario writes no report");
        assertTrue(SCENARIOS.size() >= 2000, "corpus size " + SCENARIOS.size());
    }

    @Test
    void replayRejectsEveryMalformedTraceAndEveryScenarioFileInOneLine() {
        List<String> problems = new ArrayList<>();
        for (Written w : TRACES) {
            check("replay", w, tdxemu("replay", w.file().toString()), Optional.of(w.entry())).ifPresent(problems::add);
        }
        for (Written w : SCENARIOS) {
            check("replay", w, tdxemu("replay", w.file().toString()), Optional.empty()).ifPresent(problems::add);
        }
        assertEquals("", String.join("\n", problems));
        assertTrue(TRACES.size() >= 800, "corpus size " + TRACES.size());
    }

    @Test
    void importAndRunLogRejectEveryMalformedFileAsALogInOneLine() {
        List<String> problems = new ArrayList<>();
        List<Written> all = everyFile();
        for (Written w : all) {
            check("import", w, tdxemu("import", w.file().toString()), Optional.empty()).ifPresent(problems::add);
        }
        for (int i = 0; i < all.size(); i += 7) {
            Written w = all.get(i);
            check("run --log", w, tdxemu("run", "--log", w.file().toString()), Optional.empty()).ifPresent(problems::add);
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void aMultiFileRunReportsEveryBadFileAndRunsTheGoodOnes() {
        List<String> args = new ArrayList<>(List.of("run", "small-v7"));
        Random random = new Random(7);
        List<Written> picked = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            picked.add(SCENARIOS.get(random.nextInt(SCENARIOS.size())));
        }
        picked.forEach(w -> args.add(w.file().toString()));
        args.add("small-two-socket");
        Result r = tdxemu(args.toArray(String[]::new));
        assertEquals(2, r.status());
        assertEquals(picked.size(), r.errLines().size(), r.err());
        for (int i = 0; i < picked.size(); i++) {
            assertEquals(Optional.empty(), Rejections.problem(picked.get(i).entry(), picked.get(i).file(),
                    r.errLines().get(i)));
        }
        assertEquals("42 scenarios: 2 met, 40 bad input", r.lastLine());
        assertClean(r);
    }

    @Test
    void decodeRejectsEveryMalformedStatusInOneLineEachAndDecodesTheRest() {
        List<String> bad = new ArrayList<>(List.of("", " ", "0x", "0X", "x12", "0x-1", "0x1g", "0xC0000A12000501021",
                "0x10000000000000000", "-1", "1e3", "12", "C0000A1200050102", "TDX_PAMT_OVERLAPP", "TDX_", "0x12\n34",
                "tdx\tsuccess", "\u0000", "ＴＤＸ_SUCCESS", "0x１２"));
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            StringBuilder word = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int j = 0; j < length; j++) {
                word.append((char) (0x20 + random.nextInt(0x5f)));
            }
            String w = word.toString();
            if (!w.trim().matches("0[xX][0-9a-fA-F]{1,16}") && org.tdxemu.scenarios.format.ScenarioReader
                    .statusNamed(w).isEmpty() && !w.startsWith("-")) {
                bad.add(w);
            }
        }
        for (String word : bad) {
            Result r = tdxemu("decode", "0xC0000A1200050102", word, "TDX_SUCCESS");
            assertEquals(2, r.status(), word);
            assertEquals(List.of("0xC0000A1200050102 -> TDX_PAMT_OVERLAP, TDMR 2, 2M PAMT, against TDMR 5",
                    "TDX_SUCCESS = 0x0000000000000000: class 0x00 (generic / TD exit), no flag bits set; bits 31:0 "
                            + "name the operand; in the tables of TDX 1.0, 1.5.01, 1.5.05, 2.x"), r.lines(), word);
            assertEquals(1, r.errLines().size(), word + ": " + r.err());
            assertTrue(r.err().startsWith("decode: "), r.err());
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        }
        assertTrue(bad.size() > 150, "decode corpus size " + bad.size());
    }

    @Test
    void everyBadOptionValueIsOneLine() throws IOException {
        List<String[]> calls = new ArrayList<>();
        for (String threads : List.of("0", "-1", "1025", "2147483648", "x", "", "1.5")) {
            calls.add(new String[] {"faults", "--threads", threads, "small-v7"});
        }
        for (String profile : List.of("", "V7", "mainline ", "latest-ish", "\u0000")) {
            for (String command : List.of("run", "plan", "faults")) {
                calls.add(new String[] {command, "--kernel-profile", profile, "small-v7"});
            }
        }
        for (String planner : List.of("", "bogus", "Optimal", "kernel ", "optimal,kernel")) {
            for (String command : List.of("run", "plan", "faults")) {
                calls.add(new String[] {command, "--planner", planner, "small-v7"});
            }
        }
        for (String random : List.of("0", "-1", "1000001", "x", "", "1e3", "99999999999")) {
            calls.add(new String[] {"planners", "--random", random});
        }
        for (String threads : List.of("0", "-1", "1025", "x", "")) {
            calls.add(new String[] {"planners", "small-v7", "--threads", threads});
        }
        calls.add(new String[] {"planners", "--seed", "5"});
        calls.add(new String[] {"planners", "--random", "2", "--seed", "x"});
        calls.add(new String[] {"planners", "--random", "2", "--seed", ""});
        calls.add(new String[] {"planners", "no-such-layout"});
        calls.add(new String[] {"planners", "--svg", directory.resolve("p.svg").toString()});
        calls.add(new String[] {"planners", "small-v7", "--svg", directory.resolve("missing/p.svg").toString()});
        calls.add(new String[] {"planners", "small-v7", "--svg", directory.toString()});
        calls.add(new String[] {"planners", "small-v7", "--svg"});
        for (String version : List.of("", "1", "1.5.01", "2.0", "one")) {
            calls.add(new String[] {"run", "--module-version", version, "small-v7"});
            calls.add(new String[] {"replay", "--module-version", version, "x.jsonl"});
        }
        for (String command : List.of("run", "plan", "faults")) {
            calls.add(new String[] {command, "--dynamic-pamt", "module-1.0-mainline"});
            calls.add(new String[] {command, "--module-version", "1.0", "--dynamic-pamt", "small-dpamt"});
            calls.add(new String[] {command, "--dynamic-pamt=maybe", "small-v7"});
        }
        calls.add(new String[] {"replay", "--no-dynamic-pamt=yes", "x.jsonl"});
        for (String shard : List.of("0/2", "3/2", "x", "1/0", "", "1/", "/2", "-1/2", "1/2/3", "1.5/2", "2147483648/2")) {
            calls.add(new String[] {"faults", "--shard", shard, "small-v7"});
        }
        String firstOfTwo = shard("small-v7", "1/2");
        String secondOfTwo = shard("small-v7", "2/2");
        Path notAShard = directory.resolve("small-v7.json");
        java.nio.file.Files.writeString(notAShard, org.tdxemu.scenarios.Library.text("small-v7"));
        calls.add(new String[] {"faults-merge", notAShard.toString()});
        calls.add(new String[] {"faults-merge", firstOfTwo, notAShard.toString(), secondOfTwo});
        calls.add(new String[] {"faults-merge", firstOfTwo});
        calls.add(new String[] {"faults-merge", secondOfTwo, firstOfTwo, secondOfTwo});
        calls.add(new String[] {"faults-merge", firstOfTwo, shard("small-two-socket", "2/2")});
        calls.add(new String[] {"faults-merge", firstOfTwo, shard("small-v7", "2/3")});
        calls.add(new String[] {"faults-merge", directory.resolve("no-such-shard.json").toString()});
        calls.add(new String[] {"faults-merge"});
        calls.add(new String[] {"faults", "small-v7", "--shard", "1/2", "--html", directory.resolve("s.html").toString()});
        calls.add(new String[] {"faults-merge", firstOfTwo, secondOfTwo, "--html",
                directory.resolve("missing/m.html").toString()});
        calls.add(new String[] {"faults-merge", firstOfTwo, secondOfTwo, "--html", directory.toString()});
        Path folder = directory.resolve("a-folder");
        calls.add(new String[] {"run", "small-v7", "--trace", directory.resolve("missing/t.jsonl").toString()});
        calls.add(new String[] {"run", "small-v7", "--trace", directory.toString()});
        calls.add(new String[] {"run", "small-v7", "--trace", "/dev/null/t.jsonl"});
        calls.add(new String[] {"plan", "small-v7", "--svg", directory.resolve("missing/p.svg").toString()});
        calls.add(new String[] {"plan", "small-v7", "--svg", directory.toString()});
        calls.add(new String[] {"plan", "small-v7", "--svg", "/dev/null/p.svg"});
        calls.add(new String[] {"plan", "small-v7", "--svg"});
        calls.add(new String[] {"run", "small-v7", "--svg", directory.resolve("missing/r.svg").toString()});
        calls.add(new String[] {"run", "small-v7", "--html", directory.resolve("missing/r.html").toString()});
        calls.add(new String[] {"run", "small-v7", "--html", directory.toString()});
        calls.add(new String[] {"run", "small-v7", "small-v7", "--html", directory.resolve("r.html").toString()});
        calls.add(new String[] {"faults", "small-v7", "--html", directory.resolve("missing/f.html").toString()});
        calls.add(new String[] {"faults", "small-v7", "--html", "/dev/null/f.html"});
        calls.add(new String[] {"run", "--bogus", "small-v7"});
        calls.add(new String[] {"plan"});
        calls.add(new String[] {"plan", "a", "b"});
        calls.add(new String[] {"replay"});
        calls.add(new String[] {"decode"});
        calls.add(new String[] {"scenarios", "--show"});
        calls.add(new String[] {"scenarios", "--show", "nope"});
        calls.add(new String[] {"frobnicate"});
        calls.add(new String[] {"import"});
        calls.add(new String[] {"import", "a.log", "b.log"});
        calls.add(new String[] {"import", "-o"});
        calls.add(new String[] {"run", "--log"});
        calls.add(new String[] {"run", "--log", "a.log", "small-v7"});
        calls.add(new String[] {"run", "--log", "a.log", "--trace", "t.jsonl"});
        calls.add(new String[] {"run", "--holes", "cmrs2", "small-v7"});
        calls.add(new String[] {"run", "--holes", "cmr", "small-v7"});
        calls.add(new String[] {"run", "--holes", "cmr", "--kernel-profile", "v7", "small-two-socket"});
        calls.add(new String[] {"run", "no\u0000such"});
        calls.add(new String[] {"replay", folder.toString()});
        for (String[] call : calls) {
            Result r = tdxemu(call);
            String what = String.join(" ", call);
            assertEquals(2, r.status(), what + "\n" + r.out() + r.err());
            assertEquals("", r.out(), what);
            assertEquals(1, r.errLines().size(), what + ": " + r.err());
            assertClean(r);
        }
    }

    /** The malformed scenarios, then the malformed traces. */
    private static List<Written> everyFile() {
        List<Written> all = new ArrayList<>(SCENARIOS);
        all.addAll(TRACES);
        return all;
    }

    /** The file of one shard of {@code scenario}'s campaign, as faults --shard writes it. */
    private static String shard(String scenario, String shard) throws IOException {
        Result r = tdxemu("faults", scenario, "--shard", shard);
        assertEquals(0, r.status(), r.err());
        Path file = directory.resolve(scenario + "-shard-" + shard.replace('/', '-') + ".json");
        java.nio.file.Files.writeString(file, r.out());
        return file.toString();
    }

    @Test
    void faultsMergeRejectsMalformedFilesInOneLine() {
        List<String> problems = new ArrayList<>();
        List<Written> all = everyFile();
        // A third of the corpus, every family in it: each file is bad JSON or JSON that is no shard.
        for (int i = 0; i < all.size(); i += 3) {
            Written w = all.get(i);
            check("faults-merge", w, tdxemu("faults-merge", w.file().toString()), Optional.empty()).ifPresent(problems::add);
        }
        assertEquals("", String.join("\n", problems));
    }

    private static Optional<String> check(String command, Written w, Result r, Optional<MalformedInput> named) {
        String what = command + " " + w.entry().name();
        if (r.status() != 2) {
            return Optional.of(what + ": exit " + r.status() + ": " + r.out() + r.err());
        }
        if (!r.out().isEmpty()) {
            return Optional.of(what + ": printed on standard output: " + r.out());
        }
        if (r.err().contains("Exception") || r.err().contains("\tat ")) {
            return Optional.of(what + ": " + r.err());
        }
        if (r.errLines().size() != 1) {
            return Optional.of(what + ": " + r.errLines().size() + " lines: " + r.err());
        }
        if (named.isPresent()) {
            return Rejections.problem(named.get(), w.file(), r.errLines().get(0)).map(p -> command + " " + p);
        }
        return r.err().startsWith(w.file() + ": ") ? Optional.empty()
                : Optional.of(what + ": does not name the file: " + r.err());
    }

    private static void assertClean(Result r) {
        assertTrue(!(r.out() + r.err()).contains("Exception") && !(r.out() + r.err()).contains("\tat "), r.out() + r.err());
    }
}
