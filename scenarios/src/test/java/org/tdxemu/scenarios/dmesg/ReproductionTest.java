package org.tdxemu.scenarios.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReproductionTest {

    private static Reproduction compare(String machineLog, String... emulated) {
        return Reproduction.compare(BootLog.of(LogLine.split(machineLog)).said(), List.of(emulated));
    }

    @Test
    void theSameLinesReproduceAndTheVerdictSaysWhatTheMachinePrinted() {
        Reproduction same = compare("""
                [    2.8] virt/tdx: BIOS enabled: private KeyID range [32, 64)
                [   31.1] virt/tdx: 8396820 KB allocated for PAMT
                [   31.2] virt/tdx: module initialized
                """, "virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                "virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.",
                "virt/tdx: 8396820 KB allocated for PAMT", "virt/tdx: module initialized");
        assertEquals(List.of("reproduced: 8396820 KB allocated for PAMT, module initialized"), same.lines("host.log"));
    }

    @Test
    void twoKernelsThatWordALineDifferentlyStillAgree() {
        Reproduction reworded = compare("tdx: 4202516 KBs allocated for PAMT.\ntdx: module initialized.\n",
                "virt/tdx: 4202516 KB allocated for PAMT", "virt/tdx: module initialized");
        assertEquals(List.of("reproduced: 4202516 KB allocated for PAMT, module initialized"), reworded.lines("host.log"));
        Reproduction pages = compare("virt/tdx: 16424 KB allocated for PAMT\nvirt/tdx: module initialized\n",
                "tdx: 4106 pages allocated for PAMT.", "tdx: TDX module initialized.");
        assertEquals(true, pages.reproduced());
    }

    @Test
    void eachDifferencePutsTheMachinesLineAboveTheEmulationsOfTheSameKind() {
        Reproduction differs = compare("""
                virt/tdx: BIOS enabled: private KeyID range [32, 64)
                virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.
                virt/tdx: module initialization failed (-28)
                """, "virt/tdx: BIOS enabled: private KeyID range [32, 64)", "virt/tdx: 262668 KB allocated for PAMT",
                "virt/tdx: module initialized");
        assertEquals(List.of("differs from the machine (emr.log):",
                "  line 2    virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.",
                "  emulated  (nothing)",
                "  line 3    virt/tdx: module initialization failed (-28)",
                "  emulated  virt/tdx: module initialized"), differs.lines("emr.log"));
    }

    @Test
    void aLineTheEmulationAddsIsShownAgainstNothing() {
        Reproduction differs = compare("virt/tdx: module initialization failed (-5)\n",
                "virt/tdx: initialization failed: TDMRs exhausted.", "virt/tdx: module initialization failed (-28)");
        assertEquals(List.of("differs from the machine (host.log):",
                "  line 1    virt/tdx: module initialization failed (-5)",
                "  emulated  virt/tdx: module initialization failed (-28)",
                "  machine   (nothing)",
                "  emulated  virt/tdx: initialization failed: TDMRs exhausted."), differs.lines("host.log"));
    }

    @Test
    void aSeamcallFailureNothingInTheLogExplainsComesWithTheFaultThatPlaysIt() {
        Reproduction differs = compare("""
                virt/tdx: SEAMCALL (0x000000000000001f) failed: 0x8000080000000000
                virt/tdx: module initialization failed (-5)
                """, "virt/tdx: module initialized");
        assertEquals(List.of("differs from the machine (host.log):",
                "  line 1    virt/tdx: SEAMCALL (0x000000000000001f) failed: 0x8000080000000000",
                "  emulated  (nothing)",
                "  line 2    virt/tdx: module initialization failed (-5)",
                "  emulated  virt/tdx: module initialized",
                "the log does not say why the machine's SEAMCALL failed; to play that failure, import the log and add to "
                        + "its \"faults\": {\"leaf\": \"TDH.SYS.KEY.CONFIG\", \"status\": \"TDX_KEY_GENERATION_FAILED\"}"),
                differs.lines("host.log"));
    }

    @Test
    void aPartOfTheLogThatOnlyLacksLinesOfStepsThatWentWellIsNotHeldAgainstTheEmulation() {
        Reproduction partial = compare("virt/tdx: module initialized\n", "virt/tdx: BIOS enabled: private KeyID range [32, 64)",
                "virt/tdx: 8396820 KB allocated for PAMT", "virt/tdx: module initialized");
        assertEquals(List.of("reproduced: module initialized"), partial.lines("host.log"));
    }

    @Test
    void aLogThatNeverShowsTheModuleBeingInitializedHasNothingToCompare() {
        Reproduction nothing = compare("virt/tdx: BIOS enabled: private KeyID range [32, 64)\n",
                "virt/tdx: BIOS enabled: private KeyID range [32, 64)", "virt/tdx: module initialized");
        assertEquals(false, nothing.comparable());
        assertEquals(List.of("nothing to compare: host.log does not show the module being initialized (kernels 6.8 to "
                + "6.18 initialize it when kvm_intel loads with tdx=1)"), nothing.lines("host.log"));
    }
}
