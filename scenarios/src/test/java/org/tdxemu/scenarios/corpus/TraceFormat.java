package org.tdxemu.scenarios.corpus;

import static org.tdxemu.scenarios.corpus.Field.Shape.CHOICE;
import static org.tdxemu.scenarios.corpus.Field.Shape.HEX_BYTES;
import static org.tdxemu.scenarios.corpus.Field.Shape.OBJECT;
import static org.tdxemu.scenarios.corpus.Field.Shape.TEXT;

import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.run.Instruments;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.trace.TraceRecorder;
import org.tdxemu.seamcall.register.Gpr;

/** The trace format of docs/scenarios.md as the corpus sees it: every field of a record, and traces to damage. */
final class TraceFormat {

    /**
     * A trace written by hand, as docs/scenarios.md shows one, that replays with every call matching:
     * the platform line (with a module), calls without and with registers, writes, and the end.
     */
    static final List<String> BY_HAND = List.of(
            "{\"type\":\"platform\",\"platform\":{\"packages\":1,\"cpusPerPackage\":1,"
                    + "\"cmrs\":[[\"0x100000\",\"0x80000000\"]]},\"module\":{\"version\":\"1.5\",\"maxTdmrs\":64}}",
            "{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"TDH.SYS.INIT\",\"rax\":\"0x21\",\"status\":\"0x0\"}",
            "{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"TDH.SYS.LP.INIT\",\"rax\":\"0x23\",\"status\":\"0x0\"}",
            "{\"type\":\"write\",\"pa\":\"0x200000\",\"hex\":\"0000000000000000\"}",
            "{\"type\":\"write\",\"pa\":\"0x300000\",\"hex\":\"00000000000000000000004000000000\"}",
            "{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"TDH.SYS.CONFIG\",\"rax\":\"0x2d\",\"in\":{\"rcx\":\"0x300000\","
                    + "\"rdx\":\"0x1\",\"r8\":\"0x20\"},\"status\":\"TDX_INVALID_TDMR\"}",
            "{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"TDH.SYS.CONFIG\",\"rax\":\"0x2d\",\"in\":{\"rcx\":\"0x300000\","
                    + "\"rdx\":\"0x41\",\"r8\":\"0x20\"},\"status\":\"0xC000010000000002\"}",
            "{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"TDH.SYS.RD\",\"rax\":\"0x22\",\"in\":{\"rdx\":\"0x9100000100000008\"},"
                    + "\"status\":\"0x0\",\"out\":{\"r8\":\"0x40\",\"rdx\":\"0x9100000100000009\"}}",
            "{\"type\":\"end\",\"seamcalls\":5}");

    /**
     * The lines of {@link #BY_HAND} (from 1) whose every field is damaged: the platform, a write, a
     * call with registers, the end.
     */
    static final List<Integer> LINES_WITH_EVERY_FIELD = List.of(1, 4, 8, 9);

    /** The bundled scenario whose recorded run is damaged too. */
    static final String RECORDED_SCENARIO = "small-two-socket";

    /** Every field of a trace record, by path; the platform line's platform and module are a scenario's. */
    static final Map<String, Field> FIELDS = fields();

    private TraceFormat() {
    }

    /** The lines of a run of {@link #RECORDED_SCENARIO} recorded with {@code run --trace}. */
    static List<String> recorded() {
        Scenario scenario = Library.load(RECORDED_SCENARIO);
        StringWriter out = new StringWriter();
        TraceRecorder recorder = new TraceRecorder(out, scenario.platformJson(), scenario.moduleJson());
        ScenarioRunner.run(scenario, Instruments.traced(recorder));
        recorder.end();
        return out.toString().lines().toList();
    }

    private static Map<String, Field> fields() {
        Map<String, Field> fields = new HashMap<>(ScenarioFormat.FIELDS);
        for (Field field : List.of(
                Field.of("type", CHOICE).mandatory(),
                Field.of("platform", OBJECT).mandatory(),
                Field.of("module", OBJECT),
                Field.number("pa").mandatory(),
                Field.of("hex", HEX_BYTES).mandatory(),
                Field.count("cpu", 0, Integer.MAX_VALUE).mandatory(),
                Field.of("leaf", TEXT),
                Field.number("rax").mandatory(),
                Field.of("in", OBJECT),
                Field.number("status").mandatory(),
                Field.of("out", OBJECT),
                Field.number("seamcalls").mandatory())) {
            fields.put(field.pattern(), field);
        }
        for (Gpr r : Gpr.values()) {
            if (r != Gpr.RAX) {
                fields.put("in." + r.lowerCaseName(), Field.number("in." + r.lowerCaseName()));
                fields.put("out." + r.lowerCaseName(), Field.number("out." + r.lowerCaseName()));
            }
        }
        return Map.copyOf(fields);
    }
}
