package org.tdxemu.scenarios.spec;

import java.util.List;
import java.util.Set;
import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.seamcall.memory.Range;

/**
 * The "platform" object of a scenario, validated and with its defaults filled in: CPU n is in
 * package n / cpusPerPackage; {@code memory} is memblock (the CMRs on node 0 when the file has
 * none); {@code reserved} is RAM already in use.
 */
public record PlatformSpec(int packages, int cpusPerPackage, Set<Integer> offlineCpus, KeyIds keyIds,
                           List<Range> cmrs, List<MemoryRegion> memory, List<Range> reserved, Range seamrr,
                           List<PlatformDefect> defects, boolean partialWriteErratum) {

    public PlatformSpec {
        offlineCpus = Set.copyOf(offlineCpus);
        cmrs = List.copyOf(cmrs);
        memory = List.copyOf(memory);
        reserved = List.copyOf(reserved);
        defects = List.copyOf(defects);
    }

    public int cpuCount() {
        return packages * cpusPerPackage;
    }
}
