package org.tdxemu.kernel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.testing.NettyLeaks;
import org.tdxemu.kernel.testing.Hosts;
import org.tdxemu.kernel.testing.TestMachine;
import org.tdxemu.seamcall.memory.Range;

class HostTest {

    @Test
    void zeroedAllocationsAreZeroInPhysicalMemory() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            Host host = machine.host();
            long top = 2 * Hosts.GIB - 32 * 1024;
            machine.memory().fill(top, 32 * 1024, (byte) 0x5a);
            assertEquals(top, host.allocZeroedPagesExact(32 * 1024, AllocationPurpose.TDMR_LIST).getAsLong());
            assertTrue(allZero(machine, top, 32 * 1024));

            machine.memory().fill(top - Page.SIZE, Page.SIZE, (byte) 0x5a);
            long object = host.kzalloc(512, AllocationPurpose.TDMR_PA_ARRAY).getAsLong();
            assertEquals(top - Page.SIZE, object);
            assertTrue(allZero(machine, object, 512));
            assertEquals(0x5a, machine.memory().read8(object + 512), "only the object is zeroed");
        }
    }

    @Test
    void contigPagesAreHandedOutAsTheyAre() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            machine.memory().write64(16 * Hosts.MIB, 0x1234);
            long pamt = machine.host().allocContigPages(4, 0).getAsLong();
            assertEquals(16 * Hosts.MIB, pamt);
            assertEquals(0x1234, machine.memory().read64(pamt));
        }
    }

    @Test
    void movdir64bZeroesItsRangeAndEveryStepIsRecorded() {
        try (TestMachine machine = TestMachine.withCmrsAsMemory(Hosts.small())) {
            Host host = machine.host();
            long pamt = host.allocContigPages(2, 0).getAsLong();
            machine.memory().fill(pamt, 2 * Page.SIZE, (byte) 0x77);
            host.wbinvdOnAllCpus();
            host.movdir64bZero(Range.ofSize(pamt, 2 * Page.SIZE));
            host.freeContigRange(pamt, 2);
            assertTrue(allZero(machine, pamt, 2 * Page.SIZE));
            assertEquals(List.of(new HostEvent.Allocated(AllocationPurpose.PAMT, Range.ofSize(pamt, 2 * Page.SIZE)),
                    new HostEvent.WbinvdOnAllCpus(), new HostEvent.Movdir64bZeroed(Range.ofSize(pamt, 2 * Page.SIZE)),
                    new HostEvent.Freed(AllocationPurpose.PAMT, Range.ofSize(pamt, 2 * Page.SIZE))), host.events());
            assertEquals(host.allocator().managedBytes(), host.allocator().freeBytes());
        }
    }

    @Test
    void theNettyLeakHarnessWatchesTheseTestsToo() {
        assertTrue(NettyLeaks.isInstalled());
    }

    private static boolean allZero(TestMachine machine, long pa, long length) {
        for (byte b : machine.memory().read(pa, (int) length)) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
