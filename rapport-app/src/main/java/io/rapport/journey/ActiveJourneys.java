package io.rapport.journey;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The active journeys with their current definitions, kept in memory: every event, score change and segment change
 * asks for them, and reading them from the database each time cost a query per delivery. The list is loaded again
 * when this server saves, activates or pauses a journey (right away, and once more when that transaction ends, so a
 * list read inside it never outlives it), and at the latest {@code ttl} after it was loaded, which bounds how long
 * another server of a cluster can act on a journey changed here. A load that raced with a change is not kept: each
 * change moves a generation counter, and a list loaded under an older generation is used once and dropped.
 */
final class ActiveJourneys {

    private record Snapshot(long generation, long loadedAt, List<Map.Entry<Journeys.Journey, JourneyDefinition>> active) {}

    private final Supplier<List<Map.Entry<Journeys.Journey, JourneyDefinition>>> loader;
    private final long ttlNanos;
    private final AtomicLong generation = new AtomicLong();
    private volatile Snapshot snapshot;

    ActiveJourneys(Supplier<List<Map.Entry<Journeys.Journey, JourneyDefinition>>> loader, Duration ttl) {
        this.loader = loader;
        this.ttlNanos = ttl.toNanos();
    }

    List<Map.Entry<Journeys.Journey, JourneyDefinition>> get() {
        Snapshot current = snapshot;
        long now = System.nanoTime();
        if (current != null && current.generation() == generation.get() && now - current.loadedAt() < ttlNanos) {
            return current.active();
        }
        long before = generation.get();
        List<Map.Entry<Journeys.Journey, JourneyDefinition>> loaded = List.copyOf(loader.get());
        if (generation.get() == before && ttlNanos > 0) {
            snapshot = new Snapshot(before, now, loaded);
        }
        return loaded;
    }

    /** A journey changed: forget the list now and again when the changing transaction commits or rolls back. */
    void invalidate() {
        generation.incrementAndGet();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    generation.incrementAndGet();
                }
            });
        }
    }
}
