package org.tdxemu.emulator.memory;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;

/**
 * A pool of page buffers for host memory that no one else draws from: one direct arena and no
 * thread caches, so that the buffers it counts as live ({@link #liveBuffers()}) are its users'
 * alone, and a buffer given back is counted as given back at once. A fault campaign's thread
 * takes one to check that each run's machine gave back every buffer; tests do the same.
 */
public final class PagePool {

    private final PooledByteBufAllocator allocator;

    public PagePool() {
        boolean preferDirect = true;
        int heapArenas = 0;
        int directArenas = 1;
        int pageSize = 8192;
        // Chunks of pageSize << maxOrder = 4 MiB, netty's default.
        int maxOrder = 9;
        int smallCacheSize = 0;
        int normalCacheSize = 0;
        boolean useCacheForAllThreads = false;
        this.allocator = new PooledByteBufAllocator(preferDirect, heapArenas, directArenas, pageSize, maxOrder,
                smallCacheSize, normalCacheSize, useCacheForAllThreads);
    }

    public ByteBufAllocator allocator() {
        return allocator;
    }

    /** Buffers handed out and not yet given back. */
    public long liveBuffers() {
        return allocator.metric().directArenas().get(0).numActiveAllocations();
    }

    public PooledByteBufAllocatorMetric metric() {
        return allocator.metric();
    }
}
