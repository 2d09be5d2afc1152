package org.tdxemu.scenarios.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.run.Instruments;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;

class TraceTest {

    private static final String SMALL = """
            {"name": "small", "platform": {"packages": 2, "cpusPerPackage": 2,
             "cmrs": [["0x100000", "0x80000000"], ["4G", "8G"]]}}""";

    /** A platform of one CPU, initialized: TDH.SYS.CONFIG may come next. */
    private static final String ONE_CPU = """
            {"type":"platform","platform":{"packages":1,"cpusPerPackage":1,"cmrs":[["0x100000","0x80000000"]]}}
            {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.INIT","rax":"0x21","status":"0x0"}
            {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.LP.INIT","rax":"0x23","status":"0x0"}
            """;

    private static String record(Scenario scenario) {
        StringWriter out = new StringWriter();
        TraceRecorder recorder = new TraceRecorder(out, scenario.platformJson(), scenario.moduleJson());
        RunReport report = ScenarioRunner.run(scenario, Instruments.traced(recorder));
        recorder.end();
        assertTrue(report.initialized(), report.log().toString());
        return out.toString();
    }

    private static TraceReplayer.Result replay(String trace, Optional<ModuleVersion> version) {
        return TraceReplayer.replay(new BufferedReader(new StringReader(trace)), version, false);
    }

    private static List<String> divergences(TraceReplayer.Result result) {
        return result.divergences().stream().map(d -> d.describe(result.module())).toList();
    }

    @Test
    void aRecordedRunReplaysOnAFreshPlatform() {
        String trace = record(ScenarioReader.parse(SMALL));
        List<String> lines = trace.lines().toList();
        assertEquals("{\"type\":\"platform\",\"platform\":{\"packages\":2,\"cpusPerPackage\":2,\"cmrs\":[[\"0x100000\","
                + "\"0x80000000\"],[\"4G\",\"8G\"]]},\"module\":{}}", lines.get(0));
        assertEquals("{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"TDH.SYS.INIT\",\"rax\":\"0x21\",\"in\":{},"
                + "\"status\":\"0x0\",\"out\":{}}", lines.get(1));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"type\":\"write\",\"pa\":")), "host writes are recorded");
        TraceReplayer.Result result = replay(trace, Optional.empty());
        assertEquals(List.of(), divergences(result));
        assertEquals(ModuleVersion.V1_5, result.module().version());
        long seamcalls = lines.stream().filter(l -> l.contains("\"type\":\"seamcall\"")).count();
        assertEquals(seamcalls, result.calls());
        assertEquals("{\"type\":\"end\",\"seamcalls\":" + seamcalls + "}", lines.get(lines.size() - 1));
    }

    @Test
    void theTdmrInfoTheKernelWroteIsOneWriteRecordBeforeConfig() {
        List<String> lines = record(ScenarioReader.parse(SMALL)).lines().toList();
        int config = indexOf(lines, "\"leaf\":\"TDH.SYS.CONFIG\"");
        assertTrue(lines.get(config - 1).startsWith("{\"type\":\"write\""), "the pointer array just before CONFIG");
        String tdmr0 = lines.stream().filter(l -> l.contains("\"hex\":\"000000000000000000000080")).findFirst()
                .orElseThrow(() -> new AssertionError("TDMR 0's TDMR_INFO (base 0, size 2 GiB) is recorded whole"));
        assertTrue(lines.indexOf(tdmr0) < config);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError(text + " not in the trace");
    }

    @Test
    void aDifferentModuleIsCaughtAtTheFirstCallThatDiffers() {
        TraceReplayer.Result result = replay(record(ScenarioReader.parse(SMALL)), Optional.of(ModuleVersion.V1_0));
        assertEquals(List.of("call 6 (line 7), TDH.SYS.RD on CPU 0, replayed against module 1.0: status 0xc000050500000000 "
                + "(TDX_SYS_NOT_READY), the trace says 0x0 (TDX_SUCCESS); rdx 0xa00000300000008, the trace says "
                + "0x9000000100000000; r8 0x0, the trace says 0x1f0ebf"), divergences(result));
        assertEquals(ModuleVersion.V1_0, result.module().version());
    }

    @Test
    void aTraceWrittenByHandProbesTheModulesChecks() {
        String trace = ONE_CPU + """
                {"type":"write","pa":"0x200000","hex":"00000040000000000000002000000000"}
                {"type":"write","pa":"0x300000","hex":"0000200000000000"}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.CONFIG","rax":"0x2d","in":{"rcx":"0x300000","rdx":"0x1","r8":"0x20"},"status":"TDX_INVALID_TDMR"}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.CONFIG","rax":"0x2d","in":{"rcx":"0x300000","rdx":"0x41","r8":"0x20"},"status":"0xC000010000000002"}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.RD","rax":"0x22","in":{"rdx":"0x9100000100000008"},"status":"0x0","out":{"r8":"0x40","rdx":"0x9100000100000009"}}
                {"type":"end","seamcalls":5}
                """;
        TraceReplayer.Result result = replay(trace, Optional.empty());
        assertEquals(List.of(), divergences(result));
        assertEquals(5, result.calls());
    }

    @Test
    void aMalformedTraceNamesItsLine() {
        String platform = "{\"type\":\"platform\",\"platform\":{\"cmrs\":[[\"0x100000\",\"0x80000000\"]]}}\n";
        assertEquals("line 1: a trace starts with {\"type\":\"platform\", ...}", malformed(
                "{\"type\":\"seamcall\",\"cpu\":0,\"rax\":\"0x21\",\"status\":\"0x0\"}\n"));
        assertEquals("line 2: cpu: CPU 4 does not exist: the platform has CPUs 0 to 3", malformed(platform
                + "{\"type\":\"seamcall\",\"cpu\":4,\"rax\":\"0x21\",\"status\":\"0x0\"}\n"));
        assertEquals("line 2: hex: 3 hex digits: a byte takes two, so the count must be even", malformed(platform
                + "{\"type\":\"write\",\"pa\":\"0x1000\",\"hex\":\"abc\"}\n"));
        assertEquals("line 2: hex: \"zz\": expected hex digits", malformed(platform
                + "{\"type\":\"write\",\"pa\":\"0x1000\",\"hex\":\"zz\"}\n"));
        assertEquals("line 2: type: unknown record type \"read\"; known: platform, write, seamcall, end", malformed(platform
                + "{\"type\":\"read\"}\n"));
        assertEquals("line 2: in.rax: unknown key; in takes rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, "
                + "r14, r15", malformed(platform + "{\"type\":\"seamcall\",\"cpu\":0,\"rax\":\"0x21\",\"in\":{\"rax\":1},"
                + "\"status\":\"0x0\"}\n"));
        assertEquals("line 3: pa: [0x90000000, 0x90000008) is not memory on this platform", malformed(platform
                + "\n{\"type\":\"write\",\"pa\":\"0x90000000\",\"hex\":\"0000000000000000\"}\n"));
        assertEquals("line 2: rax: missing", malformed(platform + "{\"type\":\"seamcall\",\"cpu\":0,\"status\":\"0x0\"}\n"));
        assertEquals("the trace is empty", malformed(""));
    }

    @Test
    void aTraceWithoutItsEndRecordIsCutShort() {
        assertEquals("the trace is cut short after line 3: a trace ends with {\"type\":\"end\",\"seamcalls\":N}",
                malformed(ONE_CPU));
        assertEquals("the trace is cut short after line 3: a trace ends with {\"type\":\"end\",\"seamcalls\":N}",
                malformed(ONE_CPU + "\n\n"));
        assertEquals("the trace is cut short after line 1: a trace ends with {\"type\":\"end\",\"seamcalls\":N}",
                malformed(ONE_CPU.lines().findFirst().orElseThrow()));
    }

    @Test
    void aTraceCutInTheMiddleOfALineIsCutShortAfterTheLineBefore() {
        String whole = ONE_CPU + "{\"type\":\"end\",\"seamcalls\":2}\n";
        assertEquals("the trace is cut short after line 3: line 4: not valid JSON at column 26: Unexpected "
                + "end-of-input within/between Object entries", malformed(whole.substring(0, whole.length() - 4)));
    }

    @Test
    void aBrokenLineWithRecordsAfterItIsMalformedNotCutShort() {
        assertEquals("line 2: not valid JSON at column 74: Unexpected end-of-input: was expecting closing quote for a "
                + "string value", malformed("""
                {"type":"platform","platform":{"packages":1,"cpusPerPackage":1,"cmrs":[["0x100000","0x80000000"]]}}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.INIT","rax":"0x21","status":"0
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.LP.INIT","rax":"0x23","status":"0x0"}
                {"type":"end","seamcalls":2}
                """));
    }

    @Test
    void theEndRecordCountsTheSeamcallsAndNothingFollowsIt() {
        assertEquals(2, replay(ONE_CPU + "{\"type\":\"end\",\"seamcalls\":2}\n\n", Optional.empty()).calls());
        assertEquals("line 4: seamcalls: 3, but the trace has 2 seamcall records",
                malformed(ONE_CPU + "{\"type\":\"end\",\"seamcalls\":3}\n"));
        assertEquals("line 4: seamcalls: missing", malformed(ONE_CPU + "{\"type\":\"end\"}\n"));
        assertEquals("line 6: nothing may follow the end record (line 4)", malformed(ONE_CPU
                + "{\"type\":\"end\",\"seamcalls\":2}\n\n" + labelled("TDH.SYS.INIT", "0x21")));
    }

    @Test
    void aLeafNameThatDisagreesWithRaxIsBadInput() {
        String end = "{\"type\":\"end\",\"seamcalls\":3}\n";
        assertEquals("line 4: leaf: \"TDH.SYS.CONFIG\" but rax 0x21 is TDH.SYS.INIT",
                malformed(ONE_CPU + labelled("TDH.SYS.CONFIG", "0x21") + end));
        assertEquals("line 4: leaf: \"TDH.SYS.CONFIG\" but rax 0x99 names no leaf tdxemu knows",
                malformed(ONE_CPU + labelled("TDH.SYS.CONFIG", "0x99") + end));
        assertEquals("line 4: leaf: \"TDH.SYS.CONFG\" but rax 0x2d is TDH.SYS.CONFIG",
                malformed(ONE_CPU + labelled("TDH.SYS.CONFG", "0x2d") + end));
    }

    /** A seamcall record on CPU 0 with this leaf name and rax. */
    private static String labelled(String leaf, String rax) {
        return "{\"type\":\"seamcall\",\"cpu\":0,\"leaf\":\"" + leaf + "\",\"rax\":\"" + rax
                + "\",\"status\":\"0x0\"}\n";
    }

    @Test
    void aLeafNameAgreesWithRaxWhenItIsUnknownAbsentOrTheSameLeafAtAnotherVersion() {
        String trace = ONE_CPU + """
                {"type":"seamcall","cpu":0,"leaf":"unknown","rax":"0x21","status":"TDX_SYS_LP_INIT_DONE"}
                {"type":"seamcall","cpu":0,"rax":"0x21","status":"TDX_SYS_LP_INIT_DONE"}
                {"type":"seamcall","cpu":0,"leaf":"TDH.MNG.CREATE","rax":"0x4","status":"TDX_OPERAND_INVALID"}
                {"type":"seamcall","cpu":0,"leaf":"unknown","rax":"0x4","status":"TDX_OPERAND_INVALID"}
                {"type":"end","seamcalls":6}
                """;
        assertEquals(6, replay(trace, Optional.empty()).calls());
    }

    @Test
    void keepGoingIssuesEveryCallAndListsEachThatDiffers() {
        String trace = """
                {"type":"platform","platform":{"packages":1,"cpusPerPackage":1,"cmrs":[["0x100000","0x80000000"]]}}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.INIT","rax":"0x21","status":"TDX_SYS_INIT_NOT_PENDING"}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.LP.INIT","rax":"0x23","status":"0x0"}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.INIT","rax":"0x21","status":"TDX_SYS_INIT_NOT_PENDING"}
                {"type":"seamcall","cpu":0,"leaf":"TDH.SYS.LP.INIT","rax":"0x23","status":"0x0"}
                {"type":"end","seamcalls":4}
                """;
        TraceReplayer.Result all = TraceReplayer.replay(new BufferedReader(new StringReader(trace)), Optional.empty(),
                true);
        assertEquals(4, all.calls());
        assertEquals(List.of("call 1 (line 2), TDH.SYS.INIT on CPU 0, replayed against module 1.5: status 0x0 "
                        + "(TDX_SUCCESS), the trace says 0xc000050000000000 (TDX_SYS_INIT_NOT_PENDING)",
                "call 4 (line 5), TDH.SYS.LP.INIT on CPU 0, replayed against module 1.5: status 0xc000050300000000 "
                        + "(TDX_SYS_LP_INIT_DONE), the trace says 0x0 (TDX_SUCCESS)"), divergences(all));
        TraceReplayer.Result first = replay(trace, Optional.empty());
        assertEquals(4, first.calls());
        assertEquals(divergences(all).subList(0, 1), divergences(first));
    }

    private static String malformed(String trace) {
        return assertThrows(ScenarioException.class, () -> replay(trace, Optional.empty())).getMessage();
    }
}
