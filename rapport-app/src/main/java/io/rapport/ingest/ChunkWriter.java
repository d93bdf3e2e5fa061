package io.rapport.ingest;

import io.rapport.ingest.IngestRecords.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Writes one chunk through the pipeline, retrying when a concurrent writer got there first (two requests creating
 * the same new customer collide on the identity's unique key; the retry then finds it) or the database reports
 * a deadlock. Each attempt is its own transaction, so a retry starts from a clean state.
 */
@Component
class ChunkWriter {

    private final IngestPipeline pipeline;
    private final RetryTemplate retry = new RetryTemplate(RetryPolicy.builder()
            .includes(DataIntegrityViolationException.class, PessimisticLockingFailureException.class,
                    TransientDataAccessException.class)
            .maxRetries(5).delay(Duration.ofMillis(20)).multiplier(2).jitter(Duration.ofMillis(10))
            .build());

    ChunkWriter(IngestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @SuppressWarnings("unchecked")
    List<Outcome> write(ImportFormat format, List<?> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        Supplier<List<Outcome>> work = switch (format.kind) {
            case "orders" -> () -> pipeline.orderLines((List<IngestRecords.OrderLine>) records);
            case "events" -> () -> pipeline.events((List<IngestRecords.Event>) records);
            case "customers" -> () -> pipeline.customers((List<IngestRecords.Customer>) records);
            case "products" -> () -> pipeline.products((List<IngestRecords.Product>) records);
            case "stores" -> () -> pipeline.stores((List<IngestRecords.Store>) records);
            default -> throw new IllegalArgumentException("unknown kind " + format.kind);
        };
        return retry.invoke(work);
    }

    List<Outcome> events(List<IngestRecords.Event> events) {
        return write(ImportFormat.EVENTS_NATIVE, events);
    }
}
