package io.rapport.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting in concurrency tests: for a condition another thread makes true, or for a latch, at most two minutes. */
public final class Waiting {

    private Waiting() {}

    /** Polls {@code condition} every millisecond; fails with {@code never} after two minutes. */
    public static void waitFor(BooleanSupplier condition, String never) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(never).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** Waits for the latch (for code that cannot throw {@link InterruptedException}); fails after two minutes. */
    public static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(2, TimeUnit.MINUTES)).as("released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
