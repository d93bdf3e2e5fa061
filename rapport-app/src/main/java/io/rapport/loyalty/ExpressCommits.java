package io.rapport.loyalty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of express ledger operations. On a 2-core machine one durable commit per operation is what bounds the
 * ledger (docs/benchmarks.md: PostgreSQL itself commits about 4,300 such statements a second there), so operations
 * that arrive while a commit is under way are sent together and committed once: each of {@code committers} threads
 * takes the oldest waiting operation and whatever else has queued (up to {@code maxBatch}), hands them to
 * {@code together} and waits for the next. Nobody waits for a batch to fill: an operation that finds a committer idle
 * goes at once, alone, so a quiet ledger pays only the hand-over; a busy one commits many operations at a time.
 *
 * <p>The caller blocks until its own operation is done and gets its own answer or exception: {@code together} must
 * complete every operation's future (see {@link ExpressLedger}, which falls back to one operation at a time when a
 * batch fails). Threads start with the first operation, so a server that never uses the path never starts them.
 */
final class ExpressCommits {

    private static final Logger log = LoggerFactory.getLogger(ExpressCommits.class);

    /** One operation waiting for its commit. */
    interface Pending {
        CompletableFuture<ExpressLedger.Figures> done();
    }

    private final int committers;
    private final int maxBatch;
    private final Consumer<List<Pending>> together;
    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger handed = new AtomicInteger();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean started;

    ExpressCommits(int committers, int maxBatch, Consumer<List<Pending>> together) {
        this.committers = committers;
        this.maxBatch = maxBatch;
        this.together = together;
    }

    /** Whether operations are grouped at all ({@code committers > 0}) and the server is not shutting down. */
    boolean open() {
        return committers > 0 && !closed;
    }

    /** Queues the operation, waits for its commit and answers what it answered (its exception, unwrapped). */
    ExpressLedger.Figures commit(Pending operation) {
        start();
        waiting.add(operation);
        if (closed) {
            drain(); // closed while queuing: nobody else will take it
        }
        try {
            return operation.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void start() {
        if (!started) {
            startThreads();
        }
    }

    private synchronized void startThreads() {
        if (started || closed) {
            return;
        }
        started = true;
        for (int i = 0; i < committers; i++) {
            threads.add(Thread.ofPlatform().daemon().name("ledger-commit-" + i).start(this::work));
        }
    }

    private void work() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                break;
            }
            waiting.drainTo(batch, maxBatch - 1);
            run(batch);
            batch.clear();
        }
    }

    private void run(List<Pending> batch) {
        busy.incrementAndGet();
        handed.addAndGet(batch.size());
        batches.incrementAndGet();
        operations.addAndGet(batch.size());
        try {
            together.accept(batch);
        } catch (RuntimeException | Error e) {
            log.error("a batch of {} express ledger operations failed", batch.size(), e);
        } finally {
            for (Pending operation : batch) {
                if (!operation.done().isDone()) {
                    operation.done().completeExceptionally(new IllegalStateException("the ledger batch ended "
                            + "without answering this operation"));
                }
            }
            handed.addAndGet(-batch.size());
            busy.decrementAndGet();
        }
    }

    /**
     * What the committers are doing now (operations queued, batches being run, operations in them) and have done
     * since the start (batches, operations).
     */
    record Activity(int queued, int batches, int operations, long batchesRun, long operationsRun) {}

    Activity activity() {
        return new Activity(waiting.size(), busy.get(), handed.get(), batches.get(), operations.get());
    }

    /** Stops the threads; what is still queued is run by the caller of this method. */
    synchronized void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        drain();
    }

    private void drain() {
        List<Pending> rest = new ArrayList<>();
        waiting.drainTo(rest);
        if (!rest.isEmpty()) {
            run(rest);
        }
    }
}
