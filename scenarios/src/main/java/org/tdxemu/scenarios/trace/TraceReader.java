package org.tdxemu.scenarios.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.tdxemu.scenarios.format.JsonValue;
import org.tdxemu.scenarios.format.JsonValue.JsonObject;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.register.Gpr;

/**
 * Reads a trace file line by line (DESIGN.md, "Trace format"), so a trace of millions of calls is
 * never held whole. The first line must be the platform; every problem names its line.
 */
public final class TraceReader implements Iterator<TraceRecord> {

    private final BufferedReader in;
    private int lineNumber;
    private TraceRecord next;
    private PlatformSpec platform;

    public TraceReader(BufferedReader in) {
        this.in = in;
        this.next = read();
        if (!(next instanceof TraceRecord.PlatformLine)) {
            throw new ScenarioException("line 1: a trace starts with {\"type\":\"platform\", ...}");
        }
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public TraceRecord next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        TraceRecord current = next;
        next = read();
        return current;
    }

    private TraceRecord read() {
        String text;
        try {
            do {
                text = in.readLine();
                lineNumber++;
            } while (text != null && text.isBlank());
        } catch (IOException e) {
            throw new ScenarioException("line " + (lineNumber + 1) + ": " + UserFile.reason(e));
        }
        if (text == null) {
            if (lineNumber == 1) {
                throw new ScenarioException("the trace is empty");
            }
            return null;
        }
        try {
            return record(JsonValue.root(ScenarioReader.lineTree(text), "a trace record"));
        } catch (ScenarioException e) {
            throw new ScenarioException("line " + lineNumber + ": " + e.getMessage());
        }
    }

    private TraceRecord record(JsonValue value) {
        JsonObject o = value.object("type", "platform", "module", "pa", "hex", "cpu", "leaf", "rax", "in", "status",
                "out");
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
                if (digits.length() % 2 != 0 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    throw hex.error("expected an even number of hex digits");
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
                String leaf = c.optional("leaf").map(JsonValue::string).orElse("");
                Map<Gpr, Long> inputs = registers(c, "in");
                Map<Gpr, Long> outputs = registers(c, "out");
                yield new TraceRecord.Call(lineNumber, cpu, leaf, c.required("rax").quantity(), inputs,
                        ScenarioReader.status(c.required("status")), outputs);
            }
            default -> throw o.required("type").error("unknown record type \"" + type
                    + "\"; known: platform, write, seamcall");
        };
    }

    private static Map<Gpr, Long> registers(JsonObject call, String key) {
        Map<Gpr, Long> registers = new EnumMap<>(Gpr.class);
        call.optional(key).ifPresent(v -> {
            String[] names = java.util.Arrays.stream(Gpr.values()).filter(r -> r != Gpr.RAX)
                    .map(Gpr::lowerCaseName).toArray(String[]::new);
            JsonObject o = v.object(names);
            for (Gpr r : Gpr.values()) {
                if (r != Gpr.RAX) {
                    o.optional(r.lowerCaseName()).ifPresent(value -> registers.put(r, value.quantity()));
                }
            }
        });
        return registers;
    }
}
