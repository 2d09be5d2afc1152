package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;
import static org.tdxemu.scenarios.cli.Cli.tdxemuReading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.cli.Cli.Result;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.Scenario;

/** {@code tdxemu import} and {@code tdxemu run --log} on the team's logs, as a user runs them. */
class ImportCommandLineTest {

    @TempDir
    static Path directory;

    private static Path grep;
    private static Path emr;
    private static Path keygen;
    private static Path v7;

    @BeforeAll
    static void writeTheLogs() {
        grep = write("two-socket-2t-grep.log");
        emr = write("emr-rhel.log");
        keygen = write("keygen-failed.log");
        v7 = write("v7-series.log");
    }

    private static Path write(String name) {
        try (InputStream in = ImportCommandLineTest.class.getResourceAsStream("/org/tdxemu/scenarios/dmesg/" + name)) {
            Path file = directory.resolve(name);
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<String> GREP_NOTES = List.of(
            ": assumed platform.packages, platform.cpusPerPackage: the log shows no CPUs; 1 package of 4 CPUs, the "
                    + "scenario default",
            ": platform.keyIds from line 3: TDX KeyIDs 32 to 63; the 31 below them, KeyID 0 excluded, are MKTME KeyIDs",
            ": platform.cmrs from lines 6-8",
            ": assumed platform.memory: the log has no e820 map and no `Early memory node ranges`; memory is the CMRs, "
                    + "all on node 0",
            ": module.version from line 5: module 1.5 (build 784, 20240725) is personality 1.5",
            ": assumed module.maxTdmrs, module.maxReservedPerTdmr, module.pamtEntrySize: a kernel log never shows the "
                    + "module's limits; 64 TDMRs, 16 reserved areas per TDMR and 16-byte PAMT entries are what every "
                    + "module on record reports",
            ": kernel.profile, kernel.holes from line 1: Linux 6.8.0-1028-intel: Ubuntu's -intel kernels carry the "
                    + "unmerged CMR series: the merged kernel's init, with holes taken from the CMRs",
            ": expect from lines 3, 9-10");

    private static List<String> notes(String logName, List<String> notes) {
        return notes.stream().map(n -> logName + n).toList();
    }

    @Test
    void importWritesTheScenarioOnStandardOutputAndWhereEachValueCameFromOnStandardError() {
        Result r = tdxemu("import", grep.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(notes(grep.toString(), GREP_NOTES), r.errLines());
        Scenario scenario = ScenarioReader.parse(r.out());
        assertEquals("two-socket-2t-grep", scenario.name());
        assertEquals(8396820L, scenario.expect().orElseThrow().pamtKb().getAsLong());
        assertTrue(r.out().contains("\n    \"cmrs\": [\n      [\"0x100000\", \"0x77800000\"],\n"), r.out());
        assertTrue(r.out().contains("\n  \"imported\": {\n    \"log\": \"" + grep + "\",\n"), r.out());
    }

    @Test
    void dashOutputWritesTheSameScenarioIntoTheFile() throws IOException {
        Path out = directory.resolve("my-host.json");
        Result r = tdxemu("import", grep.toString(), "-o", out.toString());
        assertEquals(new Result(0, "", String.join("\n", notes(grep.toString(), GREP_NOTES)) + "\n"), r);
        assertEquals(tdxemu("import", grep.toString()).out(), Files.readString(out));
        Result missingFolder = tdxemu("import", grep.toString(), "-o", directory.resolve("no/such/x.json").toString());
        assertEquals(2, missingFolder.status());
        assertEquals(1, missingFolder.errLines().size(), missingFolder.err());
        assertTrue(missingFolder.err().startsWith("--output: "), missingFolder.err());
    }

    @Test
    void aDashReadsStandardInputAndAGzipLogReadsAsItsText() throws IOException {
        String text = Files.readString(grep);
        Result piped = tdxemuReading(text, "import", "-");
        assertEquals(0, piped.status(), piped.err());
        assertEquals(notes("standard input", GREP_NOTES), piped.errLines());
        assertEquals("imported", ScenarioReader.parse(piped.out()).name());
        Path gz = directory.resolve("two-socket-2t-grep.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Result zipped = tdxemu("import", gz.toString());
        assertEquals(0, zipped.status(), zipped.err());
        assertEquals(tdxemu("import", grep.toString()).out().replace(grep.toString(), gz.toString()), zipped.out());
    }

    @Test
    void aLogWithoutCmrsIsExitTwoWithTheCommandThatPrintsThem() {
        assertEquals(new Result(2, "", "standard input: no CMR lines (`virt/tdx: CMR: [start, end)`), and a scenario "
                + "needs the CMRs; `dmesg | grep -i tdx` on a kernel with TDX host support prints them\n"),
                tdxemuReading("[    2.8] virt/tdx: BIOS enabled: private KeyID range [32, 64)\n", "import", "-"));
        assertEquals(new Result(2, "", directory.resolve("none.log") + ": no such file\n"),
                tdxemu("import", directory.resolve("none.log").toString()));
    }

    @Test
    void runLogSaysTheEmulationReproducedTheMachine() {
        Result r = tdxemu("run", "--log", grep.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                "virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.",
                "virt/tdx: 8396820 KB allocated for PAMT",
                "virt/tdx: module initialized",
                "two-socket-2t-grep: initialized, 8396820 KB PAMT in 3 TDMRs, 523917 SEAMCALLs",
                "reproduced: 8396820 KB allocated for PAMT, module initialized"), r.lines());
        assertEquals(notes(grep.toString(), List.of(GREP_NOTES.get(0), GREP_NOTES.get(3), GREP_NOTES.get(5),
                GREP_NOTES.get(6))), r.errLines());
    }

    @Test
    void runLogWithTheCmrHoleFixInitializesWhereTheMachineFailedAndSaysWhereTheyPart() {
        Result asBooted = tdxemu("run", "--log", emr.toString());
        assertEquals(0, asBooted.status(), asBooted.err());
        assertEquals("reproduced: TDMR [0x0, 0x80000000): reserved areas exhausted, module initialization failed (-28)",
                asBooted.lastLine());
        Result fixed = tdxemu("run", "--log", emr.toString(), "--holes", "cmr");
        assertEquals(1, fixed.status(), fixed.err());
        assertEquals(List.of("emr-rhel: initialized, 262668 KB PAMT in 3 TDMRs, 16530 SEAMCALLs (with --holes cmr)",
                "differs from the machine (" + emr + "):",
                "  line 53   virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.",
                "  emulated  (nothing)",
                "  line 54   virt/tdx: module initialization failed (-28)",
                "  emulated  virt/tdx: module initialized"), fixed.lines().subList(4, 10));
    }

    @Test
    void runLogOfAMachineWhoseSeamcallFailedDiffersAndNamesTheFaultThatPlaysIt() {
        Result r = tdxemu("run", "--log", keygen.toString());
        assertEquals(1, r.status(), r.err());
        assertEquals("the log does not say why the machine's SEAMCALL failed; to play that failure, import the log and "
                + "add to its \"faults\": {\"leaf\": \"TDH.SYS.KEY.CONFIG\", \"status\": \"TDX_KEY_GENERATION_FAILED\"}",
                r.lastLine());
    }

    @Test
    void runLogJsonKeepsEveryRunKeyAndAddsTheMachine() throws IOException {
        Result r = tdxemu("run", "--log", emr.toString(), "--holes", "cmr", "--json");
        assertEquals(1, r.status(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("initialized", json.get("outcome").asText());
        assertEquals(262668, json.get("pamtKb").asLong());
        assertEquals("not checked", json.get("expectations").asText());
        assertEquals("the machine's log is compared line by line instead", json.get("notCheckedBecause").asText());
        JsonNode machine = json.get("machine");
        assertEquals(emr.toString(), machine.get("log").asText());
        assertEquals(true, machine.get("comparable").asBoolean());
        assertEquals(false, machine.get("reproduced").asBoolean());
        assertEquals("[{\"line\":53,\"machine\":\"virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved "
                + "areas exhausted.\",\"emulation\":null},{\"line\":54,\"machine\":\"virt/tdx: module initialization "
                + "failed (-28)\",\"emulation\":\"virt/tdx: module initialized\"}]", machine.get("differences").toString());
        assertEquals("[\"module.maxTdmrs\",\"module.maxReservedPerTdmr\",\"module.pamtEntrySize\"]",
                machine.get("assumed").toString());
    }

    @Test
    void theV7ProfileHasNoHolesFromCmrsAndSaysSo() {
        assertEquals(new Result(2, "", "--holes cmr: v7-series runs the v7 profile, which never had holes from the "
                + "CMRs\n"), tdxemu("run", "--log", v7.toString(), "--holes", "cmr"));
        Result r = tdxemu("run", "--log", v7.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("reproduced: 16424 KB allocated for PAMT, module initialized", r.lastLine());
    }
}
