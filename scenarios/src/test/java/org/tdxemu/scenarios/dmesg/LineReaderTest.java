package org.tdxemu.scenarios.dmesg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Profile;
import org.tdxemu.scenarios.dmesg.Fact.BootImage;
import org.tdxemu.scenarios.dmesg.Fact.Cmr;
import org.tdxemu.scenarios.dmesg.Fact.CpusActivated;
import org.tdxemu.scenarios.dmesg.Fact.E820;
import org.tdxemu.scenarios.dmesg.Fact.InitializationFailed;
import org.tdxemu.scenarios.dmesg.Fact.Initialized;
import org.tdxemu.scenarios.dmesg.Fact.KeyIdRange;
import org.tdxemu.scenarios.dmesg.Fact.LinuxRelease;
import org.tdxemu.scenarios.dmesg.Fact.LogicalPackages;
import org.tdxemu.scenarios.dmesg.Fact.ModuleRelease;
import org.tdxemu.scenarios.dmesg.Fact.NodeMemory;
import org.tdxemu.scenarios.dmesg.Fact.NodesBroughtUp;
import org.tdxemu.scenarios.dmesg.Fact.NotConvertible;
import org.tdxemu.scenarios.dmesg.Fact.PamtAllocated;
import org.tdxemu.scenarios.dmesg.Fact.ReservedAreasExhausted;
import org.tdxemu.scenarios.dmesg.Fact.SeamcallFailed;
import org.tdxemu.scenarios.dmesg.Fact.SmpBootNode;
import org.tdxemu.scenarios.dmesg.Fact.SratNode;
import org.tdxemu.scenarios.dmesg.Fact.TdmrsExhausted;
import org.tdxemu.scenarios.dmesg.LineReader.Read;
import org.tdxemu.scenarios.dmesg.LineReader.Unreadable;
import org.tdxemu.seamcall.memory.Range;

/** Every wording the import reads, as the issue and real logs write it, and what each states. */
class LineReaderTest {

    private static final Set<Profile> NONE = EnumSet.noneOf(Profile.class);
    private static final Set<Profile> MAINLINE = EnumSet.of(Profile.MAINLINE);
    private static final Set<Profile> V7 = EnumSet.of(Profile.V7);
    private static final Set<Profile> MERGED = EnumSet.of(Profile.MAINLINE, Profile.LATEST, Profile.DPAMT);
    private static final Set<Profile> LATEST = EnumSet.of(Profile.LATEST, Profile.DPAMT);

    private static void reads(String message, Fact fact, Set<Profile> printedBy) {
        LogLine line = new LogLine(12, message);
        assertEquals(Optional.of(new Read(fact, line, printedBy)), LineReader.read(line), message);
    }

    private static void unreadable(String message, String why) {
        LogLine line = new LogLine(12, message);
        assertEquals(Optional.of(new Unreadable(line, why)), LineReader.read(line), message);
    }

    @Test
    void cmrsInEveryPrefixAndNumbering() {
        Cmr cmr = new Cmr(new Range(0x100000, 0x77800000L));
        reads("virt/tdx: CMR: [0x100000, 0x77800000)", cmr, NONE);
        reads("tdx: CMR: [0x100000, 0x77800000)", cmr, NONE);
        reads("virt/tdx: CMR[0]: [0x100000, 0x77800000)", cmr, NONE);
        reads("virt/tdx: CMR 0: [0x100000, 0x77800000)", cmr, NONE);
        reads("tdx: Kernel-checked-CMR : [0x100000, 0x77800000)", cmr, NONE);
        reads("virt/tdx: CMR: [0x10080000000, 0x20040000000)", new Cmr(new Range(0x10080000000L, 0x20040000000L)), NONE);
    }

    @Test
    void keyIdRangesInTheMergedAndTheV7Wording() {
        reads("virt/tdx: BIOS enabled: private KeyID range [32, 64)", new KeyIdRange(32, 64), MERGED);
        reads("tdx: BIOS enabled: private KeyID range [32, 64)", new KeyIdRange(32, 64), NONE);
        reads("tdx: TDX enabled by BIOS. TDX private KeyID range: [32, 64)", new KeyIdRange(32, 64), V7);
    }

    @Test
    void moduleVersionsInEveryWording() {
        reads("virt/tdx: TDX module: attributes 0x0, vendor_id 0x8086, major_version 1, minor_version 5, "
                + "build_date 20240725, build_num 784", new ModuleRelease(1, 5, "1.5 (build 784, 20240725)"), NONE);
        reads("tdx: TDX module: atributes 0x0, vendor_id 0x8086, major_version 1, minor_version 0, "
                + "build_date 20220505, build_num 394", new ModuleRelease(1, 0, "1.0 (build 394, 20220505)"), NONE);
        reads("virt/tdx: TDX module 2.0.08.00, build number 882, build date 0134fed5",
                new ModuleRelease(2, 0, "2.0.08.00"), NONE);
        reads("virt/tdx: module verson: 1.5.1.0", new ModuleRelease(1, 5, "1.5.1.0"), NONE);
        reads("virt/tdx: TDX module version: 1.5.24", new ModuleRelease(1, 5, "1.5.24"), NONE);
        reads("virt/tdx: Module version: 1.5.06", new ModuleRelease(1, 5, "1.5.06"), NONE);
    }

    @Test
    void pamtInKbKbsAndPages() {
        reads("virt/tdx: 8396820 KB allocated for PAMT", new PamtAllocated(8396820), MERGED);
        reads("tdx: 4202516 KBs allocated for PAMT.", new PamtAllocated(4202516), NONE);
        reads("virt/tdx: 1050644 KBs allocated for PAMT", new PamtAllocated(1050644), NONE);
        reads("tdx: 4106 pages allocated for PAMT.", new PamtAllocated(16424), V7);
    }

    @Test
    void outcomesInEveryWording() {
        reads("virt/tdx: module initialized", new Initialized(), MAINLINE);
        reads("tdx: module initialized.", new Initialized(), NONE);
        reads("tdx: TDX module initialized.", new Initialized(), V7);
        reads("virt/tdx: TDX-Module initialized", new Initialized(), LATEST);
        reads("virt/tdx: Enable Dynamic PAMT", new Fact.DynamicPamtEnabled(), EnumSet.of(Profile.DPAMT));
        reads("virt/tdx: module initialization failed (-28)", new InitializationFailed(OptionalInt.of(-28)), MAINLINE);
        reads("virt/tdx: TDX-Module initialization failed (-5)", new InitializationFailed(OptionalInt.of(-5)), LATEST);
        reads("tdx: Failed to initialize TDX module. Shut it down.", new InitializationFailed(OptionalInt.empty()), V7);
        reads("virt/tdx: initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.",
                new ReservedAreasExhausted(new Range(0, 0x80000000L)), MERGED);
        reads("virt/tdx: initialization failed: TDMRs exhausted.", new TdmrsExhausted(), MERGED);
        reads("virt/tdx: SEAMCALL (0x000000000000001f) failed: 0x8000080000000000",
                new SeamcallFailed(0x1f, 0x8000080000000000L), MERGED);
        reads("virt/tdx: memory region [0x100000, 0x80000000) is not TDX convertible memory.",
                new NotConvertible(new Range(0x100000, 0x80000000L)), MERGED);
        reads("tdx: Memory region [0x100000, 0x80000000) is not TDX convertible memorry.",
                new NotConvertible(new Range(0x100000, 0x80000000L)), V7);
    }

    @Test
    void theMachinesMemoryCpusAndKernel() {
        reads("Linux version 6.8.0-1028-intel (buildd@lcy02-amd64-063) (gcc 13.3.0) #35-Ubuntu SMP",
                new LinuxRelease("6.8.0-1028-intel", 6, 8), NONE);
        reads("Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-1028-intel root=/dev/sda2 ro kvm_intel.tdx=1",
                new BootImage("6.8.0-1028-intel", 6, 8), NONE);
        reads("BIOS-e820: [mem 0x0000000000100000-0x000000005d168fff] usable",
                new E820(new Range(0x100000, 0x5d169000L), "usable"), NONE);
        reads("BIOS-e820: [mem 0x000000005d169000-0x000000005d22afff] ACPI NVS",
                new E820(new Range(0x5d169000L, 0x5d22b000L), "ACPI NVS"), NONE);
        reads("ACPI: SRAT: Node 1 PXM 1 [mem 0x10080000000-0x2003fffffff]",
                new SratNode(1, new Range(0x10080000000L, 0x20040000000L)), NONE);
        reads("ACPI: SRAT: Node 1 PXM 3 [mem 0x10080000000-0x2003fffffff] hotplug",
                new SratNode(1, new Range(0x10080000000L, 0x20040000000L)), NONE);
        reads("  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                new NodeMemory(0, new Range(0x1000, 0x9f000)), NONE);
        reads("smpboot: Total of 224 processors activated (1075200.00 BogoMIPS)", new CpusActivated(224), NONE);
        reads("smp: Brought up 2 nodes, 224 CPUs", new NodesBroughtUp(2, 224), NONE);
        reads("smp: Brought up 1 node, 1 CPU", new NodesBroughtUp(1, 1), NONE);
        reads(".... node  #1, CPUs:    #56  #57  #58", new SmpBootNode(1), NONE);
        reads("smpboot: Max logical packages: 2", new LogicalPackages(2), NONE);
    }

    @Test
    void aLineThatStartsLikeOneButDoesNotFinishIsNamedNotGuessed() {
        unreadable("virt/tdx: CMR: [0x100000, 0x7780000", "a CMR line in no wording tdxemu knows");
        unreadable("virt/tdx: CMR: [0x77800000, 0x100000)", "a CMR line, but [0x77800000, 0x100000) is empty or ends "
                + "before it starts");
        unreadable("virt/tdx: CMR: [0x100000, 0x1ffffffffffffffff)", "a CMR line, but 0x1ffffffffffffffff does not fit "
                + "64 bits");
        unreadable("virt/tdx: BIOS enabled: private KeyID range [64, 32)", "a KeyID line, but [64, 32) is not a range of "
                + "KeyIDs above KeyID 0");
        unreadable("virt/tdx: BIOS enabled: private KeyID range [0, 32)", "a KeyID line, but [0, 32) is not a range of "
                + "KeyIDs above KeyID 0");
        unreadable("virt/tdx: 99999999999999999999 KB allocated for PAMT", "a PAMT line, but 99999999999999999999 is "
                + "too large");
        unreadable("virt/tdx: lots KB allocated for PAMT", "a PAMT line in no wording tdxemu knows");
        unreadable("BIOS-e820: [mem 0x5d169000-0x100000] usable", "an e820 line, but 0x5d169000-0x100000 is not a range "
                + "of addresses");
        unreadable("smp: Brought up 2 nodes, many CPUs", "a brought-up line in no wording tdxemu knows");
    }

    @Test
    void linesTheImportDoesNotNeedAreLeftAlone() {
        for (String message : java.util.List.of("virt/tdx: Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.",
                "kvm_intel: TDX is supported.", "Kernel command line: BOOT_IMAGE=/vmlinuz root=/dev/sda2 ro", "",
                "Initmem setup node 0 [mem 0x0000000000001000-0x000001003dffffff]", "tdx guest: not a host line")) {
            assertEquals(Optional.empty(), LineReader.read(new LogLine(1, message)), message);
        }
    }
}
