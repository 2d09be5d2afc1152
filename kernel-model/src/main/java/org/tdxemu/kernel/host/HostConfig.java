package org.tdxemu.kernel.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 */
public record HostConfig(List<MemoryRegion> memblock, List<Range> reserved, List<Cpu> cpus,
                         Optional<KeyIdPartitioningMsr> keyIdPartitioning, boolean partialWriteErratum,
                         boolean hibernationAvailable, boolean acpiSuspend, boolean x2apicEnabled) {

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
    }

    /**
     * A host with no reserved RAM, the erratum absent, hibernation disabled, ACPI suspend built in
     * and x2APIC on: the usual TDX host.
     */
    public static HostConfig of(List<MemoryRegion> memblock, List<Cpu> cpus, KeyIdPartitioningMsr keyIds) {
        return new HostConfig(memblock, List.of(), cpus, Optional.of(keyIds), false, false, true, true);
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
                acpiSuspend, x2apicEnabled);
    }

    public HostConfig withCpus(List<Cpu> newCpus) {
        return new HostConfig(memblock, reserved, newCpus, keyIdPartitioning, partialWriteErratum,
                hibernationAvailable, acpiSuspend, x2apicEnabled);
    }

    /** The MSR read faults, as on a CPU without MKTME. */
    public HostConfig withoutKeyIdPartitioning() {
        return new HostConfig(memblock, reserved, cpus, Optional.empty(), partialWriteErratum, hibernationAvailable,
                acpiSuspend, x2apicEnabled);
    }

    public HostConfig withKeyIdPartitioning(KeyIdPartitioningMsr keyIds) {
        return new HostConfig(memblock, reserved, cpus, Optional.of(keyIds), partialWriteErratum,
                hibernationAvailable, acpiSuspend, x2apicEnabled);
    }

    public HostConfig withPartialWriteErratum(boolean erratum) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, erratum, hibernationAvailable, acpiSuspend,
                x2apicEnabled);
    }

    public HostConfig withHibernationAvailable(boolean available) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, partialWriteErratum, available, acpiSuspend,
                x2apicEnabled);
    }

    public HostConfig withAcpiSuspend(boolean configured) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, partialWriteErratum, hibernationAvailable,
                configured, x2apicEnabled);
    }

    public HostConfig withX2apicEnabled(boolean enabled) {
        return new HostConfig(memblock, reserved, cpus, keyIdPartitioning, partialWriteErratum, hibernationAvailable,
                acpiSuspend, enabled);
    }

    public List<Cpu> onlineCpus() {
        return cpus.stream().filter(Cpu::online).toList();
    }

    /** The CPU the kernel boots on and runs its initcalls on: the first online one. */
    public Cpu bootCpu() {
        return onlineCpus().get(0);
    }
}
