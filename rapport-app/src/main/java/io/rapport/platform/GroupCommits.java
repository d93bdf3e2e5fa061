package io.rapport.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: work that callers would each commit on their own is handed to {@code committers} threads, each of
 * which takes the oldest waiting piece and whatever else has queued (up to {@code maxWeight} in all), hands them to
 * {@code together} — which runs them in one transaction — and waits for the next. On a 2-core machine one durable
 * commit per request is what bounds a write path, so pieces that arrive while a commit is under way share the next.
 * Nobody waits for a batch to fill: a piece that finds a committer idle goes at once, alone, so a quiet server pays
 * only the hand-over; a busy one commits many pieces at a time.
 *
 * <p>The caller blocks until its own piece is done and gets its own answer or exception: {@code together} must complete
 * every piece's future, and should fall back to one piece at a time when a batch fails, so that one caller's bad piece
 * fails only that caller. Threads start with the first piece, so a server that never uses the path never starts them.
 * The work runs on a committer thread, not the caller's: it must not read the caller's thread state (the security
 * context, the request, the locale) — whatever it needs of the caller goes in the piece.
 * Used by the loyalty ledger's express path and the event API.
 *
 * @param <P> one caller's piece of work with its future
 */
public final class GroupCommits<P extends GroupCommits.Pending<?>> {

    private static final Logger log = LoggerFactory.getLogger(GroupCommits.class);

    /** One caller's piece of work waiting for its commit. */
    public interface Pending<R> {
        CompletableFuture<R> done();
    }

    private final String name;
    private final int committers;
    private final int maxWeight;
    private final ToIntFunction<P> weight;
    private final Consumer<List<P>> together;
    private final BlockingQueue<P> waiting = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger handed = new AtomicInteger();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean started;

    /**
     * @param name      names the threads ({@code name-0}, …) and the log lines
     * @param weight    how much of a batch a piece takes (1 for "count the pieces"); a piece heavier than
     *                  {@code maxWeight} still goes, alone
     * @param together  runs a batch and completes each piece's future
     */
    public GroupCommits(String name, int committers, int maxWeight, ToIntFunction<P> weight,
                        Consumer<List<P>> together) {
        this.name = name;
        this.committers = committers;
        this.maxWeight = maxWeight;
        this.weight = weight;
        this.together = together;
    }

    /** Whether pieces are grouped at all ({@code committers > 0}) and the server is not shutting down. */
    public boolean open() {
        return committers > 0 && !closed;
    }

    /** Queues the piece, waits for its commit and answers what it answered (its exception, unwrapped). */
    public <R> R commit(P piece) {
        start();
        waiting.add(piece);
        if (closed) {
            drain(); // closed while queuing: nobody else will take it
        }
        try {
            @SuppressWarnings("unchecked")
            R answer = (R) piece.done().join();
            return answer;
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
            threads.add(Thread.ofPlatform().daemon().name(name + "-" + i).start(this::work));
        }
    }

    private void work() {
        List<P> batch = new ArrayList<>();
        P carried = null; // taken from the queue but too heavy for the last batch: first of the next
        while (!closed) {
            try {
                batch.add(carried != null ? carried : waiting.take());
            } catch (InterruptedException e) {
                break;
            }
            carried = null;
            int total = weight.applyAsInt(batch.getFirst());
            P next;
            while (total < maxWeight && (next = waiting.poll()) != null) {
                int w = weight.applyAsInt(next);
                if (total + w > maxWeight) {
                    carried = next;
                    break;
                }
                batch.add(next);
                total += w;
            }
            run(batch);
            batch.clear();
        }
        if (carried != null) {
            run(new ArrayList<>(List.of(carried))); // closed between taking it and running it
        }
    }

    private void run(List<P> batch) {
        busy.incrementAndGet();
        handed.addAndGet(batch.size());
        batches.incrementAndGet();
        operations.addAndGet(batch.size());
        try {
            together.accept(batch);
        } catch (RuntimeException | Error e) {
            log.error("{}: a batch of {} failed", name, batch.size(), e);
        } finally {
            for (P piece : batch) {
                if (!piece.done().isDone()) {
                    piece.done().completeExceptionally(new IllegalStateException("the " + name + " batch ended "
                            + "without answering this piece"));
                }
            }
            handed.addAndGet(-batch.size());
            busy.decrementAndGet();
        }
    }

    /**
     * What the committers are doing now (pieces queued, batches being run, pieces in them) and have done since the
     * start (batches, pieces).
     */
    public record Activity(int queued, int batches, int operations, long batchesRun, long operationsRun) {}

    public Activity activity() {
        return new Activity(waiting.size(), busy.get(), handed.get(), batches.get(), operations.get());
    }

    /** Stops the threads; what is still queued is run by the caller of this method. */
    public synchronized void close() {
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
        List<P> rest = new ArrayList<>();
        waiting.drainTo(rest);
        if (!rest.isEmpty()) {
            run(rest);
        }
    }
}
