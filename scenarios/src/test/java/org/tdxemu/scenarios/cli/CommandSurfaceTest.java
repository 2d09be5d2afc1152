package org.tdxemu.scenarios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.scenarios.cli.Cli.tdxemu;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.cli.Cli.Result;

/** What a user runs into first: help, the version, bundled names, decode, and wrong arguments. */
class CommandSurfaceTest {

    @Test
    void helpNamesTheDefaultScenarioTheCommandsAndTheExitCodes() {
        Result help = tdxemu("help");
        assertEquals(0, help.status());
        assertEquals(tdxemu("--help").out(), help.out());
        assertTrue(help.out().contains("With no command, runs the bundled default scenario, two-socket-2t (a two-socket\n"
                + "2 TiB host), and prints its kernel log."), help.out());
        for (String command : List.of("run", "plan", "replay", "decode", "faults", "scenarios", "help")) {
            assertTrue(help.lines().stream().anyMatch(l -> l.startsWith("  " + command + " ")), command);
        }
        int exit = help.lines().indexOf("Exit status:");
        assertEquals(List.of("  0   everything ran and held: expectations met, a replay matched, a plan was",
                "        made"), help.lines().subList(exit + 1, exit + 3));
        assertTrue(help.lines().stream().anyMatch(l -> l.startsWith("  2   bad input: a malformed file or argument")));
        assertTrue(help.lines().stream().anyMatch(l -> l.startsWith("  3   tdxemu itself failed")));
    }

    @Test
    void helpOfACommandIsThatCommandsUsage() {
        Result run = tdxemu("help", "run");
        assertEquals(0, run.status());
        assertEquals(tdxemu("run", "--help").out(), run.out());
        assertEquals("Usage: tdxemu run [-hV] [--json] [--no-expect] [--html=OUT.html]", run.lines().get(0));
        Result unknown = tdxemu("help", "rnu");
        assertEquals(2, unknown.status());
        assertEquals(List.of("tdxemu: Unknown subcommand 'rnu'. (see `tdxemu --help`)"), unknown.errLines());
    }

    @Test
    void versionPrintsTheBuildsVersion() {
        Result version = tdxemu("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().matches("tdxemu \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version.out());
        assertEquals(version.out(), tdxemu("run", "--version").out());
    }

    @Test
    void aWrongArgumentIsOneLineWithASuggestionAndExitsTwo() {
        assertEquals(new Result(2, "", "tdxemu run: Unknown option: '--jsn'; did you mean --json? (see `tdxemu help run`)\n"),
                tdxemu("run", "--jsn", "small-v7"));
        assertEquals(new Result(2, "", "tdxemu: Unmatched argument at index 0: 'rnu'; did you mean run? "
                + "(see `tdxemu --help`)\n"), tdxemu("rnu"));
        assertEquals(new Result(2, "", "tdxemu: Unmatched argument at index 0: 'small-v7'; did you mean "
                + "`tdxemu run small-v7`? (see `tdxemu --help`)\n"), tdxemu("small-v7"));
        assertEquals(new Result(2, "", "tdxemu run: Invalid value for option '--kernel-profile': unknown kernel profile "
                + "\"v8\"; known: mainline, v7 (see `tdxemu help run`)\n"), tdxemu("run", "--kernel-profile", "v8", "x"));
        assertEquals(new Result(2, "", "tdxemu faults: Invalid value for option '--threads': 'two' is not an int "
                + "(see `tdxemu help faults`)\n"), tdxemu("faults", "--threads", "two", "small-v7"));
        assertEquals(new Result(2, "", "tdxemu run: Missing required parameter: 'FILE' (see `tdxemu help run`)\n"),
                tdxemu("run"));
    }

    @Test
    void threadsMustBeAtLeastOne() {
        for (String threads : List.of("0", "-3", "1025")) {
            assertEquals(new Result(2, "", "--threads: " + threads + " is out of range: expected 1 to 1024\n"),
                    tdxemu("faults", "--threads", threads, "small-v7"), threads);
        }
    }

    @Test
    void aBundledNameMayBeWrittenWithJsonAndATypoSuggestsTheNearestNames() {
        assertEquals("small-v7: initialized, 16424 KB PAMT in 2 TDMRs, 1033 SEAMCALLs; expectations met",
                tdxemu("run", "small-v7.json").lastLine());
        assertEquals(new Result(2, "", "smal-v7: no such file, and no bundled scenario of that name; did you mean "
                + "small-v7?\n"), tdxemu("run", "smal-v7"));
        assertEquals(new Result(2, "", "two-socket: no such file, and no bundled scenario of that name; did you mean "
                + "two-socket-1t, two-socket-2t?\n"), tdxemu("plan", "two-socket"));
        assertEquals(new Result(2, "", "zzz: no such file, and no bundled scenario of that name; `tdxemu scenarios` "
                + "lists the bundled ones\n"), tdxemu("faults", "zzz"));
        assertEquals(new Result(2, "", "some/dir/small-v7.json: no such file\n"), tdxemu("run", "some/dir/small-v7.json"));
    }

    @Test
    void scenariosShowPrintsABundledScenarioAsATemplate() {
        Result show = tdxemu("scenarios", "--show", "small-v7");
        assertEquals(0, show.status());
        assertEquals(Library.text("small-v7"), show.out());
        assertEquals(show.out(), tdxemu("scenarios", "--show", "small-v7.json").out());
        assertEquals(new Result(2, "", "small-v8: no bundled scenario of that name; did you mean small-v7?\n"),
                tdxemu("scenarios", "--show", "small-v8"));
    }

    @Test
    void decodeTakesHexWithItsPrefixOrANameAndKeepsTheGoodOnesWhenOneIsBad() {
        Result r = tdxemu("decode", "TDX_PAMT_OVERLAP", "C0000A1200050102", "0xC0000A1200050102", "vmfailinvalid", "0xzz",
                "0x10000000000000000", "0x00000000000000000001");
        assertEquals(2, r.status());
        assertEquals(List.of("TDX_PAMT_OVERLAP = 0xC0000A1200000000: class 0x0a (TDMR / PAMT / CMR), error, "
                        + "non-recoverable; bits 7:0 name the TDMR, 15:8 the PAMT page size, 23:16 the other TDMR; "
                        + "in the tables of TDX 1.0, 1.5.01, 1.5.05, 2.x",
                "0xC0000A1200050102 -> TDX_PAMT_OVERLAP, TDMR 2, 2M PAMT, against TDMR 5",
                "TDX_SEAMCALL_VMFAILINVALID = 0x8000FF00FFFF0000: class 0xff (kernel software code), error; no details: "
                        + "the whole value is the code; in the tables of TDX 1.0, 1.5.01, 1.5.05, 2.x",
                "0x0000000000000001 -> TDX_SUCCESS, operand 0x1 (RCX), not an error (bit 63 clear)"), r.lines());
        assertEquals(List.of("decode: \"C0000A1200050102\" is not a status: write hex with 0x, such as 0xC0000A1200050102, "
                        + "or a name, such as TDX_PAMT_OVERLAP",
                "decode: hex \"0xzz\": expected hex digits after 0x",
                "decode: \"0x10000000000000000\" is over 64 bits"), r.errLines());
        Result rnd = tdxemu("decode", "TDX_RND_NO_ENTROPY");
        assertEquals(0, rnd.status());
        assertEquals("TDX_RND_NO_ENTROPY = 0x8000020300000000: class 0x02 (busy / resource / entropy), error; bits 31:0 "
                + "name the operand; in the tables of TDX 1.5.01, 1.5.05, 2.x\n", rnd.out());
    }
}
