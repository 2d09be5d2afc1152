package org.tdxemu.scenarios.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.dmesg.LineReader.Read;
import org.tdxemu.scenarios.format.ScenarioJson;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.KeyIds;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.memory.Range;

/**
 * Each bundled scenario that a log can describe whole, written out as the boot log its machine
 * would print (its memory map, CPUs, CMRs, module version and the emulated kernel's own lines),
 * imports as the same machine and reproduces itself.
 */
class BundledScenariosAsLogsTest {

    /** The scenarios a log describes whole: no injected faults, offline CPUs, defects, reserved RAM or odd limits. */
    private static final List<String> DESCRIBABLE = List.of("eight-socket-32t", "eight-socket-64t",
            "eight-socket-64t-dpamt", "emr-17-holes", "emr-17-holes-cmr", "four-socket-8t", "module-1.0-mainline",
            "module-1.0-v7", "one-socket-256g", "ram-outside-cmrs", "small-dpamt", "small-four-socket-cmr-holes",
            "small-two-socket", "small-v7", "two-socket-2t", "two-socket-2t-dpamt", "two-socket-2t-latest");

    @Test
    void theScenariosALogDescribesWholeAreTheOnesThisTestCovers() {
        List<String> describable = Library.names().stream().filter(n -> describable(Library.load(n))).sorted().toList();
        assertEquals(DESCRIBABLE, describable);
    }

    @Test
    void eachImportsAsTheSameMachineAndReproducesItsOwnLog() {
        for (String name : DESCRIBABLE) {
            Scenario bundled = Library.load(name);
            RunReport original = ScenarioRunner.run(bundled.withoutExpectations());
            ImportedMachine machine = Logs.importText(name + ".log", bootLog(bundled, original.log()));
            Scenario imported = ScenarioReader.parse(ScenarioJson.write(machine.scenarioJson()));
            assertEquals(bundled.platform().cmrs(), imported.platform().cmrs(), name);
            assertEquals(bundled.platform().memory(), imported.platform().memory(), name);
            assertEquals(bundled.platform().packages(), imported.platform().packages(), name);
            assertEquals(bundled.platform().cpusPerPackage(), imported.platform().cpusPerPackage(), name);
            assertEquals(bundled.platform().keyIds(), imported.platform().keyIds(), name);
            assertEquals(bundled.module().version(), imported.module().version(), name);
            assertEquals(bundled.kernel(), imported.kernel(), name);
            RunReport rerun = ScenarioRunner.run(imported);
            assertEquals(List.of(), rerun.failedExpectations(), name);
            assertEquals(original.log(), rerun.log(), name);
            Reproduction reproduction = Reproduction.compare(machine.said(), rerun.log());
            assertTrue(reproduction.reproduced(), name + ": " + reproduction.lines(name));
        }
    }

    /** Every line the emulated kernels print that the import reads as a verdict is worded as the profile's own. */
    @Test
    void theWordingTableSaysTruthfullyWhichKernelPrintsEachLine() {
        int checked = 0;
        for (String name : Library.names()) {
            Scenario scenario = Library.load(name);
            RunReport report = ScenarioRunner.run(scenario.withoutExpectations());
            for (int i = 0; i < report.log().size(); i++) {
                var reading = LineReader.read(new LogLine(i + 1, report.log().get(i)));
                if (reading.isPresent() && reading.get() instanceof Read read && read.fact() instanceof Fact.Said) {
                    assertTrue(read.printedBy().contains(scenario.kernel().profile()), name + ": " + report.log().get(i)
                            + " is printed by " + read.printedBy());
                    checked++;
                }
            }
        }
        assertTrue(checked > 60, checked + " lines");
    }

    private static boolean describable(Scenario scenario) {
        PlatformSpec p = scenario.platform();
        ModuleSpec m = scenario.module();
        return scenario.faults().isEmpty() && p.offlineCpus().isEmpty() && p.defects().isEmpty()
                && p.reserved().isEmpty() && p.seamrr().isEmpty() && !p.partialWriteErratum()
                && p.keyIds().bits() == KeyIds.bitsFor(p.keyIds().mktme(), p.keyIds().tdx())
                && m.maxTdmrs() == 64 && m.maxReservedPerTdmr() == 16 && m.pamtEntrySize() == 16
                && m.tdxFeatures0().isEmpty()
                && m.dynamicPamt() == (scenario.kernel().profile() == Profile.DPAMT)
                // The series falls back silently when the KeyID bits leave more than 48 address bits.
                && (!m.dynamicPamt() || PhysicalAddress.MAX_BITS - p.keyIds().bits() <= 48);
    }

    /** The boot log the scenario's machine would print, with the emulated kernel's TDX lines at the end. */
    private static String bootLog(Scenario scenario, List<String> kernelLines) {
        Profile profile = scenario.kernel().profile();
        List<String> log = new ArrayList<>();
        if (profile == Profile.MAINLINE) {
            log.add("Linux version " + (scenario.kernel().holes() == HoleSource.CMRS ? "6.8.0-1028-intel" : "6.18.0")
                    + " (gcc 14.2.0) #1 SMP PREEMPT_DYNAMIC");
        }
        log.add("Early memory node ranges");
        for (MemoryRegion region : scenario.platform().memory()) {
            log.add(String.format("  node %3d: [mem 0x%016x-0x%016x]", region.node(), region.start(), region.end() - 1));
        }
        log.add("smpboot: Max logical packages: " + scenario.platform().packages());
        log.add("smpboot: Total of " + scenario.platform().cpuCount() + " processors activated (9600.00 BogoMIPS)");
        String prefix = profile.logPrefix();
        if (profile == Profile.MAINLINE) {
            log.add(prefix + "TDX module version: " + (scenario.module().version() == ModuleVersion.V1_0 ? "1.0.3"
                    : "1.5.24"));
        }
        for (Range cmr : scenario.platform().cmrs()) {
            log.add(prefix + "CMR: " + cmr);
        }
        for (int i = 0; i < kernelLines.size(); i++) {
            log.add(String.format("[%5d.%06d] %s", 30 + i, i * 17, kernelLines.get(i)));
        }
        return String.join("\n", log) + "\n";
    }
}
