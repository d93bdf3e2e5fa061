package io.rapport.ingest;

import io.rapport.ingest.IngestRecords.Outcome;
import io.rapport.platform.GroupCommits;
import io.rapport.platform.RapportProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes one chunk through the pipeline, retrying when a concurrent writer got there first (two requests creating
 * the same new customer collide on the identity's unique key; the retry then finds it) or the database reports
 * a deadlock. Each attempt is its own transaction, so a retry starts from a clean state.
 *
 * <p>Calls of the event API that arrive while others are being stored are stored together
 * ({@code rapport.ingest.event-committers}, {@link GroupCommits}): one transaction stores their events and everything
 * the events trigger (journey instances, messages in the outbox, task progress), so a busy server commits once for
 * many calls instead of once per call. Each call still waits for that commit and gets its own outcomes, exactly as if
 * it had been stored alone (an event sent by two calls in one batch is stored for the first, a duplicate for the
 * second). If a batch fails, each call is written alone and gets its own answer or error.
 */
@Component
class ChunkWriter implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ChunkWriter.class);

    private final IngestPipeline pipeline;
    private final GroupCommits<Call> commits;
    private final AtomicLong failedBatches = new AtomicLong();
    private final RetryTemplate retry = new RetryTemplate(RetryPolicy.builder()
            .includes(DataIntegrityViolationException.class, PessimisticLockingFailureException.class,
                    TransientDataAccessException.class)
            .maxRetries(5).delay(Duration.ofMillis(20)).multiplier(2).jitter(Duration.ofMillis(10))
            .build());

    ChunkWriter(IngestPipeline pipeline, RapportProperties properties) {
        this.pipeline = pipeline;
        this.commits = new GroupCommits<>("event-commit", properties.ingest().eventCommitters(),
                properties.ingest().eventCommitMax(), call -> call.events().size(), this::together);
    }

    @Override
    public void destroy() {
        commits.close();
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

    /**
     * Stores a call's events (and their consequences); committed together with other calls waiting at the same time
     * unless grouping is off or the caller is inside a transaction of its own.
     */
    List<Outcome> events(List<IngestRecords.Event> events) {
        if (events.isEmpty() || !commits.open()
                || TransactionSynchronizationManager.isActualTransactionActive()) {
            return write(ImportFormat.EVENTS_NATIVE, events);
        }
        return commits.commit(new Call(events, new CompletableFuture<>()));
    }

    /** One call's events waiting for their commit. */
    private record Call(List<IngestRecords.Event> events, CompletableFuture<List<Outcome>> done)
            implements GroupCommits.Pending<List<Outcome>> {}

    /** The calls' events in one write; each call gets its slice of the outcomes, or is written alone if that fails. */
    private void together(List<Call> calls) {
        List<Outcome> outcomes = null;
        if (calls.size() > 1) {
            List<IngestRecords.Event> all = new ArrayList<>();
            calls.forEach(call -> all.addAll(call.events()));
            try {
                outcomes = write(ImportFormat.EVENTS_NATIVE, all);
            } catch (RuntimeException e) {
                failedBatches.incrementAndGet();
                log.debug("a batch of {} event calls failed ({}); each is written alone", calls.size(), e.toString());
            }
        }
        int from = 0;
        for (Call call : calls) {
            int to = from + call.events().size();
            try {
                call.done().complete(outcomes != null ? List.copyOf(outcomes.subList(from, to))
                        : write(ImportFormat.EVENTS_NATIVE, call.events()));
            } catch (RuntimeException e) {
                call.done().completeExceptionally(e);
            }
            from = to;
        }
    }

    /** What the event committers are doing and have done (tests that need calls to share a batch read it). */
    GroupCommits.Activity eventActivity() {
        return commits.activity();
    }

    /** Batches of event calls that failed as a whole since the start (each call was then written alone). */
    long failedEventBatches() {
        return failedBatches.get();
    }
}
