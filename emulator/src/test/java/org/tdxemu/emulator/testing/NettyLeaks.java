package org.tdxemu.emulator.testing;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, made to fail tests: every leak it reports is recorded here instead of
 * only logged. Installed by {@link NettyLeakDetectionSession} before any buffer class loads; tests
 * run with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 */
public final class NettyLeaks {

    private static final List<String> REPORTS = new ArrayList<>();
    private static volatile boolean installed;

    private NettyLeaks() {
    }

    /** Routes netty's leak reports here. Must run before netty creates its buffer leak detector. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
        installed = true;
    }

    public static boolean isInstalled() {
        return installed;
    }

    /**
     * Lets the garbage collector find buffers that were dropped without a release, makes netty
     * look at them, and returns (and forgets) every leak reported so far.
     */
    public static List<String> collect() {
        for (int round = 0; round < 4; round++) {
            WeakReference<Object> canary = new WeakReference<>(new Object());
            while (canary.get() != null) {
                System.gc();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // Netty polls its queue of collected, unreleased buffers when it tracks a new one.
            PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        }
        synchronized (REPORTS) {
            List<String> reports = List.copyOf(REPORTS);
            REPORTS.clear();
            return reports;
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + " was released by the garbage collector, not by release()" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " was released by the garbage collector, not by release()");
        }

        private static void record(String report) {
            synchronized (REPORTS) {
                REPORTS.add(report);
            }
        }
    }

    /** For tests of this harness: the reports so far, kept. */
    static List<String> peek() {
        synchronized (REPORTS) {
            return new ArrayList<>(REPORTS);
        }
    }
}
