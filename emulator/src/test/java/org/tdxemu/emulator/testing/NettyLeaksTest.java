package org.tdxemu.emulator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.seamcall.memory.Range;

/** The leak harness catches what it must, so that a quiet run means no leak. */
class NettyLeaksTest {

    @Test
    void testsRunAtParanoidLevelWithTheRecorderInstalled() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
        assertTrue(NettyLeaks.isInstalled());
    }

    @Test
    void aDroppedBufferIsReported() {
        dropOneBuffer();
        List<String> leaks = NettyLeaks.collect();
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).startsWith("LEAK: ByteBuf was released by the garbage collector"), leaks.get(0));
    }

    @Test
    void hostMemoryThatIsNeverClosedIsReported() {
        dropUnclosedMemory();
        List<String> leaks = NettyLeaks.collect();
        assertEquals(3, leaks.size(), "one report per page buffer: " + leaks);
    }

    @Test
    void closedHostMemoryLeavesNothingToReport() {
        try (SparseHostMemory memory = new SparseHostMemory(List.of(new Range(0, 1L << 30)), 46)) {
            memory.write64(0x1000, 1);
            memory.write64(0x5000, 2);
        }
        assertEquals(List.of(), NettyLeaks.collect());
    }

    private static void dropOneBuffer() {
        PooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
    }

    @SuppressWarnings("resource")
    private static void dropUnclosedMemory() {
        SparseHostMemory memory = new SparseHostMemory(List.of(new Range(0, 1L << 30)), 46);
        memory.write64(0x1000, 1);
        memory.write64(0x2000, 2);
        memory.write64(0x3000, 3);
    }
}
