package org.tdxemu.scenarios.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.scenarios.dmesg.Importer.MachineOutcome;
import org.tdxemu.scenarios.format.ScenarioJson;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.KeyIds;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.memory.Range;

class ImporterTest {

    private static final List<Range> TWO_SOCKET_2T_CMRS = List.of(new Range(0x100000, 0x77800000L),
            new Range(0x100000000L, 0x1003e000000L), new Range(0x10080000000L, 0x20040000000L));
    private static final String LIMITS = "a kernel log never shows the module's limits; 64 TDMRs, 16 reserved areas per "
            + "TDMR and 16-byte PAMT entries are what every module on record reports";

    private static String error(String text) {
        return assertThrows(ScenarioException.class, () -> Logs.importText("host.log", text)).getMessage();
    }

    @Test
    void theTwoSocketHostsGrepIsItsCmrsKeyIdsModuleAndWhatItPrinted() {
        ImportedMachine machine = Logs.imported("two-socket-2t-grep.log");
        assertEquals("two-socket-2t-grep", machine.name());
        assertEquals(new Cpus(1, 4), machine.cpus());
        assertEquals(new KeyIds(31, 32, 6), machine.keyIds());
        assertEquals(TWO_SOCKET_2T_CMRS, machine.cmrs());
        assertEquals(TWO_SOCKET_2T_CMRS.stream().map(r -> MemoryRegion.of(r, 0)).toList(), machine.memory());
        assertEquals(ModuleVersion.V1_5, machine.module());
        assertEquals(new KernelChoice(Profile.MAINLINE, HoleSource.CMRS), machine.kernel());
        assertEquals(Optional.of(new MachineOutcome(Optional.of(true), Optional.empty(), Optional.of(8396820L),
                List.of("virt/tdx: BIOS enabled: private KeyID range [32, 64)", "virt/tdx: 8396820 KB allocated for PAMT",
                        "virt/tdx: module initialized"))), machine.outcome());
        assertEquals(List.of(
                new Source(List.of("platform.packages", "platform.cpusPerPackage"), List.of(),
                        "the log shows no CPUs; 1 package of 4 CPUs, the scenario default", false),
                new Source(List.of("platform.keyIds"), List.of(3),
                        "TDX KeyIDs 32 to 63; the 31 below them, KeyID 0 excluded, are MKTME KeyIDs", false),
                new Source(List.of("platform.cmrs"), List.of(6, 7, 8), "", false),
                new Source(List.of("platform.memory"), List.of(), "the log has no e820 map and no `Early memory node "
                        + "ranges`; memory is the CMRs, all on node 0", false),
                new Source(List.of("module.version"), List.of(5), "module 1.5 (build 784, 20240725) is personality 1.5",
                        false),
                new Source(List.of("module.maxTdmrs", "module.maxReservedPerTdmr", "module.pamtEntrySize"), List.of(),
                        LIMITS, false),
                new Source(List.of("kernel.profile", "kernel.holes"), List.of(1), "Linux 6.8.0-1028-intel: Ubuntu's -intel "
                        + "kernels carry the unmerged CMR series: the merged kernel's init, with holes taken from the CMRs",
                        true),
                new Source(List.of("expect"), List.of(3, 9, 10), "", false)), machine.sources());
        assertEquals(List.of(), machine.unreadable());
    }

    @Test
    void theWrittenScenarioReadsBackAsTheSameMachine() {
        ImportedMachine machine = Logs.imported("two-socket-2t-boot.log");
        Scenario scenario = ScenarioReader.parse(ScenarioJson.write(machine.scenarioJson()));
        assertEquals(2, scenario.platform().packages());
        assertEquals(8, scenario.platform().cpusPerPackage());
        assertEquals(machine.cmrs(), scenario.platform().cmrs());
        assertEquals(machine.memory(), scenario.platform().memory());
        assertEquals(ModuleVersion.V1_5, scenario.module().version());
        assertEquals(HoleSource.CMRS, scenario.kernel().holes());
        assertEquals(Optional.of(Optional.empty()), scenario.expect().orElseThrow().errno());
        assertEquals(List.of("virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                "virt/tdx: 8396820 KB allocated for PAMT", "virt/tdx: module initialized"), scenario.expect().orElseThrow().log());
    }

    @Test
    void theEarlyMemoryNodeRangesAreMemblockItselfNodesIncluded() {
        ImportedMachine machine = Logs.imported("two-socket-2t-boot.log");
        assertEquals(List.of(new MemoryRegion(0x1000, 0x9f000, 0), new MemoryRegion(0x100000, 0x77800000L, 0),
                new MemoryRegion(0x100000000L, 0x1003e000000L, 0), new MemoryRegion(0x10080000000L, 0x20040000000L, 1)),
                machine.memory());
        assertEquals(new Source(List.of("platform.memory"), List.of(25, 26, 27, 28),
                "memblock's regions and nodes, from the `Early memory node ranges` block", false),
                source(machine, "platform.memory"));
        assertEquals(new Source(List.of("platform.packages", "platform.cpusPerPackage"), List.of(35, 36),
                "16 CPUs in 2 packages, one package per NUMA node", false), source(machine, "platform.packages"));
    }

    @Test
    void theE820MapsUsableRangesGoOnTheSratsNodes() {
        ImportedMachine machine = Logs.imported("emr-rhel.log");
        List<MemoryRegion> memory = machine.memory();
        assertEquals(19, memory.size());
        assertEquals(new MemoryRegion(0, 0x9f000, 0), memory.get(0));
        assertEquals(new MemoryRegion(0x6f7ff000L, 0x6f800000L, 0), memory.get(16));
        assertEquals(new MemoryRegion(0x100000000L, 0x880000000L, 0), memory.get(17));
        assertEquals(new MemoryRegion(0x880000000L, 0x107a000000L, 1), memory.get(18));
        assertEquals("the e820 map's usable ranges, on the nodes of the SRAT's memory ranges",
                source(machine, "platform.memory").why());
        assertEquals(new Cpus(2, 4), machine.cpus());
        assertEquals(new KeyIds(63, 64, 7), machine.keyIds());
        assertEquals(new KernelChoice(Profile.MAINLINE, HoleSource.MEMBLOCK), machine.kernel());
        assertEquals(Optional.of(new MachineOutcome(Optional.of(false), Optional.of(Errno.ENOSPC), Optional.empty(),
                List.of("virt/tdx: BIOS enabled: private KeyID range [64, 128)",
                        "virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.",
                        "virt/tdx: module initialization failed (-28)"))), machine.outcome());
    }

    @Test
    void memoryNoSratRangeHoldsGoesToNodeZeroAndTheScenarioSaysSo() {
        ImportedMachine machine = Logs.importText("host.log", """
                BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable
                BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] usable
                ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x13fffffff]
                virt/tdx: CMR: [0x100000, 0x80000000)
                virt/tdx: CMR: [0x100000000, 0x180000000)
                """);
        assertEquals(List.of(new MemoryRegion(0x100000, 0x80000000L, 0), new MemoryRegion(0x100000000L, 0x140000000L, 1),
                new MemoryRegion(0x140000000L, 0x180000000L, 0)), machine.memory());
        assertEquals("the e820 map's usable ranges, on the nodes of the SRAT's memory ranges; no SRAT range holds "
                + "[0x100000, 0x80000000), [0x140000000, 0x180000000), put on node 0",
                source(machine, "platform.memory").why());
        assertEquals(List.of(1, 2, 3), source(machine, "platform.memory").lines());
    }

    @Test
    void touchingUsableRangesAreOneRegionAsMemblockMakesThem() {
        ImportedMachine machine = Logs.importText("host.log", """
                BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] usable
                BIOS-e820: [mem 0x0000000040000000-0x000000007fffffff] usable
                virt/tdx: CMR: [0x100000, 0x80000000)
                """);
        assertEquals(List.of(new MemoryRegion(0x100000, 0x80000000L, 0)), machine.memory());
        assertEquals("the e820 map's usable ranges, all on node 0 (the log has no SRAT lines)",
                source(machine, "platform.memory").why());
    }

    @Test
    void theKernelsWordingAndReleasePickTheProfile() {
        assertEquals(new KernelChoice(Profile.V7, HoleSource.MEMBLOCK), Logs.imported("v7-series.log").kernel());
        assertEquals("the line `tdx: TDX enabled by BIOS. TDX private KeyID range: [32, 64)` is the 2022 v7 series' "
                + "wording", source(Logs.imported("v7-series.log"), "kernel.profile").why());
        ImportedMachine old = Logs.imported("tdx-host-2023.log");
        assertEquals(new KernelChoice(Profile.MAINLINE, HoleSource.MEMBLOCK), old.kernel());
        assertEquals("Linux 6.2.16-tdx-host: older than 6.8, so an unmerged TDX host series; mainline, its nearest "
                + "merged form", source(old, "kernel.profile").why());
        assertEquals(new KernelChoice(Profile.MAINLINE, HoleSource.MEMBLOCK), Logs.imported("gnr-2.0.log").kernel());
        assertEquals("Linux 6.16.3-200.fc42.x86_64: merged TDX host support; mainline (6.18)",
                source(Logs.imported("gnr-2.0.log"), "kernel.profile").why());
        assertEquals("Linux 6.18.2: merged TDX host support; mainline (6.18)", kernelWhy("Linux version 6.18.2 (gcc)"));
        assertEquals("Linux 7.1.0-rc2: newer than 6.18; latest, today's mainline",
                kernelWhy("Linux version 7.1.0-rc2 (gcc)"));
        assertEquals("the log has no `Linux version` line, and `tdx: module initialized.` is the wording of a kernel "
                + "tdxemu has no profile for; mainline, the nearest", kernelWhy("tdx: module initialized."));
        assertEquals("the log shows neither the kernel's version nor its TDX messages; mainline, the default",
                kernelWhy(""));
    }

    private static String kernelWhy(String line) {
        return source(Logs.importText("host.log", line + "\nvirt/tdx: CMR: [0x100000, 0x80000000)\n"), "kernel.profile")
                .why();
    }

    /** Where the value of {@code field} came from. */
    private static Source source(ImportedMachine machine, String field) {
        return machine.sources().stream().filter(s -> s.fields().contains(field)).findFirst().orElseThrow();
    }

    @Test
    void aLineInAnotherKernelsWordsTellsTheExpectationButIsNotCopiedIntoIt() {
        MachineOutcome outcome = Logs.imported("tdx-host-2023.log").outcome().orElseThrow();
        assertEquals(new MachineOutcome(Optional.of(true), Optional.empty(), Optional.of(4202516L), List.of()), outcome);
        assertEquals(new Source(List.of("expect"), List.of(2, 6, 7), "3 of the lines are in another kernel's words than "
                + "the mainline profile's: the expectation keeps what they say, not their text", false),
                source(Logs.imported("tdx-host-2023.log"), "expect"));
    }

    @Test
    void moduleReleasesMapToTheNearestPersonalityAndSaySo() {
        assertEquals(List.of(ModuleVersion.V1_5, "module 2.0.08.00 is newer than every personality; it plays as 1.5, "
                + "the newest", true), module("virt/tdx: TDX module 2.0.08.00, build number 882, build date 0134fed5"));
        assertEquals(List.of(ModuleVersion.V1_5, "module 1.5.1.0 is personality 1.5", false),
                module("virt/tdx: module verson: 1.5.1.0"));
        assertEquals(List.of(ModuleVersion.V1_0, "module 1.0 (build 394, 20220505) is personality 1.0", false),
                module("tdx: TDX module: atributes 0x0, vendor_id 0x8086, major_version 1, minor_version 0, build_date "
                        + "20220505, build_num 394"));
        assertEquals(List.of(ModuleVersion.V1_0, "module 1.4.2 predates TDH.SYS.RD (1.5); it plays as personality 1.0",
                true), module("virt/tdx: TDX module version: 1.4.2"));
        assertEquals(List.of(ModuleVersion.V1_5, "the log's module version 0.0 means the kernel could not read it; "
                + "personality 1.5, the newest", false), module("virt/tdx: Module version: 0.0.00"));
        assertEquals(List.of(ModuleVersion.V1_5, "the log does not show the module's version; personality 1.5, the "
                + "newest", false), module(""));
    }

    private static List<Object> module(String line) {
        ImportedMachine machine = Logs.importText("host.log", line + "\nvirt/tdx: CMR: [0x100000, 0x80000000)\n");
        Source source = source(machine, "module.version");
        return List.of(machine.module(), source.why(), source.approximate());
    }

    @Test
    void cpuCountsThatDoNotSplitEvenlyAreRoundedUpAndSaid() {
        ImportedMachine machine = Logs.importText("host.log", """
                smpboot: Max logical packages: 3
                smpboot: Total of 224 processors activated (1075200.00 BogoMIPS)
                virt/tdx: CMR: [0x100000, 0x80000000)
                """);
        assertEquals(new Cpus(3, 75), machine.cpus());
        assertEquals(new Source(List.of("platform.packages", "platform.cpusPerPackage"), List.of(1, 2),
                "224 CPUs in 3 packages; they do not split evenly, so each package has 75", true),
                source(machine, "platform.packages"));
    }

    @Test
    void aLogWithoutCmrsSaysWhatIsMissingAndWhichCommandPrintsIt() {
        assertEquals("host.log: no CMR lines (`virt/tdx: CMR: [start, end)`), and a scenario needs the CMRs; "
                + "`dmesg | grep -i tdx` on a kernel with TDX host support prints them",
                error("virt/tdx: BIOS enabled: private KeyID range [32, 64)\nvirt/tdx: module initialized\n"));
        assertEquals("host.log: no CMR lines (`virt/tdx: CMR: [start, end)`), and a scenario needs the CMRs; "
                + "`dmesg | grep -i tdx` on a kernel with TDX host support prints them", error(""));
    }

    @Test
    void linesThatContradictEachOtherAreAnErrorNamingBoth() {
        assertEquals("host.log: line 1 says private KeyID range [32, 64) but line 3 says private KeyID range [16, 64)",
                error("""
                        virt/tdx: BIOS enabled: private KeyID range [32, 64)
                        virt/tdx: CMR: [0x100000, 0x80000000)
                        virt/tdx: BIOS enabled: private KeyID range [16, 64)
                        """));
        assertEquals("host.log: line 1 says CMR [0x100000, 0x80000000) but line 2 says CMR [0x40000000, 0xc0000000), "
                + "which overlaps it", error("virt/tdx: CMR: [0x100000, 0x80000000)\nvirt/tdx: CMR: [0x40000000, 0xc0000000)\n"));
        assertEquals("host.log: line 2 says 8396820 KB allocated for PAMT but line 3 says 4202516 KB allocated for PAMT",
                error("virt/tdx: CMR: [0x100000, 0x80000000)\nvirt/tdx: 8396820 KB allocated for PAMT\n"
                        + "virt/tdx: 4202516 KB allocated for PAMT\n"));
        assertEquals("host.log: line 2 says the module initialized but line 3 says its initialization failed",
                error("virt/tdx: CMR: [0x100000, 0x80000000)\nvirt/tdx: module initialized\n"
                        + "virt/tdx: module initialization failed (-5)\n"));
        assertEquals("host.log: line 1 says module 1.5 but line 2 says module 2.0",
                error("virt/tdx: TDX module version: 1.5.24\nvirt/tdx: TDX module 2.0.08.00, build number 882, build "
                        + "date 0134fed5\nvirt/tdx: CMR: [0x100000, 0x80000000)\n"));
        assertEquals("host.log: lines 1, 3 each begin a boot; import one boot's log (`journalctl -k -b 0` prints the "
                + "current one)", error("Linux version 6.8.0 (gcc)\nvirt/tdx: CMR: [0x100000, 0x80000000)\n"
                + "Linux version 6.8.0 (gcc)\n"));
    }

    @Test
    void malformedLinesAreNamedWithTheirNumbersAndTheRestIsStillImported() {
        ImportedMachine machine = Logs.importText("host.log", """
                virt/tdx: BIOS enabled: private KeyID range [32, 64)
                virt/tdx: CMR: [0x100000, 0x7780000
                virt/tdx: CMR: [0x100000000, 0x1003e000800)
                virt/tdx: CMR: [0x100000, 0x77800000)
                virt/tdx: lots KB allocated for PAMT
                virt/tdx: module initialized
                """);
        assertEquals(List.of(new Range(0x100000, 0x77800000L)), machine.cmrs());
        assertEquals(List.of("host.log:2: not read: a CMR line in no wording tdxemu knows",
                "host.log:3: not read: CMR [0x100000000, 0x1003e000800) is not 4 KiB aligned, and the module's CMRs are",
                "host.log:5: not read: a PAMT line in no wording tdxemu knows"),
                machine.notes(false).stream().filter(n -> n.contains("not read")).toList());
        assertEquals(Optional.of(true), machine.outcome().orElseThrow().initialized());
        assertEquals("host.log: none of the CMR lines could be read (line 1)",
                error("virt/tdx: CMR: [0x100000, 0x1000800)\n"));
    }

    @Test
    void aLimitTheScenarioReaderWouldRefuseIsNamedByTheLogLine() {
        assertEquals("host.log:1: CMR [0x100000, 0x400000001000) ends above 0x400000000000: with 6 KeyID bits, memory "
                + "decodes 46 address bits", error("virt/tdx: CMR: [0x100000, 0x400000001000)\n"));
        assertEquals("host.log:1: memory [0x100000, 0x400000001000) ends above 0x400000000000, the first address the "
                + "KeyID bits leave no memory at", error("BIOS-e820: [mem 0x0000000000100000-0x0000400000000fff] usable\n"
                + "virt/tdx: CMR: [0x100000, 0x80000000)\n"));
        assertEquals("host.log:1: 40 packages; tdxemu emulates 1 to 16", error("smpboot: Max logical packages: 40\n"
                + "virt/tdx: CMR: [0x100000, 0x80000000)\n"));
        assertEquals("host.log:1: 5000 CPUs; tdxemu emulates 1 to 4096", error("smpboot: Total of 5000 processors "
                + "activated\nvirt/tdx: CMR: [0x100000, 0x80000000)\n"));
        assertEquals("host.log:1: private KeyID range [2, 131072) needs 17 KeyID bits; at most 16 are possible",
                error("virt/tdx: BIOS enabled: private KeyID range [2, 131072)\nvirt/tdx: CMR: [0x100000, 0x80000000)\n"));
    }
}
