package io.rapport.cli;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak heap of a stretch of work: the used heap sampled every few milliseconds by a daemon
 * thread (MemoryMXBean), plus the sum of the heap pools' own peaks (an upper bound: the pools
 * need not peak at the same moment), and the collections and GC time spent meanwhile.
 */
final class HeapMonitor implements AutoCloseable {

    record Report(long sampledPeakBytes, long poolPeakBytes, long collections, long gcMillis, long maxHeapBytes) {}

    private final Thread sampler;
    private final long collectionsBefore;
    private final long gcMillisBefore;
    private volatile long peak;
    private volatile boolean running = true;

    HeapMonitor() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        collectionsBefore = collections();
        gcMillisBefore = gcMillis();
        var memory = ManagementFactory.getMemoryMXBean();
        peak = memory.getHeapMemoryUsage().getUsed();
        sampler = Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
            while (running) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    Report report() {
        long pools = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                pools += pool.getPeakUsage().getUsed();
            }
        }
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new Report(Math.max(peak, now), pools, collections() - collectionsBefore, gcMillis() - gcMillisBefore,
                Runtime.getRuntime().maxMemory());
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
