package org.tdxemu.scenarios.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.tdxemu.scenarios.format.JsonValue;
import org.tdxemu.scenarios.format.JsonValue.JsonObject;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.output.TextReports;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.register.Gpr;

/**
 * Reads a trace file line by line (DESIGN.md, "Trace format"), so a trace of millions of calls is
 * never held whole. The first line must be the platform and the last the end record, whose count
 * must be the number of SEAMCALL records; every problem names its line. A reader that runs out
 * without throwing has read a whole trace.
 */
public final class TraceReader implements Iterator<TraceRecord> {

    private static final Pattern HEX_DIGITS = Pattern.compile("[0-9a-fA-F]*");

    private static final String[] INPUT_REGISTERS = Arrays.stream(Gpr.values()).filter(r -> r != Gpr.RAX)
            .map(Gpr::lowerCaseName).toArray(String[]::new);
    private static final Map<String, Gpr> REGISTERS_BY_NAME = Arrays.stream(Gpr.values())
            .collect(Collectors.toUnmodifiableMap(Gpr::lowerCaseName, r -> r));

    private final BufferedReader in;
    /** Whether SEAMCALL records written as the recorder writes them skip the JSON tree. */
    private final boolean canonical;
    /** The line last read, blank or not. */
    private int lineNumber;
    /** The line of the last record read, 0 before the first. */
    private int lastRecordLine;
    private long seamcalls;
    private TraceRecord.End end;
    private TraceRecord next;
    private boolean finished;
    private PlatformSpec platform;

    public TraceReader(BufferedReader in) {
        this(in, true);
    }

    /** A reader that reads every line as general JSON when {@code canonical} is false: for tests. */
    TraceReader(BufferedReader in, boolean canonical) {
        this.in = in;
        this.canonical = canonical;
        this.next = read();
        if (!(next instanceof TraceRecord.PlatformLine)) {
            throw new ScenarioException("line 1: a trace starts with {\"type\":\"platform\", ...}");
        }
    }

    /** Reads on only when asked, so that a record's own problems are found before what follows it. */
    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            next = read();
            finished = next == null;
        }
        return next != null;
    }

    @Override
    public TraceRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        TraceRecord current = next;
        next = null;
        return current;
    }

    private TraceRecord read() {
        String text = nonBlankLine();
        if (text == null) {
            if (lastRecordLine == 0) {
                throw new ScenarioException("the trace is empty");
            }
            if (end == null) {
                throw cutShort("a trace ends with {\"type\":\"end\",\"seamcalls\":N}");
            }
            return null;
        }
        if (end != null) {
            throw new ScenarioException("line " + lineNumber + ": nothing may follow the end record (line " + end.line()
                    + ")");
        }
        TraceRecord.Call call = canonical ? canonicalCall(text) : null;
        if (call != null) {
            seamcalls++;
            lastRecordLine = lineNumber;
            return call;
        }
        JsonNode tree;
        try {
            tree = ScenarioReader.lineTree(text);
        } catch (ScenarioException e) {
            String problem = "line " + lineNumber + ": " + e.getMessage();
            // A trace whose last line is not JSON was most likely cut in the middle of that line.
            if (lastRecordLine > 0 && nonBlankLine() == null) {
                throw cutShort(problem);
            }
            throw new ScenarioException(problem);
        }
        try {
            TraceRecord record = record(JsonValue.root(tree, "a trace record"));
            lastRecordLine = lineNumber;
            return record;
        } catch (ScenarioException e) {
            throw new ScenarioException("line " + lineNumber + ": " + e.getMessage());
        }
    }

    /** The next line that is not blank, or null at the end of the file. */
    private String nonBlankLine() {
        try {
            String text;
            do {
                text = in.readLine();
                lineNumber++;
            } while (text != null && text.isBlank());
            return text;
        } catch (IOException e) {
            throw new ScenarioException(e instanceof UserFile.DamagedGzip ? UserFile.reason(e)
                    : "line " + (lineNumber + 1) + ": " + UserFile.reason(e));
        }
    }

    private ScenarioException cutShort(String problem) {
        return new ScenarioException("the trace is cut short after line " + lastRecordLine + ": " + problem);
    }

    private TraceRecord record(JsonValue value) {
        JsonObject o = value.object("type", "platform", "module", "pa", "hex", "cpu", "leaf", "rax", "in", "status",
                "out", "seamcalls");
        String type = o.required("type").string();
        return switch (type) {
            case "platform" -> {
                if (platform != null) {
                    throw o.required("type").error("a trace has one platform line, the first");
                }
                JsonObject p = value.object("type", "platform", "module");
                platform = ScenarioReader.platform(p.required("platform"));
                ModuleSpec module = p.optional("module").map(ScenarioReader::module).orElse(ModuleSpec.DEFAULT);
                yield new TraceRecord.PlatformLine(lineNumber, platform, module);
            }
            case "write" -> {
                JsonObject w = value.object("type", "pa", "hex");
                JsonValue hex = w.required("hex");
                String digits = hex.string();
                if (!HEX_DIGITS.matcher(digits).matches()) {
                    throw hex.error("\"" + UserFile.printable(digits) + "\": expected hex digits");
                }
                if (digits.length() % 2 != 0) {
                    throw hex.error(digits.length() + " hex digits: a byte takes two, so the count must be even");
                }
                yield new TraceRecord.Write(lineNumber, w.required("pa").quantity(), HexFormat.of().parseHex(digits));
            }
            case "seamcall" -> {
                JsonObject c = value.object("type", "cpu", "leaf", "rax", "in", "status", "out");
                JsonValue cpuValue = c.required("cpu");
                int cpu = cpuValue.integer(0, Integer.MAX_VALUE);
                if (platform != null && cpu >= platform.cpuCount()) {
                    throw cpuValue.error("CPU " + cpu + " does not exist: the platform has CPUs 0 to "
                            + (platform.cpuCount() - 1));
                }
                long rax = c.required("rax").quantity();
                c.optional("leaf").map(JsonValue::string).ifPresent(leaf -> requireAgreement(leaf, rax));
                Map<Gpr, Long> inputs = registers(c, "in");
                Map<Gpr, Long> outputs = registers(c, "out");
                seamcalls++;
                yield new TraceRecord.Call(lineNumber, cpu, rax, inputs, ScenarioReader.status(c.required("status")),
                        outputs);
            }
            case "end" -> {
                JsonValue count = value.object("type", "seamcalls").required("seamcalls");
                if (count.quantity() != seamcalls) {
                    throw count.error(count.quantity() + ", but the trace has "
                            + TextReports.count(seamcalls, "seamcall record"));
                }
                end = new TraceRecord.End(lineNumber, seamcalls);
                yield end;
            }
            default -> throw o.required("type").error("unknown record type \"" + type
                    + "\"; known: platform, write, seamcall, end");
        };
    }

    /**
     * {@code rax} chooses the leaf and {@code leaf} names it for people, so the two must agree:
     * "unknown" agrees with any rax, and a name tdxemu does not know with a rax whose leaf it does
     * not know either.
     */
    private static void requireAgreement(String leaf, long rax) {
        if (!agree(leaf, rax)) {
            throw new ScenarioException("leaf: \"" + UserFile.printable(leaf) + "\" but rax 0x" + Long.toHexString(rax)
                    + LeafSelector.decode(rax).leaf().map(l -> " is " + l.architecturalName())
                    .orElse(" names no leaf tdxemu knows"));
        }
    }

    private static boolean agree(String leaf, long rax) {
        return leaf.equals("unknown") || Leaf.ofName(leaf).equals(LeafSelector.decode(rax).leaf());
    }

    /**
     * A SEAMCALL record written exactly as {@link TraceRecorder} writes it, with values the general
     * reading would accept, read without building a JSON tree: a trace of a 2 TiB host has half a
     * million of them. Null for any other line, which the general reading then reads, or explains.
     */
    private TraceRecord.Call canonicalCall(String text) {
        Scanner line = new Scanner(text);
        if (!line.skip("{\"type\":\"seamcall\",\"cpu\":")) {
            return null;
        }
        int cpu = line.cpu();
        if (cpu < 0 || (platform != null && cpu >= platform.cpuCount()) || !line.skip(",\"leaf\":\"")) {
            return null;
        }
        String leaf = line.upTo('"');
        if (leaf == null || !line.skip(",\"rax\":")) {
            return null;
        }
        long rax = line.hex();
        if (line.failed() || !agree(leaf, rax) || !line.skip(",\"in\":")) {
            return null;
        }
        Map<Gpr, Long> inputs = line.registers();
        if (inputs == null || !line.skip(",\"status\":")) {
            return null;
        }
        long status = line.hex();
        if (line.failed() || !line.skip(",\"out\":")) {
            return null;
        }
        Map<Gpr, Long> outputs = line.registers();
        if (outputs == null || !line.skip("}") || !line.atEnd()) {
            return null;
        }
        return new TraceRecord.Call(lineNumber, cpu, rax, inputs, status, outputs);
    }

    /** Reads the canonical form of a record; any step that does not find what it expects fails the whole line. */
    private static final class Scanner {
        private final String text;
        private int at;
        private boolean failed;

        Scanner(String text) {
            this.text = text;
        }

        boolean failed() {
            return failed;
        }

        boolean atEnd() {
            return at == text.length();
        }

        boolean skip(String expected) {
            if (text.startsWith(expected, at)) {
                at += expected.length();
                return true;
            }
            return false;
        }

        /** A JSON number 0 to 999999999, as the recorder writes a CPU; -1 otherwise. */
        int cpu() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            int digits = at - start;
            if (digits == 0 || digits > 9 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            return Integer.parseInt(text, start, at, 10);
        }

        /** The characters up to {@code quote}, none of them an escape or a control character; null otherwise. */
        String upTo(char quote) {
            int start = at;
            while (at < text.length() && text.charAt(at) != quote) {
                char c = text.charAt(at);
                if (c == '\\' || c < ' ') {
                    return null;
                }
                at++;
            }
            if (at == text.length()) {
                return null;
            }
            return text.substring(start, at++);
        }

        /** {@code "0x…"} with 1 to 16 hex digits. */
        long hex() {
            if (!skip("\"0x")) {
                failed = true;
                return 0;
            }
            int start = at;
            while (at < text.length() && Character.digit(text.charAt(at), 16) >= 0 && text.charAt(at) < 0x80) {
                at++;
            }
            if (at == start || at - start > 16 || !skip("\"")) {
                failed = true;
                return 0;
            }
            return Long.parseUnsignedLong(text, start, at - 1, 16);
        }

        /** {@code {}} or {@code {"rcx":"0x…",…}}, each register but RAX at most once; null otherwise. */
        Map<Gpr, Long> registers() {
            Map<Gpr, Long> registers = new EnumMap<>(Gpr.class);
            if (!skip("{")) {
                return null;
            }
            if (skip("}")) {
                return registers;
            }
            do {
                if (!skip("\"")) {
                    return null;
                }
                String name = upTo('"');
                Gpr register = name == null ? null : REGISTERS_BY_NAME.get(name);
                if (register == null || register == Gpr.RAX || registers.containsKey(register) || !skip(":")) {
                    return null;
                }
                long value = hex();
                if (failed) {
                    return null;
                }
                registers.put(register, value);
            } while (skip(","));
            return skip("}") ? registers : null;
        }
    }

    /** The registers a call lists under {@code key}, read in register order, so the first bad one is named. */
    private static Map<Gpr, Long> registers(JsonObject call, String key) {
        Map<Gpr, Long> registers = new EnumMap<>(Gpr.class);
        call.optional(key).ifPresent(v -> {
            JsonObject o = v.object(INPUT_REGISTERS);
            Map<Gpr, JsonValue> listed = new EnumMap<>(Gpr.class);
            for (Iterator<String> names = o.json().fieldNames(); names.hasNext(); ) {
                String name = names.next();
                listed.put(REGISTERS_BY_NAME.get(name), o.required(name));
            }
            listed.forEach((register, value) -> registers.put(register, value.quantity()));
        });
        return registers;
    }
}
