package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdxemu.scenarios.cli.Cli.Result;

/** {@code tdxemu run}: what-if runs, expectations, faults that never fire, the failing call, several files. */
class RunCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SMALL = """
            {"name": "small", "platform": {"packages": 1, "cpusPerPackage": 2,
             "cmrs": [["0x100000", "0x80000000"], ["4G", "10G"]]}%s}""";
    private static final String SMALL_SUMMARY = "small: initialized, 32840 KB PAMT in 2 TDMRs, 2122 SEAMCALLs";

    @TempDir
    Path dir;

    private String file(String name, String text) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, text);
        return path.toString();
    }

    private String small(String name, String more) throws IOException {
        return file(name, SMALL.formatted(more));
    }

    @Test
    void aWhatIfOptionThatChangesTheScenarioLeavesItsExpectationsUnchecked() {
        Result v7 = tdxemu("run", "two-socket-2t", "--kernel-profile", "v7");
        assertEquals(0, v7.status(), v7.err());
        assertEquals("two-socket-2t: initialized, 8396820 KB PAMT in 3 TDMRs, 523797 SEAMCALLs; expectations not checked "
                + "(--kernel-profile v7 changes the scenario)", v7.lastLine());
        Result both = tdxemu("run", "small-two-socket", "--kernel-profile", "v7", "--module-version", "1.0");
        assertEquals("small-two-socket: initialized, 16424 KB PAMT in 2 TDMRs, 1033 SEAMCALLs; expectations not checked "
                + "(--kernel-profile v7 and --module-version 1.0 change the scenario)", both.lastLine());
    }

    @Test
    void theModuleMayBePlayedWithOrWithoutDynamicPamtWhereItCanHaveIt() {
        Result without = tdxemu("run", "two-socket-2t-dpamt", "--no-dynamic-pamt");
        assertEquals(0, without.status(), without.err());
        assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                "virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.", "virt/tdx: Module version: 1.5.05",
                "virt/tdx: 8396820 KB allocated for PAMT", "virt/tdx: TDX-Module initialized",
                "two-socket-2t-dpamt: initialized, 8396820 KB PAMT in 3 TDMRs, 523868 SEAMCALLs; expectations not checked "
                        + "(--no-dynamic-pamt changes the scenario)"), without.lines());
        Result with = tdxemu("run", "small-dpamt", "--dynamic-pamt");
        assertEquals("small-dpamt: initialized, 168 KB PAMT in 2 TDMRs, 337 SEAMCALLs; expectations met", with.lastLine());
        Result older = tdxemu("run", "small-dpamt", "--module-version", "1.0", "--kernel-profile", "v7");
        assertEquals("small-dpamt: initialized, 16424 KB PAMT in 2 TDMRs, 1033 SEAMCALLs; expectations not checked "
                + "(--kernel-profile v7 and --module-version 1.0 change the scenario)", older.lastLine(),
                "module 1.0 has no Dynamic PAMT to keep");
        assertEquals(new Result(2, "", "--dynamic-pamt: module 1.0 has no Dynamic PAMT; it needs version 1.5\n"),
                tdxemu("run", "module-1.0-mainline", "--dynamic-pamt"));
    }

    @Test
    void aWhatIfOptionThatChangesNothingKeepsTheExpectations() {
        Result same = tdxemu("run", "small-v7", "--kernel-profile", "v7", "--module-version", "1.5");
        assertEquals(0, same.status(), same.err());
        assertEquals("small-v7: initialized, 16424 KB PAMT in 2 TDMRs, 1033 SEAMCALLs; expectations met", same.lastLine());
    }

    @Test
    void noExpectSkipsTheExpectationsAndAScenarioWithoutAnySaysSo() throws IOException {
        Result skipped = tdxemu("run", "--no-expect", "small-v7");
        assertEquals(0, skipped.status());
        assertEquals("small-v7: initialized, 16424 KB PAMT in 2 TDMRs, 1033 SEAMCALLs; expectations not checked "
                + "(--no-expect)", skipped.lastLine());
        Result none = tdxemu("run", small("none.json", ""));
        assertEquals(0, none.status());
        assertEquals(SMALL_SUMMARY + "; no expectations", none.lastLine());
        JsonNode json = JSON.readTree(tdxemu("run", "--json", "--no-expect", "small-v7").out());
        assertEquals("not checked", json.get("expectations").asText());
        assertEquals("--no-expect", json.get("notCheckedBecause").asText());
        assertEquals("none", JSON.readTree(tdxemu("run", "--json", small("none.json", "")).out())
                .get("expectations").asText());
    }

    @Test
    void aFaultThatNeverFiresFailsTheRunAndSaysHowOftenItsLeafWasCalled() throws IOException {
        String late = small("late.json", """
                , "faults": [{"leaf": "TDH.SYS.CONFIG", "occurrence": 99, "status": "TDX_SYS_BUSY"}]""");
        Result r = tdxemu("run", late);
        assertEquals(1, r.status());
        assertEquals(SMALL_SUMMARY + "; no expectations; faults[0] never fired: TDH.SYS.CONFIG was called 1 time",
                r.lastLine());
        String elsewhere = small("elsewhere.json", """
                , "faults": [{"leaf": "TDH.SYS.KEY.CONFIG", "cpu": 1, "status": "TDX_SYS_BUSY"},
                             {"leaf": "TDH.SYS.LP.INIT", "occurrence": 3, "status": "TDX_SYS_BUSY"},
                             {"leaf": "TDH.SYS.UPDATE", "status": "TDX_SYS_BUSY"}]""");
        Result three = tdxemu("run", elsewhere, "--no-expect");
        assertEquals(1, three.status());
        assertEquals(SMALL_SUMMARY + "; no expectations; faults[0] never fired: TDH.SYS.KEY.CONFIG was never called on "
                + "CPU 1; faults[1] never fired: TDH.SYS.LP.INIT was called 2 times; faults[2] never fired: "
                + "TDH.SYS.UPDATE was never called", three.lastLine());
        JsonNode json = JSON.readTree(tdxemu("run", "--json", late).out());
        assertEquals("faults[0] never fired: TDH.SYS.CONFIG was called 1 time", json.get("faultsNeverFired").get(0).asText());
    }

    @Test
    void aFaultShadowedByAnEarlierOneIsNamed() throws IOException {
        String shadowed = small("shadowed.json", """
                , "faults": [{"leaf": "TDH.SYS.CONFIG", "status": "TDX_SYS_BUSY"},
                             {"leaf": "TDH.SYS.CONFIG", "status": "TDX_OPERAND_BUSY"}]""");
        Result r = tdxemu("run", shadowed);
        assertEquals(1, r.status());
        assertEquals("small: failed with EIO (-5) at TDH.SYS.CONFIG on CPU 0: TDX_SYS_BUSY; 32840 KB PAMT in 2 TDMRs, "
                + "73 SEAMCALLs (1 answered by an injected fault); no expectations; faults[1] never fired: TDH.SYS.CONFIG "
                + "was called 1 time, and an earlier fault answered those calls", r.lastLine());
    }

    @Test
    void aFailedInitializationNamesTheSeamcallThatFailedItAndDecodesItsStatus() throws IOException {
        Result keygen = tdxemu("run", "keygen-fails-package-1");
        assertEquals(0, keygen.status(), keygen.err());
        assertEquals("keygen-fails-package-1: failed with EIO (-5) at TDH.SYS.KEY.CONFIG on CPU 4: "
                + "TDX_KEY_GENERATION_FAILED; 254456 KB PAMT in 2 TDMRs, 81 SEAMCALLs (1 answered by an injected fault); "
                + "expectations met", keygen.lastLine());
        JsonNode call = JSON.readTree(tdxemu("run", "--json", "keygen-fails-package-1").out()).get("failingCall");
        assertEquals("TDH.SYS.KEY.CONFIG", call.get("leaf").asText());
        assertEquals(4, call.get("cpu").asInt());
        assertEquals("0x8000080000000000", call.get("status").asText());
        assertEquals("TDX_KEY_GENERATION_FAILED", call.get("explained").asText());
        assertEquals("sysinit-msr-defect: failed with EIO (-5) at TDH.SYS.INIT on CPU 0: TDX_INCORRECT_MSR_VALUE, "
                + "MSR 0x122; 1 SEAMCALL; expectations met", tdxemu("run", "sysinit-msr-defect").lastLine());
    }

    @Test
    void entropyRetriedToSuccessIsNotTheFailureButRetriesRunOutAre() {
        assertEquals("entropy-9: initialized, 254456 KB PAMT in 2 TDMRs, 15957 SEAMCALLs (9 answered by injected faults); "
                + "expectations met", tdxemu("run", "entropy-9").lastLine());
        assertEquals("entropy-10: failed with EIO (-5) at TDH.SYS.RD on CPU 0: TDX_RND_NO_ENTROPY; 15 SEAMCALLs "
                + "(10 answered by injected faults); expectations met", tdxemu("run", "entropy-10").lastLine());
    }

    @Test
    void aFailureNoSeamcallCausedNamesNone() {
        assertEquals("emr-17-holes: failed with ENOSPC (-28), 74 SEAMCALLs; expectations met",
                tdxemu("run", "emr-17-holes").lastLine());
    }

    @Test
    void severalFilesAreEachReportedThenCountedAndABadOneDoesNotStopTheOthers() throws IOException {
        String bad = small("bad.json", ", \"expect\": {\"pamtKb\": \"lots\"}");
        String wrong = small("wrong.json", ", \"expect\": {\"pamtKb\": 1}");
        Result r = tdxemu("run", "small-v7", bad, wrong, "small-two-socket");
        assertEquals(2, r.status());
        assertEquals(List.of(bad + ": expect.pamtKb: \"lots\" is not a number: write hex (\"0x77800000\"), decimal, or a "
                + "size with a unit (\"2G\")"), r.errLines());
        List<String> summaries = r.lines().stream().filter(l -> !l.startsWith("virt/tdx: ") && !l.startsWith("tdx: "))
                .toList();
        assertEquals(List.of("small-v7: initialized, 16424 KB PAMT in 2 TDMRs, 1033 SEAMCALLs; expectations met",
                SMALL_SUMMARY + "; EXPECTATION FAILED: pamtKb: expected 1, got 32840",
                "small-two-socket: initialized, 16424 KB PAMT in 2 TDMRs, 1101 SEAMCALLs; expectations met",
                "4 scenarios: 2 met, 1 failed, 1 bad input"), summaries);
        Result failedOnly = tdxemu("run", "small-v7", wrong);
        assertEquals(1, failedOnly.status());
        assertEquals("2 scenarios: 1 met, 1 failed", failedOnly.lastLine());
        Result unchecked = tdxemu("run", "--no-expect", "small-v7", "small-two-socket");
        assertEquals(0, unchecked.status());
        assertEquals("2 scenarios: 2 not checked", unchecked.lastLine());
    }

    @Test
    void severalFilesWithJsonKeepStandardOutputOneObjectPerLine() throws IOException {
        Result r = tdxemu("run", "--json", "small-v7", "small-two-socket");
        assertEquals(0, r.status());
        assertEquals(2, r.lines().size());
        for (String line : r.lines()) {
            assertEquals("met", JSON.readTree(line).get("expectations").asText());
        }
        assertEquals("2 scenarios: 2 met\n", r.err());
    }

    @Test
    void aTraceIntoAMissingFolderSaysWhichFolderIsMissing() {
        Path trace = dir.resolve("no/such/folder/out.jsonl");
        Result r = tdxemu("run", "small-v7", "--trace", trace.toString());
        assertEquals(2, r.status());
        assertEquals("--trace: cannot write " + trace + ": no such directory " + dir.resolve("no/such/folder") + "\n",
                r.err());
        assertEquals("", r.out());
        Result intoAFolder = tdxemu("run", "small-v7", "--trace", dir.toString());
        assertEquals(2, intoAFolder.status());
        assertEquals("--trace: cannot write " + dir + ": it is a directory\n", intoAFolder.err());
        Result two = tdxemu("run", "small-v7", "small-two-socket", "--trace", dir.resolve("t.jsonl").toString());
        assertEquals("--trace: records one scenario; 2 were given\n", two.err());
        assertEquals(2, two.status());
    }

    @Test
    void memoryAboveTheAddressWidthIsBadInputInEveryCommand() throws IOException {
        String high = file("high.json", """
                {"name": "high", "platform": {"cmrs": [["0x100000", "0x80000000"]],
                 "memory": [{"start": "0x100000", "end": "0x80000000"}, {"start": "0x10080000000", "end": "0x8000000000000"}]}}""");
        String expected = high + ": platform.memory[1]: memory region [0x10080000000, 0x8000000000000) ends above "
                + "0x400000000000: with 6 KeyID bits, memory decodes 46 address bits\n";
        for (String[] args : new String[][] {{"run", high}, {"plan", high}, {"faults", high}}) {
            Result r = tdxemu(args);
            assertEquals(2, r.status(), String.join(" ", args));
            assertEquals(expected, r.err(), String.join(" ", args));
            assertEquals("", r.out(), String.join(" ", args));
        }
        String cmr = file("cmr.json", """
                {"name": "cmr", "platform": {"cmrs": [["0x100000", "0x400000001000"]]}}""");
        Result r = tdxemu("run", cmr, "small-v7");
        assertEquals(2, r.status());
        assertEquals(cmr + ": platform.cmrs[0]: CMR [0x100000, 0x400000001000) ends above 0x400000000000: with 6 KeyID "
                + "bits, memory decodes 46 address bits\n", r.err());
        assertEquals("2 scenarios: 1 met, 1 bad input", r.lastLine());
    }
}
