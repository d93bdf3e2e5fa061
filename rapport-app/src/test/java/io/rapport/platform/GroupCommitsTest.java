package io.rapport.platform;

import static io.rapport.testing.Waiting.await;
import static io.rapport.testing.Waiting.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The group commit on its own (no database): pieces queued while the committer is busy go together within the weight
 * limit, each caller gets its own answer or exception, and nothing is left unanswered.
 */
class GroupCommitsTest {

    record Piece(String name, int weight, CompletableFuture<String> done) implements GroupCommits.Pending<String> {
        Piece(String name, int weight) {
            this(name, weight, new CompletableFuture<>());
        }
    }

    /** Runs a batch by answering each piece with its own name and remembering the batch. */
    static final class Recorder implements Consumer<List<Piece>> {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstTaken = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void accept(List<Piece> batch) {
            batches.add(batch.stream().map(Piece::name).toList());
            if (firstTaken.getCount() > 0) {
                firstTaken.countDown();
                await(release); // the first batch holds the only committer while the others queue
            }
            batch.forEach(p -> p.done().complete("done " + p.name()));
        }
    }

    @Test
    void should_commit_what_queued_while_busy_together_within_the_weight_limit_and_answer_each_caller() throws Exception {
        Recorder recorder = new Recorder();
        GroupCommits<Piece> commits = new GroupCommits<>("test-commit", 1, 10, Piece::weight, recorder);
        try (ExecutorService pool = Executors.newCachedThreadPool()) {
            Future<String> first = pool.submit(() -> commits.<String>commit(new Piece("first", 1)));
            assertThat(recorder.firstTaken.await(1, TimeUnit.MINUTES)).isTrue();
            List<Future<String>> queued = new ArrayList<>();
            int[] weights = {4, 4, 4, 12, 1}; // 4 + 4 fit in 10; the third 4 starts the next batch; 12 goes alone
            for (int i = 0; i < weights.length; i++) {
                Piece piece = new Piece("p" + i, weights[i]);
                queued.add(pool.submit(() -> commits.<String>commit(piece)));
                int expected = i + 1;
                waitFor(() -> commits.activity().queued() == expected, "piece " + expected + " never queued");
            }
            recorder.release.countDown();

            assertThat(first.get()).isEqualTo("done first");
            for (int i = 0; i < weights.length; i++) {
                assertThat(queued.get(i).get()).as("each caller's own answer").isEqualTo("done p" + i);
            }
        } finally {
            commits.close();
        }
        assertThat(recorder.batches).containsExactly(List.of("first"), List.of("p0", "p1"), List.of("p2"),
                List.of("p3"), List.of("p4"));
        assertThat(commits.activity().batchesRun()).isEqualTo(5);
        assertThat(commits.activity().operationsRun()).isEqualTo(6);
    }

    @Test
    void should_give_each_caller_its_own_exception_and_fail_a_piece_the_batch_left_unanswered() {
        GroupCommits<Piece> commits = new GroupCommits<>("test-commit", 1, 10, Piece::weight, batch -> {
            for (Piece piece : batch) {
                if (piece.name().startsWith("bad")) {
                    piece.done().completeExceptionally(new IllegalArgumentException(piece.name() + " refused"));
                } else if (piece.name().startsWith("forgotten")) {
                    continue; // a batch that forgets a piece must not leave its caller waiting forever
                } else {
                    piece.done().complete("done " + piece.name());
                }
            }
        });
        try {
            assertThat(commits.<String>commit(new Piece("good", 1))).isEqualTo("done good");
            assertThatThrownBy(() -> commits.<String>commit(new Piece("bad", 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("bad refused");
            assertThatThrownBy(() -> commits.<String>commit(new Piece("forgotten", 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("without answering");
        } finally {
            commits.close();
        }
    }

    @Test
    void should_answer_a_batch_that_throws_with_an_exception_for_every_caller() {
        GroupCommits<Piece> commits = new GroupCommits<>("test-commit", 2, 10, Piece::weight, batch -> {
            throw new IllegalStateException("the database went away");
        });
        try {
            assertThatThrownBy(() -> commits.<String>commit(new Piece("any", 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("without answering");
        } finally {
            commits.close();
        }
    }

    @Test
    void should_not_group_when_there_are_no_committers_or_after_close() {
        assertThat(new GroupCommits<Piece>("off", 0, 10, Piece::weight, batch -> {}).open()).isFalse();
        GroupCommits<Piece> commits = new GroupCommits<>("test-commit", 1, 10, Piece::weight,
                batch -> batch.forEach(p -> p.done().complete("done " + p.name())));
        assertThat(commits.open()).isTrue();
        commits.close();
        assertThat(commits.open()).isFalse();
        assertThat(commits.<String>commit(new Piece("late", 1))).as("a piece queued after close is still run")
                .isEqualTo("done late");
    }
}
