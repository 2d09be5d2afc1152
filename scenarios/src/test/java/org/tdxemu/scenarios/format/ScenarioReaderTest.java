package org.tdxemu.scenarios.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.spec.Expectation;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.scenarios.spec.KeyIds;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;

/** The scenario format of DESIGN.md: what it accepts, its defaults, and one clear message per bad file. */
class ScenarioReaderTest {

    private static final String CMRS = "\"cmrs\": [[\"0x100000\", \"0x80000000\"], [\"4G\", \"16G\"]]";

    private static String scenario(String platformExtra, String rest) {
        return "{\"name\": \"t\", \"platform\": {" + CMRS + platformExtra + "}" + rest + "}";
    }

    private static String error(String json) {
        return assertThrows(ScenarioException.class, () -> ScenarioReader.parse(json)).getMessage();
    }

    @Test
    void readsTheDesignExampleWithEveryKey() {
        Scenario s = ScenarioReader.parse("""
                {
                  "name": "two-socket-2t",
                  "description": "free text",
                  "platform": {
                    "packages": 2,
                    "cpusPerPackage": 8,
                    "offlineCpus": [],
                    "keyIds": { "mktme": 31, "tdx": 32 },
                    "cmrs": [["0x100000", "0x77800000"], ["0x100000000", "0x1003e000000"]],
                    "memory": [{ "start": "0x100000", "end": "0x77800000", "node": 0 }],
                    "reserved": [["0x1000000", "0x4000000"]]
                  },
                  "module": { "version": "1.5", "maxTdmrs": 64, "maxReservedPerTdmr": 16, "pamtEntrySize": 16 },
                  "kernel": { "profile": "mainline", "holes": "memblock" },
                  "faults": [
                    { "leaf": "TDH.SYS.KEY.CONFIG", "occurrence": 2, "cpu": 8, "status": "TDX_KEY_GENERATION_FAILED" },
                    { "leaf": "TDH.SYS.RD", "occurrence": 1, "status": "TDX_RND_NO_ENTROPY", "repeat": 3 }
                  ],
                  "expect": { "outcome": "failed", "errno": "EIO", "pamtKb": 8396820, "tdmrs": 3,
                              "log": ["virt/tdx: module initialization failed (-5)"] }
                }""");
        assertEquals("two-socket-2t", s.name());
        assertEquals("free text", s.description());
        assertEquals(2, s.platform().packages());
        assertEquals(8, s.platform().cpusPerPackage());
        assertEquals(new KeyIds(31, 32, 6), s.platform().keyIds());
        assertEquals(List.of(new Range(0x100000, 0x77800000L), new Range(0x100000000L, 0x1003e000000L)),
                s.platform().cmrs());
        assertEquals(List.of(new MemoryRegion(0x100000, 0x77800000L, 0)), s.platform().memory());
        assertEquals(List.of(new Range(0x1000000, 0x4000000)), s.platform().reserved());
        assertEquals(ModuleVersion.V1_5, s.module().version());
        assertEquals(Profile.MAINLINE, s.kernel().profile());
        assertEquals(HoleSource.MEMBLOCK, s.kernel().holes());
        assertEquals(List.of(
                new FaultSpec(Leaf.TDH_SYS_KEY_CONFIG, 2, OptionalInt.of(8), 0x8000080000000000L, 1, Map.of(),
                        FaultSpec.Mode.INSTEAD),
                new FaultSpec(Leaf.TDH_SYS_RD, 1, OptionalInt.empty(), 0x8000020300000000L, 3, Map.of(),
                        FaultSpec.Mode.INSTEAD)), s.faults());
        assertEquals(new Expectation(Optional.of(Expectation.Outcome.FAILED), Optional.of(Optional.of(Errno.EIO)),
                OptionalLong.of(8396820), OptionalInt.of(3), List.of("virt/tdx: module initialization failed (-5)")),
                s.expect().orElseThrow());
    }

    @Test
    void fillsTheDefaultsDesignNames() {
        Scenario s = ScenarioReader.parse(scenario("", ""));
        assertEquals(1, s.platform().packages());
        assertEquals(4, s.platform().cpusPerPackage());
        assertEquals(new KeyIds(31, 32, 6), s.platform().keyIds());
        assertEquals(List.of(new MemoryRegion(0x100000, 0x80000000L, 0), new MemoryRegion(4L << 30, 16L << 30, 0)),
                s.platform().memory(), "memory defaults to the CMRs on node 0");
        assertEquals(ModuleVersion.V1_5, s.module().version());
        assertEquals(64, s.module().maxTdmrs());
        assertEquals(16, s.module().maxReservedPerTdmr());
        assertEquals(16, s.module().pamtEntrySize());
        assertEquals(Profile.MAINLINE, s.kernel().profile());
        assertEquals(HoleSource.MEMBLOCK, s.kernel().holes());
        assertEquals(PlannerKind.KERNEL, s.kernel().planner());
        assertEquals(List.of(), s.faults());
        assertEquals(Optional.empty(), s.expect());
        assertEquals(Set.of(), s.platform().offlineCpus());
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"'\"0x77800000\"', 2004877312", "'\"2G\"', 2147483648", "'\"512M\"', 536870912",
        "'\"64T\"', 70368744177664", "'\"4K\"', 4096", "'\"1P\"', 1125899906842624", "'\"2GiB\"', 2147483648",
        "'\"4096\"', 4096", "8192, 8192", "'\"0xFFFFFFFFFFFFFFFF\"', -1"})
    void quantitiesAreHexDecimalOrBinaryUnits(String json, long expected) {
        assertEquals(expected, new JsonValue(ScenarioReader.tree(json), "x").quantity());
    }

    @Test
    void readsDefectsModuleLimitsFaultRegistersAndModes() {
        Scenario s = ScenarioReader.parse(scenario(", \"packages\": 2, \"partialWriteErratum\": true, \"seamrr\": "
                        + "[\"0x7e000000\", \"0x80000000\"], \"defects\": [{\"type\": \"incorrectMsr\", \"msr\": \"0x122\"}, "
                        + "{\"type\": \"inconsistentMsr\", \"cpu\": 5, \"msr\": \"0x982\"}, {\"type\": \"limitCpuidMaxval\"}, "
                        + "{\"type\": \"incorrectCpuid\", \"leaf\": 7, \"subleaf\": 1, \"verifyMask\": \"0xff\", \"expected\": 3}, "
                        + "{\"type\": \"inconsistentCpuid\", \"cpu\": 1, \"leaf\": \"0xb\", \"mask\": \"0xffff\"}]",
                ", \"module\": {\"version\": \"1.0\", \"maxTdmrs\": 4, \"maxReservedPerTdmr\": 8, \"pamtEntrySize\": 32, "
                        + "\"tdxFeatures0\": \"0x0\"}, \"kernel\": {\"profile\": \"v7\", \"planner\": \"optimal\"}, \"faults\": [{\"leaf\": "
                        + "\"TDH.SYS.TDMR.INIT\", \"status\": \"0x8000020000000001\", \"out\": {\"rdx\": \"0x40000000\"}, "
                        + "\"mode\": \"after\"}, {\"leaf\": \"TDH.SYS.INIT\", \"status\": \"VMFAILINVALID\"}]"));
        assertEquals(List.of(new PlatformDefect.IncorrectMsr(0x122), new PlatformDefect.InconsistentMsr(5, 0x982),
                new PlatformDefect.LimitCpuidMaxval(), new PlatformDefect.IncorrectCpuid(7, 1, 0xFF, 3),
                new PlatformDefect.InconsistentCpuid(1, 0xB, 0, 0xFFFF)), s.platform().defects());
        assertEquals(true, s.platform().partialWriteErratum());
        assertEquals(new Range(0x7e000000L, 0x80000000L), s.platform().seamrr());
        assertEquals(ModuleVersion.V1_0, s.module().version());
        assertEquals(4, s.module().settings().maxTdmrs());
        assertEquals(32, s.module().settings().pamt2mEntrySize());
        assertEquals(0, s.module().settings().tdxFeatures0());
        assertEquals(Profile.V7, s.kernel().profile());
        assertEquals(PlannerKind.OPTIMAL, s.kernel().planner());
        assertEquals(new FaultSpec(Leaf.TDH_SYS_TDMR_INIT, 1, OptionalInt.empty(), 0x8000020000000001L, 1,
                Map.of(Gpr.RDX, 0x40000000L), FaultSpec.Mode.AFTER), s.faults().get(0));
        assertEquals(0x8000FF00FFFF0000L, s.faults().get(1).status());
    }

    @Test
    void dynamicPamtIsAModuleOptionOf15AndTwoMoreKernelProfiles() {
        Scenario s = ScenarioReader.parse("{\"name\": \"d\", \"platform\": {\"cmrs\": [[\"1M\", \"2G\"]]}, "
                + "\"module\": {\"dynamicPamt\": true}, \"kernel\": {\"profile\": \"dpamt\"}}");
        assertEquals(true, s.module().dynamicPamt());
        assertEquals(0x10001F0EBFL, s.module().settings().tdxFeatures0());
        assertEquals(Profile.DPAMT, s.kernel().profile());
        assertEquals(false, ScenarioReader.parse("{\"name\": \"d\", \"platform\": {\"cmrs\": [[\"1M\", \"2G\"]]}, "
                + "\"kernel\": {\"profile\": \"latest\"}}").module().dynamicPamt());
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parse("{\"name\": \"d\", "
                + "\"platform\": {\"cmrs\": [[\"1M\", \"2G\"]]}, \"module\": {\"version\": \"1.0\", "
                + "\"dynamicPamt\": true}}"));
        assertEquals("module.dynamicPamt: module 1.0 has no Dynamic PAMT; it needs version 1.5", e.getMessage());
    }

    @Test
    void badJsonSaysWhere() {
        assertEquals("not valid JSON at line 1, column 10: Unexpected character ('}' (code 125)): expected a valid "
                + "value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", error("{\"name\": }"));
        assertEquals("the file is empty", error(""));
        assertEquals("expected an object, found an array", error("[]"));
        assertEquals("not valid JSON at line 1, column 21: Duplicate field 'name'",
                error("{\"name\": \"a\", \"name\": \"b\"}"));
    }

    @Test
    void unknownKeysAreNamedWithTheKeysTheSectionTakes() {
        assertEquals("platform.cmr: unknown key; platform takes packages, cpusPerPackage, offlineCpus, keyIds, cmrs, "
                + "memory, reserved, seamrr, defects, partialWriteErratum", error(scenario(", \"cmr\": []", "")));
        assertEquals("colour: unknown key; the scenario takes name, description, platform, module, kernel, faults, expect, imported",
                error(scenario("", ", \"colour\": 1")));
        assertEquals("faults[0].ocurrence: unknown key; faults[0] takes leaf, occurrence, cpu, status, repeat, out, mode",
                error(scenario("", ", \"faults\": [{\"leaf\": \"TDH.SYS.RD\", \"ocurrence\": 1, \"status\": \"0x1\"}]")));
        assertEquals("faults[0].out.rax: unknown key; faults[0].out takes rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, "
                + "r12, r13, r14, r15", error(scenario("", ", \"faults\": [{\"leaf\": \"TDH.SYS.RD\", \"status\": \"0x1\", "
                + "\"out\": {\"rax\": 1}}]")));
    }

    @Test
    void rangesMustBeSortedAndNotOverlap() {
        assertEquals("platform.cmrs[1]: CMR [0x1000, 0x2000) is out of order: it starts below [0x100000, 0x200000)",
                error("{\"name\": \"t\", \"platform\": {\"cmrs\": [[\"0x100000\", \"0x200000\"], [\"0x1000\", \"0x2000\"]]}}"));
        assertEquals("platform.cmrs[1]: CMR [0x1ff000, 0x300000) overlaps [0x100000, 0x200000)",
                error("{\"name\": \"t\", \"platform\": {\"cmrs\": [[\"0x100000\", \"0x200000\"], [\"0x1ff000\", \"0x300000\"]]}}"));
        assertEquals("platform.memory[1]: memory region [0x7f000000, 0x90000000) overlaps [0x100000, 0x80000000)",
                error(scenario(", \"memory\": [{\"start\": \"0x100000\", \"end\": \"0x80000000\"}, "
                        + "{\"start\": \"0x7f000000\", \"end\": \"0x90000000\"}]", "")));
        assertEquals("platform.reserved[1]: reserved range [0x1000, 0x2000) is out of order: it starts below [0x3000, 0x4000)",
                error(scenario(", \"reserved\": [[\"0x3000\", \"0x4000\"], [\"0x1000\", \"0x2000\"]]", "")));
        assertEquals("platform.cmrs[0]: [0x2000, 0x1000) is empty: the end must be above the start",
                error("{\"name\": \"t\", \"platform\": {\"cmrs\": [[\"0x2000\", \"0x1000\"]]}}"));
    }

    @Test
    void cmrsMustBe4KibAlignedAndAtMost32() {
        assertEquals("platform.cmrs[0]: CMR [0x100000, 0x77800001) is not 4 KiB aligned",
                error("{\"name\": \"t\", \"platform\": {\"cmrs\": [[\"0x100000\", \"0x77800001\"]]}}"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ", ").append("[\"").append(i * 2).append("G\", \"").append(i * 2 + 1).append("G\"]");
        }
        assertEquals("platform.cmrs: 33 CMRs; MCHECK's table holds at most 32",
                error("{\"name\": \"t\", \"platform\": {\"cmrs\": [" + many + "]}}"));
        assertEquals("platform.cmrs: at least one CMR is needed", error("{\"name\": \"t\", \"platform\": {\"cmrs\": []}}"));
        assertEquals("platform.cmrs: missing", error("{\"name\": \"t\", \"platform\": {}}"));
    }

    @Test
    void leavesStatusesAndErrnosMustExist() {
        assertEquals("faults[0].leaf: unknown leaf \"TDH.SYS.CONFIGURE\"; leaves are named as the specification does, "
                + "e.g. TDH.SYS.CONFIG", error(scenario("", ", \"faults\": [{\"leaf\": \"TDH.SYS.CONFIGURE\", \"status\": \"0x1\"}]")));
        assertEquals("faults[0].status: unknown status \"TDX_KEY_GEN_FAILED\"; write a name such as "
                + "TDX_KEY_GENERATION_FAILED or a 64-bit value such as \"0xC0000A1200050102\"",
                error(scenario("", ", \"faults\": [{\"leaf\": \"TDH.SYS.RD\", \"status\": \"TDX_KEY_GEN_FAILED\"}]")));
        assertEquals("expect.errno: unknown errno \"EBUSY\"; known: EIO, E2BIG, ENOMEM, EACCES, EFAULT, ENODEV, EINVAL, "
                + "ENOSPC, EOPNOTSUPP", error(scenario("", ", \"expect\": {\"errno\": \"EBUSY\"}")));
        assertEquals("module.version: unknown module version \"2.0\"; known: 1.0, 1.5",
                error(scenario("", ", \"module\": {\"version\": \"2.0\"}")));
        assertEquals("kernel.profile: unknown kernel profile \"6.8\"; known: mainline, latest, dpamt, v7",
                error(scenario("", ", \"kernel\": {\"profile\": \"6.8\"}")));
        assertEquals("kernel.holes: holes from the CMRs is a fix to the merged kernel; the v7 profile never had it",
                error(scenario("", ", \"kernel\": {\"profile\": \"v7\", \"holes\": \"cmr\"}")));
        assertEquals("kernel.planner: unknown planner \"greedy\"; known: kernel, optimal",
                error(scenario("", ", \"kernel\": {\"planner\": \"greedy\"}")));
        assertEquals("kernel.planner: expected a string, found 1",
                error(scenario("", ", \"kernel\": {\"planner\": 1}")));
        assertEquals("platform.defects[0].type: unknown defect \"badSmrr\"; known: incorrectMsr, incorrectCpuid, "
                + "limitCpuidMaxval, inconsistentMsr, inconsistentCpuid",
                error(scenario(", \"defects\": [{\"type\": \"badSmrr\"}]", "")));
    }

    @Test
    void cpusAndPackagesMustExist() {
        assertEquals("faults[0].cpu: CPU 8 does not exist: the platform has CPUs 0 to 7", error(scenario(
                ", \"packages\": 2", ", \"faults\": [{\"leaf\": \"TDH.SYS.RD\", \"cpu\": 8, \"status\": \"0x1\"}]")));
        assertEquals("platform.offlineCpus[0]: CPU 4 does not exist: the platform has CPUs 0 to 3",
                error(scenario(", \"offlineCpus\": [4]", "")));
        assertEquals("platform.offlineCpus[1]: CPU 1 is listed twice", error(scenario(", \"offlineCpus\": [1, 1]", "")));
        assertEquals("platform.offlineCpus: every CPU is offline; the kernel needs one to boot on",
                error(scenario(", \"offlineCpus\": [0, 1, 2, 3]", "")));
        assertEquals("platform.packages: 0 is out of range: expected 1 to 16", error(scenario(", \"packages\": 0", "")));
        assertEquals("platform.defects[0].cpu: CPU 9 does not exist: the platform has CPUs 0 to 3",
                error(scenario(", \"defects\": [{\"type\": \"inconsistentMsr\", \"cpu\": 9, \"msr\": 1}]", "")));
    }

    @Test
    void valuesMustHaveTheirType() {
        assertEquals("platform.packages: expected a number or a string such as \"0x1000\" or \"2G\", found true",
                error(scenario(", \"packages\": true", "")));
        assertEquals("platform.cmrs[0][1]: \"2Q\" is not a number: write hex (\"0x77800000\"), decimal, or a size with "
                + "a unit (\"2G\")", error("{\"name\": \"t\", \"platform\": {\"cmrs\": [[\"0x100000\", \"2Q\"]]}}"));
        assertEquals("platform.cmrs[0][1]: \"99999999999P\" is over 64 bits",
                error("{\"name\": \"t\", \"platform\": {\"cmrs\": [[\"0x100000\", \"99999999999P\"]]}}"));
        assertEquals("platform.keyIds: 31 MKTME + 32 TDX KeyIDs need 6 KeyID bits, not 5",
                error(scenario(", \"keyIds\": {\"bits\": 5}", "")));
        assertEquals("name: missing", error("{\"platform\": {" + CMRS + "}}"));
        assertEquals("name: must not be empty", error("{\"name\": \" \", \"platform\": {" + CMRS + "}}"));
        assertEquals("expect.log[0]: expected a string, found 3", error(scenario("", ", \"expect\": {\"log\": [3]}")));
        assertEquals("platform: expected an object, found an array", error("{\"name\": \"t\", \"platform\": []}"));
    }
}
