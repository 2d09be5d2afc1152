package org.tdxemu.kernel.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.memory.Range;

/**
 * The machine as the kernel sees it at boot: memblock's memory regions with their NUMA nodes, the
 * ranges already in use (kernel image, firmware) that the page allocator never hands out, the
 * logical CPUs, the KeyID partitioning MSR, and the few CPU and configuration facts the TDX code
 * checks.
 *
 * @param memblock memory regions, ascending and non-overlapping; adjacent regions stay separate,
 *                 as memblock keeps regions of different nodes apart
 * @param reserved RAM in use before the page allocator starts, ascending and non-overlapping
 * @param cpus logical CPUs by ascending id; the first online one is the boot CPU
 * @param keyIdPartitioning the MSR's value, or empty when reading it faults
 * @param partialWriteErratum X86_BUG_TDX_PW_MCE: the CPU is Sapphire Rapids-X or Emerald Rapids-X
 * @param hibernationAvailable hibernation was not disabled (no {@code nohibernate} on the command line)
 * @param acpiSuspend the kernel is built with CONFIG_ACPI and CONFIG_SUSPEND, as distribution kernels are
 * @param x2apicEnabled the local APICs run in x2APIC mode (the v7 series refuses TDX otherwise)
 * @param x86PhysBits {@code x86_phys_bits}: the CPU's 52 physical address bits less the KeyID bits
 *                    MKTME takes from the top of an address
 */
public record HostConfig(List<MemoryRegion> memblock, List<Range> reserved, List<Cpu> cpus,
                         Optional<KeyIdPartitioningMsr> keyIdPartitioning, boolean partialWriteErratum,
                         boolean hibernationAvailable, boolean acpiSuspend, boolean x2apicEnabled, int x86PhysBits) {

    /** What CPUID reports before MKTME takes its KeyID bits. */
    public static final int MAX_PHYS_BITS = PhysicalAddress.MAX_BITS;

    public HostConfig {
        memblock = List.copyOf(memblock);
        reserved = List.copyOf(reserved);
        cpus = List.copyOf(cpus);
        if (memblock.isEmpty()) {
            throw new IllegalArgumentException("a host needs at least one memory region");
        }
        for (int i = 1; i < memblock.size(); i++) {
            if (Long.compareUnsigned(memblock.get(i).start(), memblock.get(i - 1).end()) < 0) {
                throw new IllegalArgumentException("memory region " + memblock.get(i).range()
                        + " is unsorted or overlaps " + memblock.get(i - 1).range());
            }
        }
        for (int i = 1; i < reserved.size(); i++) {
            if (Long.compareUnsigned(reserved.get(i).start(), reserved.get(i - 1).end()) < 0) {
                throw new IllegalArgumentException("reserved range " + reserved.get(i)
                        + " is unsorted or overlaps " + reserved.get(i - 1));
            }
        }
        for (int i = 1; i < cpus.size(); i++) {
            if (cpus.get(i).id() <= cpus.get(i - 1).id()) {
                throw new IllegalArgumentException("CPU ids must ascend: " + cpus.get(i - 1).id() + ", " + cpus.get(i).id());
            }
        }
        if (cpus.stream().noneMatch(Cpu::online)) {
            throw new IllegalArgumentException("a host needs an online CPU to boot on");
        }
        if (x86PhysBits < Page.SHIFT || x86PhysBits > MAX_PHYS_BITS) {
            throw new IllegalArgumentException("x86_phys_bits must be " + Page.SHIFT + " to " + MAX_PHYS_BITS + ": "
                    + x86PhysBits);
        }
    }

    /**
     * A host with no reserved RAM, the erratum absent, hibernation disabled, ACPI suspend built in,
     * x2APIC on, and as few KeyID bits as number KeyID 0, the MKTME and the TDX KeyIDs: the usual
     * TDX host.
     */
    public static HostConfig of(List<MemoryRegion> memblock, List<Cpu> cpus, KeyIdPartitioningMsr keyIds) {
        long highestKeyId = keyIds.mktmeKeyIds() + keyIds.tdxKeyIds();
        int keyIdBits = Long.SIZE - Long.numberOfLeadingZeros(highestKeyId);
        return new HostConfig(memblock, List.of(), cpus, Optional.of(keyIds), false, false, true, true,
                MAX_PHYS_BITS - keyIdBits);
    }

    /**
     * CPUs numbered 0 … packages × cpusPerPackage − 1, CPU n in package n / cpusPerPackage, all online
     * except {@code offline}.
     */
    public static List<Cpu> cpus(int packages, int cpusPerPackage, Set<Integer> offline) {
        List<Cpu> cpus = new ArrayList<>();
        for (int id = 0; id < packages * cpusPerPackage; id++) {
            cpus.add(new Cpu(id, id / cpusPerPackage, !offline.contains(id)));
        }
        return cpus;
    }

    public HostConfig withReserved(List<Range> ranges) {
        return new HostConfig(memblock, ranges, cpus, keyIdPartitioning, partialWriteErratum, hibernationAvailable,
                acpiSuspend, x2apicEnabled, x86PhysBits);
    }

    public HostConfig withCpus(List<Cpu> newCpus) {
        return new HostConfig(memblock, reserved, newCpus, keyIdPartitioning, partialWriteErratum,
                hibernationAvailable, acpiSuspend, x2apicEnabled, x86PhysBits);
    }

    /** The MSR read faults, as on a CPU without MKTME. */
    public HostConfig withoutKeyIdPartitioning() {
        return new HostConfig(memblock, reserved, cpus, Optional.empty(), partialWriteErratum, hibernationAvailable,
                acpiSuspend, x2apicEnabled, x86PhysBits);
    }

    public HostConfig withKeyIdPartitioning(KeyIdPartitioningMsr keyIds) {
        return new HostConfig(memblock, reserved, cpus, Optional.of(keyIds), partialWriteErratum,
                hibernationAvailable, acpiSuspend, x2apicEnabled, x86PhysBits);
    }

    public HostConfig withPartialWriteErratum(boolean erratum) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, erratum, hibernationAvailable, acpiSuspend,
                x2apicEnabled, x86PhysBits);
    }

    public HostConfig withHibernationAvailable(boolean available) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, partialWriteErratum, available, acpiSuspend,
                x2apicEnabled, x86PhysBits);
    }

    public HostConfig withAcpiSuspend(boolean configured) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, partialWriteErratum, hibernationAvailable,
                configured, x2apicEnabled, x86PhysBits);
    }

    public HostConfig withX2apicEnabled(boolean enabled) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, partialWriteErratum, hibernationAvailable,
                acpiSuspend, enabled, x86PhysBits);
    }

    /** The same host with {@code bits} of physical address left once MKTME took its KeyID bits. */
    public HostConfig withX86PhysBits(int bits) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, partialWriteErratum, hibernationAvailable,
                acpiSuspend, x2apicEnabled, bits);
    }

    /** {@code max_pfn}: the page frame number just above the last whole page of RAM. */
    public long maxPfn() {
        return Page.alignDown(memblock.get(memblock.size() - 1).end()) >>> Page.SHIFT;
    }

    public List<Cpu> onlineCpus() {
        return cpus.stream().filter(Cpu::online).toList();
    }

    /** The CPU the kernel boots on and runs its initcalls on: the first online one. */
    public Cpu bootCpu() {
        return onlineCpus().get(0);
    }
}
