package org.tdxemu.scenarios.dmesg;

import java.util.Optional;
import java.util.OptionalInt;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Something one line of a boot log says: about the machine (a CMR, an e820 range, how many CPUs
 * came up) or, as {@link Said}, about how the kernel's TDX initialization went.
 */
public sealed interface Fact {

    /** {@code CMR: [0x100000, 0x77800000)}: a convertible memory range the module reported. */
    record Cmr(Range range) implements Fact {
    }

    /** The TDX module's version, as far as the line gives it (major and minor always). */
    record ModuleRelease(int major, int minor, String version) implements Fact {
    }

    /** A kernel release ({@code 6.8.0-1028-intel}) with its major and minor number. */
    sealed interface Release extends Fact {
        String release();

        int major();

        int minor();
    }

    /** {@code Linux version 6.8.0-1028-intel ...}: the first line of every boot. */
    record LinuxRelease(String release, int major, int minor) implements Release {
    }

    /**
     * {@code Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-1028-intel ...}: the release the boot loader
     * started, which {@code dmesg | grep -i tdx} keeps when the command line says {@code kvm_intel.tdx=1}.
     */
    record BootImage(String release, int major, int minor) implements Release {
    }

    /** {@code BIOS-e820: [mem 0x...-0x...] usable}: one range of the firmware's memory map, by type. */
    record E820(Range range, String type) implements Fact {
        public boolean usable() {
            return type.equals("usable");
        }
    }

    /** {@code ACPI: SRAT: Node 1 PXM 1 [mem ...]}: memory the firmware places on a NUMA node. */
    record SratNode(int node, Range range) implements Fact {
    }

    /** {@code node   0: [mem ...]} under {@code Early memory node ranges}: one memblock region and its node. */
    record NodeMemory(int node, Range range) implements Fact {
    }

    /** {@code smpboot: Total of 224 processors activated}. */
    record CpusActivated(int cpus) implements Fact {
    }

    /** {@code smp: Brought up 2 nodes, 224 CPUs}. */
    record NodesBroughtUp(int nodes, int cpus) implements Fact {
    }

    /** {@code .... node  #1, CPUs:   #56 ...}: the kernel booting the CPUs of a node. */
    record SmpBootNode(int node) implements Fact {
    }

    /** {@code smpboot: Max logical packages: 2}. */
    record LogicalPackages(int packages) implements Fact {
    }

    /**
     * A line of the kernel's TDX initialization that says how it went. Two kernels that word a thing
     * differently say the same {@link #words()}, so their logs compare.
     */
    sealed interface Said extends Fact {
        /** What the line says, in the same words whichever kernel printed it. */
        String words();

        /** Whether the line tells about a step that went well; a log that lacks it may simply be cut. */
        default boolean informational() {
            return false;
        }
    }

    /** {@code BIOS enabled: private KeyID range [32, 64)}: the TDX KeyIDs, first to end. */
    record KeyIdRange(int start, int end) implements Said {
        @Override
        public String words() {
            return "private KeyID range [" + start + ", " + end + ")";
        }

        @Override
        public boolean informational() {
            return true;
        }
    }

    /** {@code 8396820 KB allocated for PAMT} (a page count in the v7 series, here in KB). */
    record PamtAllocated(long kb) implements Said {
        @Override
        public String words() {
            return kb + " KB allocated for PAMT";
        }

        @Override
        public boolean informational() {
            return true;
        }
    }

    /** {@code Enable Dynamic PAMT}: the Dynamic PAMT series found the module's feature and uses it. */
    record DynamicPamtEnabled() implements Said {
        @Override
        public String words() {
            return "Dynamic PAMT enabled";
        }

        @Override
        public boolean informational() {
            return true;
        }
    }

    /** {@code module initialized}. */
    record Initialized() implements Said {
        @Override
        public String words() {
            return "module initialized";
        }
    }

    /** {@code module initialization failed (-28)}; the v7 series printed no error number. */
    record InitializationFailed(OptionalInt kernelReturn) implements Said {
        @Override
        public String words() {
            return "module initialization failed" + (kernelReturn.isPresent() ? " (" + kernelReturn.getAsInt() + ")" : "");
        }
    }

    /** {@code initialization failed: TDMR [0x0, 0x80000000): reserved areas exhausted.} */
    record ReservedAreasExhausted(Range tdmr) implements Said {
        @Override
        public String words() {
            return "TDMR " + tdmr + ": reserved areas exhausted";
        }
    }

    /** {@code initialization failed: TDMRs exhausted.} */
    record TdmrsExhausted() implements Said {
        @Override
        public String words() {
            return "TDMRs exhausted";
        }
    }

    /** {@code SEAMCALL (0x000000000000001f) failed: 0x8000080000000000}: the leaf as RAX, and the status. */
    record SeamcallFailed(long rax, long status) implements Said {
        @Override
        public String words() {
            return "SEAMCALL " + leaf().map(Leaf::architecturalName).orElse(String.format("0x%x", rax)) + " failed: "
                    + statusName().orElse(String.format("0x%016x", status));
        }

        /** The fault, as a scenario writes it, that makes a run fail as this call did, when both have names. */
        public Optional<String> fault() {
            return leaf().flatMap(leaf -> statusName().map(name -> "{\"leaf\": \"" + leaf.architecturalName()
                    + "\", \"status\": \"" + name + "\"}"));
        }

        private Optional<Leaf> leaf() {
            return Leaf.ofNumber((int) rax).filter(l -> l.rax() == rax);
        }

        private Optional<String> statusName() {
            return StatusCode.of(status).filter(code -> code.value() == status).map(StatusCode::name);
        }
    }

    /** {@code memory region [...) is not TDX convertible memory.}: a memblock region outside every CMR. */
    record NotConvertible(Range region) implements Said {
        @Override
        public String words() {
            return "memory region " + region + " is not TDX convertible memory";
        }
    }
}
