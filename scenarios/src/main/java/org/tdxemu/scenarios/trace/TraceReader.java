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
import java.util.Optional;
import java.util.regex.Pattern;
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

    private final BufferedReader in;
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
        this.in = in;
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
        if (leaf.equals("unknown")) {
            return;
        }
        Optional<Leaf> named = Leaf.ofName(leaf);
        Optional<Leaf> chosen = LeafSelector.decode(rax).leaf();
        if ((named.isPresent() || chosen.isPresent()) && !named.equals(chosen)) {
            throw new ScenarioException("leaf: \"" + UserFile.printable(leaf) + "\" but rax 0x" + Long.toHexString(rax)
                    + chosen.map(l -> " is " + l.architecturalName()).orElse(" names no leaf tdxemu knows"));
        }
    }

    private static Map<Gpr, Long> registers(JsonObject call, String key) {
        Map<Gpr, Long> registers = new EnumMap<>(Gpr.class);
        call.optional(key).ifPresent(v -> {
            JsonObject o = v.object(INPUT_REGISTERS);
            for (Gpr r : Gpr.values()) {
                if (r != Gpr.RAX) {
                    o.optional(r.lowerCaseName()).ifPresent(value -> registers.put(r, value.quantity()));
                }
            }
        });
        return registers;
    }
}
