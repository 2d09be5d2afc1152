package org.tdxemu.emulator.module.state;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The module's shared/exclusive lock. Every acquisition is a try: nothing in the module spins or
 * waits, and a failed attempt becomes a BUSY status (module-abi.md §1.2).
 */
public final class SharexLock {

    private static final int EXCLUSIVE = -1;

    /** 0 free, -1 held exclusively, n > 0 held by n sharers. */
    private final AtomicInteger holders = new AtomicInteger();

    public boolean tryExclusive() {
        return holders.compareAndSet(0, EXCLUSIVE);
    }

    public void releaseExclusive() {
        if (!holders.compareAndSet(EXCLUSIVE, 0)) {
            throw new IllegalStateException("released an exclusive lock that was not held exclusively");
        }
    }

    public boolean tryShared() {
        while (true) {
            int n = holders.get();
            if (n == EXCLUSIVE) {
                return false;
            }
            if (holders.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void releaseShared() {
        if (holders.getAndDecrement() <= 0) {
            throw new IllegalStateException("released a shared lock that was not held shared");
        }
    }

    public boolean isFree() {
        return holders.get() == 0;
    }
}
