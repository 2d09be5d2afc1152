package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.Library;
import picocli.CommandLine;

/** The command line of DESIGN.md: its commands, its output and its exit statuses. */
class TdxemuCommandLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SMALL = """
            {"name": "small", "description": "one socket, 8 GiB",
             "platform": {"packages": 1, "cpusPerPackage": 2, "cmrs": [["0x100000", "0x80000000"], ["4G", "10G"]]},
             "expect": {"outcome": "initialized", "errno": null, "pamtKb": 32840, "tdmrs": 2}}""";

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private static Result tdxemu(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Tdxemu.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    private Path file(String name, String text) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, text);
        return path;
    }

    @Test
    void withNoArgumentsRunsTheDefaultScenario() {
        Result r = tdxemu();
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                "virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.",
                "virt/tdx: 8396820 KB allocated for PAMT", "virt/tdx: module initialized",
                "two-socket-2t: initialized, 8396820 KB PAMT in 3 TDMRs, 523865 SEAMCALLs; expectations met"), r.lines());
    }

    @Test
    void runPrintsTheLogAndExitsZeroWhenExpectationsHold() throws IOException {
        Result r = tdxemu("run", file("small.json", SMALL).toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("small: initialized, 32840 KB PAMT in 2 TDMRs, 2122 SEAMCALLs; expectations met",
                r.lines().get(r.lines().size() - 1));
    }

    @Test
    void aFailedExpectationExitsOne() throws IOException {
        Path wrong = file("wrong.json", SMALL.replace("\"errno\": null", "\"errno\": \"ENOSPC\"")
                .replace("32840", "32841"));
        Result r = tdxemu("run", wrong.toString());
        assertEquals(1, r.status());
        assertEquals("small: initialized, 32840 KB PAMT in 2 TDMRs, 2122 SEAMCALLs; EXPECTATION FAILED: errno: expected "
                + "ENOSPC, got null; pamtKb: expected 32841, got 32840", r.lines().get(r.lines().size() - 1));
    }

    @Test
    void aBadFileGetsOneMessageNamingTheFieldAndExitsTwo() throws IOException {
        Path bad = file("bad.json", SMALL.replace("\"0x80000000\"", "\"0x80000001\""));
        Result r = tdxemu("run", bad.toString());
        assertEquals(2, r.status());
        assertEquals(bad + ": platform.cmrs[0]: CMR [0x100000, 0x80000001) is not 4 KiB aligned\n", r.err());
        assertEquals("", r.out());
        Result missing = tdxemu("run", dir.resolve("nope.json").toString());
        assertEquals(2, missing.status());
        assertEquals(dir.resolve("nope.json") + ": no such file\n", missing.err());
    }

    @Test
    void runJsonPrintsTheContractsObject() throws IOException {
        Result r = tdxemu("run", "--json", file("small.json", SMALL).toString());
        assertEquals(0, r.status(), r.err());
        JsonNode json = JSON.readTree(r.out());
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("scenario", "outcome", "errno", "pamtKb", "tdmrs", "seamcalls", "log", "failedExpectations",
                "expectations", "notCheckedBecause", "failingCall", "faultsNeverFired"), keys);
        assertEquals("met", json.get("expectations").asText());
        assertTrue(json.get("notCheckedBecause").isNull());
        assertTrue(json.get("failingCall").isNull());
        assertEquals(0, json.get("faultsNeverFired").size());
        assertEquals("initialized", json.get("outcome").asText());
        assertTrue(json.get("errno").isNull());
        assertEquals(32840, json.get("pamtKb").asLong());
        JsonNode tdmr1 = json.get("tdmrs").get(1);
        assertEquals("0x100000000", tdmr1.get("base").asText());
        assertEquals("0x180000000", tdmr1.get("size").asText());
        assertEquals("0x1800000", tdmr1.get("pamt").get("4k").get("size").asText());
        assertEquals("0xc000", tdmr1.get("pamt").get("2m").get("size").asText());
        assertEquals("0x1000", tdmr1.get("pamt").get("1g").get("size").asText());
        assertEquals(JSON.readTree("{\"TDH.SYS.KEY.CONFIG\":1,\"TDH.SYS.INIT\":1,\"TDH.SYS.RD\":69,\"TDH.SYS.LP.INIT\":2,"
                + "\"TDH.SYS.TDMR.INIT\":2048,\"TDH.SYS.CONFIG\":1}"), json.get("seamcalls"));
        assertEquals("virt/tdx: module initialized", json.get("log").get(3).asText());
        assertEquals(0, json.get("failedExpectations").size());
    }

    /** {@code plan FILE} prints {@code text} and {@code plan --json FILE} prints {@code json}, both exiting {@code status}. */
    private static void assertPlan(String file, int status, List<String> text, String json) throws IOException {
        Result r = tdxemu("plan", file);
        assertEquals(status, r.status(), r.err());
        assertEquals(text, r.lines());
        Result j = tdxemu("plan", "--json", file);
        assertEquals(status, j.status(), j.err());
        assertEquals(JSON.readTree(json), JSON.readTree(j.out()));
    }

    @Test
    void planPrintsTheTdmrsWithoutRunningTheModule() throws IOException {
        assertPlan(file("small.json", SMALL).toString(), 0, List.of("TDMR 0: [0x0, 0x80000000), 2 GiB",
                "  PAMT 4K [0x100000000, 0x100800000) 2M [0x100800000, 0x100804000) 1G [0x100804000, 0x100805000)",
                "  reserved +0x0 size 0x100000",
                "TDMR 1: [0x100000000, 0x280000000), 6 GiB",
                // alloc_contig_pages() searches from the zone start aligned the kernel's way (kernel-init.md §3.5).
                "  PAMT 4K [0x10180d000, 0x10300d000) 2M [0x10300d000, 0x103019000) 1G [0x103019000, 0x10301a000)",
                "  reserved +0x0 size 0x805000",
                "  reserved +0x180d000 size 0x180d000",
                "2 TDMRs, 32840 KB of PAMT"), """
                {"planner": "kernel", "errno": null, "reason": null, "failure": null, "pamtKb": 32840, "tdmrs": [
                  {"base": "0x0", "size": "0x80000000",
                   "pamt": {"4k": {"base": "0x100000000", "size": "0x800000"}, "2m": {"base": "0x100800000", "size": "0x4000"},
                            "1g": {"base": "0x100804000", "size": "0x1000"}},
                   "reserved": [{"offset": "0x0", "size": "0x100000"}]},
                  {"base": "0x100000000", "size": "0x180000000",
                   "pamt": {"4k": {"base": "0x10180d000", "size": "0x1800000"}, "2m": {"base": "0x10300d000", "size": "0xc000"},
                            "1g": {"base": "0x103019000", "size": "0x1000"}},
                   "reserved": [{"offset": "0x0", "size": "0x805000"}, {"offset": "0x180d000", "size": "0x180d000"}]}],
                 "log": []}""");
    }

    /** dynamic-pamt.md §3.3: under Dynamic PAMT the 4K part of each PAMT is the bitmap, 64 KiB for 2 GiB. */
    @Test
    void planShowsTheBitmapAsThe4kPartOfEachPamtUnderDynamicPamt() throws IOException {
        assertPlan("small-dpamt", 0, List.of("TDMR 0: [0x0, 0x80000000), 2 GiB",
                "  PAMT 4K [0x100000000, 0x100010000) 2M [0x100010000, 0x100014000) 1G [0x100014000, 0x100015000)",
                "  reserved +0x0 size 0x100000",
                "TDMR 1: [0x100000000, 0x180000000), 2 GiB",
                "  PAMT 4K [0x100015000, 0x100025000) 2M [0x100025000, 0x100029000) 1G [0x100029000, 0x10002a000)",
                "  reserved +0x0 size 0x15000",
                "  reserved +0x15000 size 0x15000",
                "2 TDMRs, 168 KB of PAMT"), """
                {"planner": "kernel", "errno": null, "reason": null, "failure": null, "pamtKb": 168, "tdmrs": [
                  {"base": "0x0", "size": "0x80000000",
                   "pamt": {"4k": {"base": "0x100000000", "size": "0x10000"}, "2m": {"base": "0x100010000", "size": "0x4000"},
                            "1g": {"base": "0x100014000", "size": "0x1000"}},
                   "reserved": [{"offset": "0x0", "size": "0x100000"}]},
                  {"base": "0x100000000", "size": "0x80000000",
                   "pamt": {"4k": {"base": "0x100015000", "size": "0x10000"}, "2m": {"base": "0x100025000", "size": "0x4000"},
                            "1g": {"base": "0x100029000", "size": "0x1000"}},
                   "reserved": [{"offset": "0x0", "size": "0x15000"}, {"offset": "0x15000", "size": "0x15000"}]}],
                 "log": []}""");
        assertEquals("2 TDMRs, 16424 KB of PAMT", tdxemu("plan", "small-dpamt", "--no-dynamic-pamt").lines().get(7));
        assertEquals("2 TDMRs, 16424 KB of PAMT", tdxemu("plan", "small-dpamt", "--kernel-profile", "latest").lines()
                .get(7), "today's mainline has no Dynamic PAMT");
    }

    /** The first TDMR's 16 slots hold the hole below 1 MiB and the 15 gaps; the tail hole is the 17th area. */
    private static final String EMR_FIRST_TDMR_RESERVED = """
            [{"offset": "0x0", "size": "0x100000"}, {"offset": "0x5d169000", "size": "0xc2000"},
             {"offset": "0x5d3cf000", "size": "0x9b000"}, {"offset": "0x5e5b3000", "size": "0x10000"},
             {"offset": "0x5e5d3000", "size": "0x12000"}, {"offset": "0x5eb58000", "size": "0x2800000"},
             {"offset": "0x6172b000", "size": "0x6a000"}, {"offset": "0x617ff000", "size": "0x114000"},
             {"offset": "0x61999000", "size": "0x47000"}, {"offset": "0x619e2000", "size": "0x8000"},
             {"offset": "0x61a27000", "size": "0x188000"}, {"offset": "0x623c3000", "size": "0xaf000"},
             {"offset": "0x62824000", "size": "0x1201000"}, {"offset": "0x63d58000", "size": "0x400000"},
             {"offset": "0x64159000", "size": "0x3c000"}, {"offset": "0x6e9cf000", "size": "0xe30000"}]""";

    @Test
    void planShowsTheTdmrsTheKernelLeftWhenReservedAreasRunOut() throws IOException {
        assertPlan("emr-17-holes", 1, List.of("virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.",
                "TDMR 0: [0x0, 0x80000000), 2 GiB",
                "  PAMT 4K [0x100000000, 0x100800000) 2M [0x100800000, 0x100804000) 1G [0x100804000, 0x100805000)",
                "  reserved +0x0 size 0x100000",
                "  reserved +0x5d169000 size 0xc2000",
                "  reserved +0x5d3cf000 size 0x9b000",
                "  reserved +0x5e5b3000 size 0x10000",
                "  reserved +0x5e5d3000 size 0x12000",
                "  reserved +0x5eb58000 size 0x2800000",
                "  reserved +0x6172b000 size 0x6a000",
                "  reserved +0x617ff000 size 0x114000",
                "  reserved +0x61999000 size 0x47000",
                "  reserved +0x619e2000 size 0x8000",
                "  reserved +0x61a27000 size 0x188000",
                "  reserved +0x623c3000 size 0xaf000",
                "  reserved +0x62824000 size 0x1201000",
                "  reserved +0x63d58000 size 0x400000",
                "  reserved +0x64159000 size 0x3c000",
                "  reserved +0x6e9cf000 size 0xe30000",
                "TDMR 1: [0x100000000, 0x1080000000), 62 GiB",
                "  PAMT 4K [0x10f87d000, 0x11f07d000) 2M [0x11f07d000, 0x11f0f9000) 1G [0x11f0f9000, 0x11f0fa000)",
                "emr-17-holes: the kernel cannot plan: ENOSPC (-28): TDMR [0x0, 0x80000000) needs 17 reserved areas, "
                        + "the module takes 16"), """
                {"planner": "kernel", "errno": "ENOSPC", "reason": "TDMR [0x0, 0x80000000) needs 17 reserved areas, the module takes 16",
                 "failure": {"tdmr": 0, "needed": 17, "limit": 16, "what": "reserved areas"},
                 "pamtKb": 0, "tdmrs": [
                  {"base": "0x0", "size": "0x80000000",
                   "pamt": {"4k": {"base": "0x100000000", "size": "0x800000"}, "2m": {"base": "0x100800000", "size": "0x4000"},
                            "1g": {"base": "0x100804000", "size": "0x1000"}},
                   "reserved": %s},
                  {"base": "0x100000000", "size": "0xf80000000",
                   "pamt": {"4k": {"base": "0x10f87d000", "size": "0xf800000"}, "2m": {"base": "0x11f07d000", "size": "0x7c000"},
                            "1g": {"base": "0x11f0f9000", "size": "0x1000"}},
                   "reserved": []}],
                 "log": ["virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted."]}"""
                .formatted(EMR_FIRST_TDMR_RESERVED));
    }

    @Test
    void planShowsTheTdmrsThatFitWhenTdmrsRunOut() throws IOException {
        assertPlan("tdmrs-exhausted", 1, List.of("virt/tdx: initialization failed: TDMRs exhausted.",
                "TDMR 0: [0x0, 0x40000000), 1 GiB",
                "  PAMT not allocated",
                "TDMR 1: [0x80000000, 0xc0000000), 1 GiB",
                "  PAMT not allocated",
                "TDMR 2: [0x100000000, 0x140000000), 1 GiB",
                "  PAMT not allocated",
                "TDMR 3: [0x180000000, 0x1c0000000), 1 GiB",
                "  PAMT not allocated",
                "tdmrs-exhausted: the kernel cannot plan: ENOSPC (-28): the memory needs 6 TDMRs, the module takes 4, "
                        + "so memory from 0x1c0000000 up is left out"), """
                {"planner": "kernel", "errno": "ENOSPC",
                 "reason": "the memory needs 6 TDMRs, the module takes 4, so memory from 0x1c0000000 up is left out",
                 "failure": {"tdmr": 4, "needed": 6, "limit": 4, "what": "TDMRs"},
                 "pamtKb": 0, "tdmrs": [
                  {"base": "0x0", "size": "0x40000000", "pamt": null, "reserved": []},
                  {"base": "0x80000000", "size": "0x40000000", "pamt": null, "reserved": []},
                  {"base": "0x100000000", "size": "0x40000000", "pamt": null, "reserved": []},
                  {"base": "0x180000000", "size": "0x40000000", "pamt": null, "reserved": []}],
                 "log": ["virt/tdx: initialization failed: TDMRs exhausted."]}""");
    }

    @Test
    void decodeExplainsStatusesAndRefusesWhatIsNotOne() {
        Result r = tdxemu("decode", "0xC0000A1200050102", "0x0000081500000000");
        assertEquals(0, r.status());
        assertEquals(List.of("0xC0000A1200050102 -> TDX_PAMT_OVERLAP, TDMR 2, 2M PAMT, against TDMR 5",
                "0x0000081500000000 -> TDX_KEY_CONFIGURED, not an error (bit 63 clear)"), r.lines());
        Result verbose = tdxemu("decode", "-v", "0xc000010000000045");
        assertEquals(List.of("0xC000010000000045 -> TDX_OPERAND_INVALID, operand 0x45 (CPUID_CONFIG)",
                "  class 0x01 (operand), details L1 0x00, details L2 0x00000045", "  error, non-recoverable"),
                verbose.lines());
        Result bad = tdxemu("decode", "0xZZ");
        assertEquals(2, bad.status());
        assertEquals("decode: hex \"0xZZ\": expected hex digits after 0x\n", bad.err());
    }

    @Test
    void scenariosListsTheLibraryOneLineEach() {
        Result r = tdxemu("scenarios");
        assertEquals(0, r.status());
        assertEquals(Library.names().size(), r.lines().size());
        int width = Library.names().stream().mapToInt(String::length).max().orElseThrow();
        assertEquals(String.format("%-" + width + "s  %s", "two-socket-2t",
                "Two sockets, 2 TiB: the host for which Linux printed 8396820 KB allocated for PAMT"), r.lines().get(0));
    }

    @Test
    void aRecordedTraceReplaysAndATamperedOneIsCaught() throws IOException {
        Path small = file("small.json", SMALL);
        Path trace = dir.resolve("small.jsonl");
        assertEquals(0, tdxemu("run", "--trace", trace.toString(), small.toString()).status());
        Result replay = tdxemu("replay", trace.toString());
        assertEquals(0, replay.status(), replay.err());
        assertEquals(trace + ": 2122 SEAMCALLs replayed against module 1.5, every status and listed output matched\n",
                replay.out());

        List<String> lines = new ArrayList<>(Files.readAllLines(trace));
        int config = 0;
        while (!lines.get(config).contains("TDH.SYS.CONFIG")) {
            config++;
        }
        lines.set(config, lines.get(config).replace("\"status\":\"0x0\"", "\"status\":\"TDX_TDMR_OUTSIDE_CMRS\""));
        Path tampered = dir.resolve("tampered.jsonl");
        Files.write(tampered, lines);
        Result differs = tdxemu("replay", tampered.toString());
        assertEquals(1, differs.status());
        assertEquals(tampered + ": call 73 (line " + (config + 1) + "), TDH.SYS.CONFIG on CPU 0, replayed against "
                + "module 1.5: status 0x0 (TDX_SUCCESS), the trace says 0xc0000a0200000000 (TDX_TDMR_OUTSIDE_CMRS, TDMR 0)\n", differs.out());

        Path broken = file("broken.jsonl", "{\"type\":\"platform\"}\n");
        Result bad = tdxemu("replay", broken.toString());
        assertEquals(2, bad.status());
        assertEquals(broken + ": line 1: platform: missing\n", bad.err());
    }

    @Test
    void overridesChooseTheKernelAndTheModule() throws IOException {
        Path small = file("small.json", SMALL);
        Result v10 = tdxemu("run", "--module-version", "1.0", small.toString());
        assertEquals(0, v10.status(), v10.out());
        assertTrue(v10.out().contains("virt/tdx: SEAMCALL (0x0000000000000022) failed: 0xc000050500000000"), v10.out());
        assertEquals("small: failed with EIO (-5) at TDH.SYS.RD on CPU 0: TDX_SYS_NOT_READY; 4 SEAMCALLs; "
                + "expectations not checked (--module-version 1.0 changes the scenario)", v10.lines().get(v10.lines().size() - 1));
        Result v7 = tdxemu("run", "--kernel-profile", "v7", "--module-version", "1.0", small.toString());
        assertEquals(0, v7.status(), v7.out());
        assertTrue(v7.out().contains("tdx: TDX module initialized."), v7.out());
        Result refused = tdxemu("run", "--kernel-profile", "v7", "emr-17-holes-cmr");
        assertEquals(2, refused.status());
        assertEquals("--kernel-profile v7: emr-17-holes-cmr takes holes from the CMRs, a fix the v7 profile never had\n",
                refused.err());
        assertEquals(2, tdxemu("run", "--module-version", "2.0", small.toString()).status());
        assertEquals(2, tdxemu("frobnicate").status());
    }

    @Test
    void faultsPrintsTheMatrixAndExitsZeroWithoutViolations() throws IOException {
        Result text = tdxemu("faults", "--threads", "2", "small-v7");
        assertEquals(0, text.status(), text.err());
        assertEquals(List.of("small-v7: 13 SEAMCALLs faulted, 164 runs, 0 violations",
                "",
                "LEAF                STATUS                                                     CALLS  KERNEL RETURNED  "
                        + "VIOLATIONS",
                "TDH.SYS.INIT        TDX_SYS_BUSY                                                   1  EFAULT           "
                        + "         0",
                "TDH.SYS.INIT        TDX_OPERAND_INVALID, operand 0x1 (RCX)                         1  EFAULT           "
                        + "         0"), text.lines().subList(0, 5));
        assertEquals(List.of("", "CALLS: how many calls of that leaf the campaign answered with that status, one run each"),
                text.lines().subList(text.lines().size() - 2, text.lines().size()));
        assertEquals(List.of("TDH.SYS.INIT        TDX_OPERAND_INVALID, operand 0x0 (RAX)                         1  EFAULT "
                        + "                   0",
                "TDH.SYS.INFO        TDX_OPERAND_INVALID, operand 0x9 (R9)                          1  EFAULT           "
                        + "         0",
                "TDH.SYS.KEY.CONFIG  TDX_OPERAND_INVALID, operand 0x0 (RAX)                         2  EFAULT           "
                        + "         0"),
                List.of(text.lines().get(22), text.lines().get(45), text.lines().get(74)));
        assertTrue(text.lines().stream().filter(l -> l.contains("TDX_OPERAND_INVALID"))
                .allMatch(l -> l.matches(".*TDX_OPERAND_INVALID, operand 0x\\p{XDigit}+ \\((RAX|RCX|RDX|R8|R9)\\) .*")),
                text.out());
        assertEquals(List.of("TDH.SYS.LP.INIT", "TDX_SEAMCALL_VMFAILINVALID", "4", "EFAULT", "0"),
                columns(text.lines().get(38)));
        assertTrue(tdxemu("faults", "small-two-socket").lines().stream().map(TdxemuCommandLineTest::columns)
                .anyMatch(List.of("TDH.SYS.LP.INIT", "TDX_RND_NO_ENTROPY", "4", "initialized", "0")::equals),
                "mainline retries one TDX_RND_NO_ENTROPY away and initializes");
        JsonNode json = JSON.readTree(tdxemu("faults", "--json", "small-v7").out());
        assertEquals(164, json.get("runs").asInt());
        assertEquals(0, json.get("violations").asInt());
        JsonNode first = json.get("matrix").get(0);
        assertEquals("TDH.SYS.INIT", first.get("leaf").asText());
        assertEquals("TDX_SYS_BUSY", first.get("status").asText());
        assertEquals("0x8000020200000000", first.get("value").asText());
        assertEquals(1, first.get("errno").get("EFAULT").asInt());
        assertEquals(2, tdxemu("faults", dir.resolve("none.json").toString()).status());
    }

    /** {@code tdxemu faults ARGS} with standard error a terminal or not, as the test says. */
    private static Result faults(boolean stderrIsTerminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new FaultsCommand(() -> stderrIsTerminal));
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int status = command.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /** SEAMCALLs done in each frame drawn, after checking the frames are all the bar drew, each with the time left. */
    private static List<Long> frames(String drawn, long total) {
        assertTrue(drawn.startsWith("\r") && drawn.endsWith("\n") && drawn.indexOf('\n') == drawn.length() - 1, drawn);
        Pattern frame = Pattern.compile("faults +\\d+% \\[[=> ]*\\] +(\\d+)/" + total
                + " SEAMCALLs \\(\\d+:\\d\\d:\\d\\d / (\\d+:\\d\\d:\\d\\d|\\?)\\) *");
        List<Long> done = new ArrayList<>();
        for (String drawnFrame : drawn.substring(1, drawn.length() - 1).split("\r")) {
            Matcher m = frame.matcher(drawnFrame);
            assertTrue(m.matches(), "a frame: \"" + drawnFrame + "\"");
            done.add(Long.parseLong(m.group(1)));
        }
        return done;
    }

    @Test
    void faultsDrawsItsProgressOnStandardErrorOnlyWhenItIsATerminal() {
        Result plain = faults(false, "--threads", "2", "small-v7");
        assertEquals(0, plain.status());
        assertEquals("", plain.err(), "nothing drawn when standard error is no terminal");
        Result drawn = faults(true, "--threads", "2", "small-v7");
        assertEquals(0, drawn.status());
        assertEquals(plain.out(), drawn.out(), "standard output holds the table alone");
        List<Long> done = frames(drawn.err(), 19350);
        for (int i = 1; i < done.size(); i++) {
            assertTrue(done.get(i) >= done.get(i - 1), "frame " + i + " went back: " + done);
        }
        assertEquals(19350L, done.get(done.size() - 1));
        Result json = faults(true, "--json", "small-v7");
        assertEquals(faults(false, "--json", "small-v7").out(), json.out(), "standard output holds the JSON alone");
        assertEquals(19350L, frames(json.err(), 19350).get(frames(json.err(), 19350).size() - 1));
    }

    @Test
    void stderrIsATerminalWhenItsDescriptorLeadsToOne() throws IOException {
        for (String terminal : List.of("/dev/pts/3", "/dev/tty1", "/dev/ttyS0", "/dev/tty")) {
            assertTrue(FaultsCommand.leadsToTerminal(Files.createSymbolicLink(dir.resolve("fd" + terminal.hashCode()),
                    Path.of(terminal))), terminal);
        }
        for (String other : List.of("pipe:[40981]", "/dev/null", "/tmp/err.txt", "socket:[7]", "/dev/pts/ptmx")) {
            assertFalse(FaultsCommand.leadsToTerminal(Files.createSymbolicLink(dir.resolve("fd" + other.hashCode()),
                    Path.of(other))), other);
        }
        assertFalse(FaultsCommand.leadsToTerminal(file("not-a-link", "")), "no link, no terminal");
        assertFalse(FaultsCommand.leadsToTerminal(dir.resolve("missing")));
    }

    private static List<String> columns(String line) {
        return List.of(line.trim().split(" {2,}"));
    }
}
