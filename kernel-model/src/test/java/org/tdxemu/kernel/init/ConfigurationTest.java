package org.tdxemu.kernel.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;

/** What a caller can get wrong is refused where it enters, with the offending value named. */
class ConfigurationTest {

    @Test
    void v7NeverHadHolesFromTheCmrs() {
        assertThrows(IllegalArgumentException.class, () -> new KernelOptions(Profile.V7, HoleSource.CMRS));
    }

    @Test
    void memoryRegionsMustAscendWithoutOverlap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostConfig.of(
                List.of(new MemoryRegion(0x200000, 0x400000, 0), new MemoryRegion(0x300000, 0x500000, 0)),
                HostConfig.cpus(1, 1, Set.of()), Hosts.KEY_IDS));
        assertEquals("memory region [0x300000, 0x500000) is unsorted or overlaps [0x200000, 0x400000)", e.getMessage());
    }

    @Test
    void aHostNeedsAnOnlineCpu() {
        assertThrows(IllegalArgumentException.class, () -> Hosts.small().withCpus(HostConfig.cpus(1, 2, Set.of(0, 1))));
    }

    @Test
    void keyIdCountsAre32BitsEach() {
        assertEquals(0x0000_0020_0000_001FL, KeyIdPartitioningMsr.of(31, 32).msr());
        assertEquals(32, KeyIdPartitioningMsr.of(31, 32).firstTdxKeyId());
        assertEquals(64, KeyIdPartitioningMsr.of(31, 32).tdxKeyIdEnd());
        assertThrows(IllegalArgumentException.class, () -> KeyIdPartitioningMsr.of(1L << 32, 1));
    }

    @Test
    void tdxInitRunsOnce() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            MainlineKernel kernel = machine.mainline();
            kernel.earlyInit();
            assertThrows(IllegalStateException.class, kernel::earlyInit);
        }
    }

    @Test
    void tdxCpuEnableRunsOnlyOnOnlineCpus() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            assertThrows(IllegalArgumentException.class, () -> machine.mainline().tdxCpuEnable(7));
        }
    }
}
