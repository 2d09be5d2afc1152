package org.tdxemu.scenarios.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tdxemu.scenarios.cli.Tdxemu;

/** {@code run --trace} and {@code replay} end to end: the lines they print and the statuses they exit with. */
class ReplayCommandLineTest {

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private static Result tdxemu(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Tdxemu.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    /** A trace of {@code scenario} recorded into {@code name}. */
    private Path recorded(String scenario, String name) {
        Path trace = dir.resolve(name);
        Result run = tdxemu("run", "--trace", trace.toString(), scenario);
        assertEquals(0, run.status(), run.err());
        return trace;
    }

    private static void assertBadInput(String line, Result result) {
        assertEquals(2, result.status(), result.out());
        assertEquals("", result.out());
        assertEquals(line + "\n", result.err());
    }

    @ParameterizedTest
    @CsvSource({"small-v7, 1033", "keygen-fails-package-1, 80"})
    void recordedTracesOfBundledScenariosReplayPlainAndGzipped(String scenario, long seamcalls) throws IOException {
        Path plain = recorded(scenario, scenario + ".jsonl");
        Path gzipped = recorded(scenario, scenario + ".jsonl.gz");
        byte[] compressed = Files.readAllBytes(gzipped);
        assertEquals(0x1f, compressed[0] & 0xff, "a .gz trace is written gzip-compressed");
        assertEquals(0x8b, compressed[1] & 0xff, "a .gz trace is written gzip-compressed");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipped))) {
            assertArrayEquals(Files.readAllBytes(plain), in.readAllBytes(), "the same trace, compressed");
        }
        List<String> lines = Files.readAllLines(plain);
        assertEquals("{\"type\":\"end\",\"seamcalls\":" + seamcalls + "}", lines.get(lines.size() - 1));
        for (Path trace : List.of(plain, gzipped)) {
            Result replay = tdxemu("replay", trace.toString());
            assertEquals(0, replay.status(), replay.err());
            assertEquals(trace + ": " + seamcalls + " SEAMCALLs replayed against module 1.5, every status and listed "
                    + "output matched\n", replay.out());
        }
    }

    @Test
    void theVersionAskedForIsTheOneNamed() {
        Path trace = recorded("small-v7", "small-v7.jsonl");
        Result replay = tdxemu("replay", "--module-version", "1.0", trace.toString());
        assertEquals(0, replay.status(), replay.err());
        assertEquals(trace + ": 1033 SEAMCALLs replayed against module 1.0, every status and listed output matched\n",
                replay.out());
    }

    @Test
    void aGzipTraceCutInTheMiddleIsBadInput() throws IOException {
        Path whole = recorded("small-v7", "small-v7.jsonl.gz");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.jsonl.gz"), Arrays.copyOf(bytes, bytes.length / 2));
        Result replay = tdxemu("replay", cut.toString());
        assertEquals(2, replay.status(), replay.out());
        assertEquals("", replay.out());
        assertEquals(cut + ": not a complete gzip file (it is cut short)\n", replay.err());
    }

    @Test
    void aGzipTraceWhoseChecksumIsWrongIsBadInput() throws IOException {
        Path whole = recorded("small-v7", "small-v7.jsonl.gz");
        byte[] bytes = Files.readAllBytes(whole);
        bytes[bytes.length - 8] ^= 1;
        Path corrupt = Files.write(dir.resolve("corrupt.jsonl.gz"), bytes);
        assertBadInput(corrupt + ": not a complete gzip file (Gzip-compressed data is corrupt (CRC32 error))",
                tdxemu("replay", corrupt.toString()));
        Path junk = Files.write(dir.resolve("junk.jsonl.gz"), concat(Files.readAllBytes(whole), "junk".getBytes()));
        assertBadInput(junk + ": not a complete gzip file (Unexpected data after a valid .gz stream)",
                tdxemu("replay", junk.toString()));
    }

    @Test
    void aTraceCutInTheMiddleOfALineIsBadInput() throws IOException {
        String whole = Files.readString(recorded("small-v7", "small-v7.jsonl"));
        int cutAt = whole.lastIndexOf("\"status\":\"0x") + "\"status\":\"0".length();
        Path cut = Files.writeString(dir.resolve("cut.jsonl"), whole.substring(0, cutAt));
        List<String> lines = Files.readAllLines(cut);
        assertBadInput(cut + ": the trace is cut short after line " + (lines.size() - 1) + ": line " + lines.size()
                + ": not valid JSON at column " + (lines.get(lines.size() - 1).length() + 1)
                + ": Unexpected end-of-input: was expecting closing quote for a string value",
                tdxemu("replay", cut.toString()));
    }

    @Test
    void aTraceWithoutItsEndRecordIsBadInputEvenAfterADivergence() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(recorded("small-v7", "small-v7.jsonl")));
        lines.remove(lines.size() - 1);
        Path cut = Files.write(dir.resolve("cut.jsonl"), lines);
        String message = cut + ": the trace is cut short after line " + lines.size()
                + ": a trace ends with {\"type\":\"end\",\"seamcalls\":N}";
        assertBadInput(message, tdxemu("replay", cut.toString()));
        assertBadInput(message, tdxemu("replay", "--module-version", "1.0", cut.toString()));
    }

    @Test
    void anEndRecordThatMiscountsOrIsFollowedIsBadInput() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(recorded("small-v7", "small-v7.jsonl")));
        int end = lines.size();
        lines.set(end - 1, "{\"type\":\"end\",\"seamcalls\":1034}");
        Path miscounted = Files.write(dir.resolve("miscounted.jsonl"), lines);
        assertBadInput(miscounted + ": line " + end + ": seamcalls: 1034, but the trace has 1033 seamcall records",
                tdxemu("replay", miscounted.toString()));

        lines.set(end - 1, "{\"type\":\"end\",\"seamcalls\":1033}");
        lines.add(lines.get(1));
        Path followed = Files.write(dir.resolve("followed.jsonl"), lines);
        assertBadInput(followed + ": line " + (end + 1) + ": nothing may follow the end record (line " + end + ")",
                tdxemu("replay", followed.toString()));
    }

    @Test
    void aLeafNameThatDisagreesWithRaxIsBadInput() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(recorded("small-v7", "small-v7.jsonl")));
        int init = 0;
        while (!lines.get(init).startsWith("{\"type\":\"seamcall\"")) {
            init++;
        }
        assertEquals("{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"TDH.SYS.INIT\",\"rax\":\"0x21\",\"in\":{},"
                + "\"status\":\"0x0\",\"out\":{}}", lines.get(init));
        lines.set(init, lines.get(init).replace("TDH.SYS.INIT", "TDH.SYS.CONFIG"));
        Path mislabelled = Files.write(dir.resolve("mislabelled.jsonl"), lines);
        assertBadInput(mislabelled + ": line " + (init + 1) + ": leaf: \"TDH.SYS.CONFIG\" but rax 0x21 is TDH.SYS.INIT",
                tdxemu("replay", mislabelled.toString()));
    }

    /**
     * dynamic-pamt.md §2: a module without Dynamic PAMT reports no bit 36 and no bitmap field, and
     * refuses R8 bit 16 with TDX_OPERAND_INVALID + R8, after which nothing else can succeed.
     */
    @Test
    void aDynamicPamtTraceAgainstAModuleWithoutItDivergesAtConfigWithOperandInvalidR8() throws IOException {
        Path trace = recorded("small-dpamt", "small-dpamt.jsonl");
        assertEquals("{\"type\":\"platform\",\"platform\":{\"packages\":2,\"cpusPerPackage\":2,\"cmrs\":"
                + "[[\"0x100000\",\"0x80000000\"],[\"4G\",\"6G\"]]},\"module\":{\"dynamicPamt\":true}}",
                Files.readAllLines(trace).get(0));
        assertEquals(new Result(0, trace + ": 337 SEAMCALLs replayed against module 1.5 with Dynamic PAMT, every status "
                + "and listed output matched\n", ""), tdxemu("replay", trace.toString()));

        Result without = tdxemu("replay", "--no-dynamic-pamt", "--keep-going", trace.toString());
        assertEquals(1, without.status(), without.err());
        List<String> lines = without.out().lines().toList();
        assertEquals(262, lines.size() - 1);
        assertEquals(List.of(
                trace + ": call 9 (line 10), TDH.SYS.RD on CPU 0, replayed against module 1.5: r8 0x1f0ebf, the trace "
                        + "says 0x10001f0ebf",
                trace + ": call 14 (line 15), TDH.SYS.RD on CPU 0, replayed against module 1.5: rdx 0x9800000100000000, "
                        + "the trace says 0x9100000000000013",
                trace + ": call 78 (line 79), TDH.SYS.RD on CPU 0, replayed against module 1.5: status 0xc0000c0000000000 "
                        + "(TDX_METADATA_FIELD_ID_INCORRECT), the trace says 0x0 (TDX_SUCCESS); rdx 0xffffffffffffffff, "
                        + "the trace says 0x9100000000000014; r8 0x0, the trace says 0x1",
                trace + ": call 79 (line 94), TDH.SYS.CONFIG on CPU 0, replayed against module 1.5: status "
                        + "0xc000010000000008 (TDX_OPERAND_INVALID, operand 0x8 (R8)), the trace says 0x0 (TDX_SUCCESS)",
                trace + ": call 80 (line 96), TDH.SYS.KEY.CONFIG on CPU 0, replayed against module 1.5: status "
                        + "0xc000050700000000 (TDX_SYS_KEY_CONFIG_NOT_PENDING), the trace says 0x0 (TDX_SUCCESS)"),
                lines.subList(0, 5));
        assertEquals(trace + ": 262 of 337 SEAMCALLs differed when replayed against module 1.5", lines.get(262));

        Result older = tdxemu("replay", "--module-version", "1.0", trace.toString());
        assertEquals(trace + ": call 6 (line 7), TDH.SYS.RD on CPU 0, replayed against module 1.0: status "
                + "0xc000050500000000 (TDX_SYS_NOT_READY), the trace says 0x0 (TDX_SUCCESS); rdx 0x800000100000003, the trace "
                + "says 0x800000100000004; r8 0x0, the trace says 0x5\n", older.out(), "1.0 has neither RD nor Dynamic PAMT");
        assertBadInput("--dynamic-pamt: module 1.0 has no Dynamic PAMT; it needs version 1.5",
                tdxemu("replay", "--module-version", "1.0", "--dynamic-pamt", trace.toString()));
    }

    @Test
    void keepGoingListsEveryDivergenceThenCountsThem() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(recorded("small-v7", "small-v7.jsonl")));
        List<Integer> tampered = new ArrayList<>();
        for (int i = 0; i < lines.size() && tampered.size() < 3; i++) {
            String line = lines.get(i);
            if (line.contains("\"leaf\":\"TDH.SYS.TDMR.INIT\"") && line.contains("\"status\":\"0x0\"")) {
                lines.set(i, line.replace("\"status\":\"0x0\"", "\"status\":\"TDX_INTERRUPTED_RESUMABLE\""));
                tampered.add(i + 1);
            }
        }
        Path trace = Files.write(dir.resolve("tampered.jsonl"), lines);
        List<String> divergences = new ArrayList<>();
        for (int line : tampered) {
            long call = lines.subList(0, line).stream().filter(l -> l.startsWith("{\"type\":\"seamcall\"")).count();
            divergences.add(trace + ": call " + call + " (line " + line + "), TDH.SYS.TDMR.INIT on CPU 0, replayed "
                    + "against module 1.5: status 0x0 (TDX_SUCCESS), the trace says 0x8000000300000000 "
                    + "(TDX_INTERRUPTED_RESUMABLE)");
        }

        Result all = tdxemu("replay", "--keep-going", trace.toString());
        assertEquals(1, all.status(), all.err());
        assertEquals(String.join("\n", divergences) + "\n" + trace
                + ": 3 of 1033 SEAMCALLs differed when replayed against module 1.5\n", all.out());

        Result first = tdxemu("replay", trace.toString());
        assertEquals(1, first.status(), first.err());
        assertEquals(divergences.get(0) + "\n", first.out());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
