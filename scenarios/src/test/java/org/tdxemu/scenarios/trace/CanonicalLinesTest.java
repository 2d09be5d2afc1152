package org.tdxemu.scenarios.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.run.Instruments;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * SEAMCALL records written as the recorder writes them are read without a JSON tree. That reading
 * must come to exactly what the general one does: on recorded traces, record for record, and on
 * those records damaged one character at a time, where either both readings give the same record,
 * or the short one declines and the general one reads or explains the line.
 */
class CanonicalLinesTest {

    private static String trace(String scenario) {
        Scenario s = Library.load(scenario);
        StringWriter out = new StringWriter();
        TraceRecorder recorder = new TraceRecorder(out, s.platformJson(), s.moduleJson());
        ScenarioRunner.run(s, Instruments.traced(recorder));
        recorder.end();
        return out.toString();
    }

    /** Every record of {@code trace}, or the message the reading stopped with. */
    private static List<Object> read(String trace, boolean canonical) {
        List<Object> records = new ArrayList<>();
        try {
            TraceReader reader = new TraceReader(new BufferedReader(new StringReader(trace)), canonical);
            while (reader.hasNext()) {
                TraceRecord record = reader.next();
                records.add(record instanceof TraceRecord.Write w
                        ? List.of(w.line(), w.pa(), java.util.HexFormat.of().formatHex(w.bytes())) : record);
            }
        } catch (ScenarioException e) {
            records.add(e.getMessage());
        }
        return records;
    }

    @Test
    void recordedTracesReadTheSameEitherWay() {
        for (String scenario : List.of("small-two-socket", "small-v7", "module-1.0-v7", "keygen-fails-package-1")) {
            String trace = trace(scenario);
            List<Object> general = read(trace, false);
            assertTrue(general.size() > 20, scenario);
            assertEquals(general, read(trace, true), scenario);
        }
    }

    @Test
    void damagedRecordsReadTheSameEitherWay() {
        List<String> lines = trace("small-two-socket").lines().toList();
        String header = lines.get(0);
        List<String> calls = lines.stream().filter(l -> l.startsWith("{\"type\":\"seamcall\"")).toList();
        String alphabet = "{}[]\":,0123456789abcdefxX-+. \\\u00e9\u0000rcdxRDXABCDEF8";
        Random random = new Random(15);
        int declined = 0;
        for (int i = 0; i < 4000; i++) {
            StringBuilder line = new StringBuilder(calls.get(random.nextInt(calls.size())));
            int at = random.nextInt(line.length());
            switch (random.nextInt(3)) {
                case 0 -> line.deleteCharAt(at);
                case 1 -> line.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> line.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String trace = header + "\n" + line + "\n{\"type\":\"end\",\"seamcalls\":1}\n";
            List<Object> general = read(trace, false);
            assertEquals(general, read(trace, true), line.toString());
            declined += general.get(general.size() - 1) instanceof String ? 1 : 0;
        }
        assertTrue(declined > 1000, "most damaged lines are bad input: " + declined);
    }
}
