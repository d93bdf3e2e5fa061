package io.rapport.loyalty;

import static io.rapport.testing.Waiting.await;
import static io.rapport.testing.Waiting.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The express path (PostgreSQL only): it does the common grant and spend in one round trip, writes what the general
 * path writes, and declines — changing nothing — whenever the general path has more to do, so that the general path's
 * answers (409, 404, replay, expiry first) stay the only answers.
 */
@OnPostgres
@org.springframework.test.context.TestPropertySource(properties = "rapport.loyalty.committers=4") // grouping on
class ExpressLedgerOnPostgresTest extends LoyaltyTest {

    @Autowired
    ExpressLedger express;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate transaction;
    @Autowired
    LoyaltyProperties properties;

    OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    ExpressLedger.Figures grant(long id, String key, long points) {
        return express.earn(id, Points.scoped(id, key), "grant", "campaign", points, null, "test", now(),
                now().plusMonths(24));
    }

    ExpressLedger.Figures spend(long id, String key, long points) {
        return express.spend(id, Points.scoped(id, key), "adjust", "adjustment", points, null, "test spend", "test",
                false, now());
    }

    @Test
    void should_write_a_grant_and_a_spend_as_the_ledger_requires_in_one_go() {
        long id = member("express-plain");
        assertThat(express.available()).isTrue();

        assertThat(grant(id, "g1", 100)).isEqualTo(new ExpressLedger.Figures(100, 0, 0));
        assertThat(grant(id, "g2", 50)).isEqualTo(new ExpressLedger.Figures(150, 0, 0));
        // oldest lot first: 100 from g1's lot, 20 from g2's
        assertThat(spend(id, "s1", 120)).isEqualTo(new ExpressLedger.Figures(30, 0, 0));

        assertThat(points.cached(id)).isEqualTo(points.ledgerSums(id));
        assertThat(points.lotRemaining(id)).isEqualTo(30);
        var spendParts = points.history(id, 0, 10).stream()
                .filter(e -> e.idempotencyKey().equals(Points.scoped(id, "s1"))).toList();
        assertThat(spendParts).hasSize(2);
        assertThat(spendParts).extracting(Points.Entry::points).containsExactlyInAnyOrder(-100L, -20L);
        assertThat(spendParts).allSatisfy(e -> assertThat(e.lotId()).isNotNull());
        assertThat(points.expiringWithin(id, Duration.ofDays(24 * 31))).isEqualTo(30);
    }

    @Test
    void should_leave_to_the_general_path_a_used_key_too_few_points_an_unknown_member_and_anything_due() {
        long id = member("express-decline");
        assertThat(grant(id, "g1", 100)).isNotNull();

        assertThat(grant(id, "g1", 100)).as("used key: the general path replays").isNull();
        assertThat(spend(id, "s1", 101)).as("too few points: the general path answers 409").isNull();
        assertThat(grant(999_999_999L, "g1", 1)).as("no member: the general path answers 404").isNull();
        assertThat(points.cached(id).points()).isEqualTo(100);

        // the lot expires: nothing may be granted or spent before the general path has expired it
        clock.set(clock.instant().plus(Duration.ofDays(800)));
        assertThat(grant(id, "g2", 10)).isNull();
        assertThat(spend(id, "s2", 1)).isNull();
        assertThat(points.cached(id).points()).as("nothing written by a declined express operation").isEqualTo(100);

        // through the API: the general path expires the lot, then the next grant is express again
        assertThat(points.grant(id, 10, "campaign", "g2").balance().points()).isEqualTo(10);
        assertThat(grant(id, "g3", 5)).isEqualTo(new ExpressLedger.Figures(15, 0, 0));
        assertThat(points.cached(id)).isEqualTo(points.ledgerSums(id));
    }

    @Test
    void should_fail_as_a_whole_when_its_key_is_written_while_it_waits_for_the_member() throws Exception {
        long id = member("express-raced");
        assertThat(grant(id, "seed", 40)).isNotNull();
        String key = Points.scoped(id, "twice");
        CountDownLatch locked = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            // another transaction holds the member and writes the key (a copy of the same request, a little earlier)
            Future<?> holder = pool.submit(() -> transaction.executeWithoutResult(status -> {
                db.execute("select 1 from loyalty_member where customer_id = ? for update", id);
                db.execute("insert into loyalty_ledger (customer_id, op_key, part, kind, source, points, actor, "
                        + "created_at) values (?, ?, 0, 'grant', 'campaign', 0, 'other copy', now())", id, key);
                Object session = db.fetchValue("select pg_backend_pid()");
                locked.countDown();
                waitUntilOneSessionWaitsFor(session);
            }));
            locked.await();
            Future<ExpressLedger.Figures> raced = pool.submit(() -> grant(id, "twice", 7));
            holder.get();
            assertThatThrownBy(raced::get).hasCauseInstanceOf(PointsLedger.KeyRaced.class);
        }
        assertThat(points.cached(id).points()).as("nothing of the raced grant written").isEqualTo(40);
        assertThat(db.fetchValue("select count(*) from loyalty_lot where customer_id = ?", id)).isEqualTo(1L);
        assertThat(points.grant(id, 7, "campaign", "twice").replayed()).as("the retry replays").isTrue();
    }

    @Test
    void should_commit_operations_that_arrive_together_at_once_each_with_its_own_answer() throws Exception {
        long[] members = new long[8];
        for (int i = 0; i < members.length; i++) {
            members[i] = member("express-together-" + i);
            assertThat(grant(members[i], "seed", 10 + i)).isNotNull();
        }
        io.rapport.platform.GroupCommits.Activity before = express.activity();
        long failedBefore = express.failedBatches();
        var answers = whileCommittersAreBusy(pool -> {
            var futures = new java.util.ArrayList<Future<Points.Movement>>();
            for (int i = 0; i < members.length; i++) {
                long id = members[i];
                boolean grant = i % 2 == 0;
                futures.add(pool.submit(() -> grant ? points.grant(id, 5, "campaign", "together")
                        : points.adjust(id, -3, "together", "test", "together")));
            }
            return futures;
        });
        io.rapport.platform.GroupCommits.Activity after = express.activity();

        for (int i = 0; i < members.length; i++) {
            long id = members[i];
            long expected = 10 + i + (i % 2 == 0 ? 5 : -3);
            assertThat(answers.get(i).get().balance().points()).as("member %d's own answer", i).isEqualTo(expected);
            assertThat(answers.get(i).get().replayed()).isFalse();
            assertThat(points.cached(id)).isEqualTo(points.ledgerSums(id));
            assertThat(points.lotRemaining(id)).isEqualTo(expected);
        }
        assertThat(after.operationsRun() - before.operationsRun() - committers())
                .as("the queued operations (besides the ones that kept the committers busy) went in fewer batches")
                .isGreaterThan(after.batchesRun() - before.batchesRun() - committers());
        assertThat(express.failedBatches()).as("no batch fell back to running its operations alone")
                .isEqualTo(failedBefore);
    }

    @Test
    void should_run_each_operation_of_a_failed_batch_alone_so_only_the_failing_one_fails() throws Exception {
        long broken = member("express-broken");
        assertThat(grant(broken, "seed", 100)).isNotNull();
        // the lots no longer hold what the member's cache says: its spend must fail, and only its spend
        db.execute("update loyalty_lot set remaining = 0 where customer_id = ?", broken);
        long[] members = new long[5];
        for (int i = 0; i < members.length; i++) {
            members[i] = member("express-beside-" + i);
        }
        long failedBefore = express.failedBatches();
        var answers = whileCommittersAreBusy(pool -> {
            var futures = new java.util.ArrayList<Future<ExpressLedger.Figures>>();
            futures.add(pool.submit(() -> spend(broken, "spend", 30)));
            for (long id : members) {
                futures.add(pool.submit(() -> grant(id, "beside", 12)));
            }
            return futures;
        });

        assertThatThrownBy(answers.get(0)::get).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lots hold less than the cached balance");
        for (int i = 1; i < answers.size(); i++) {
            assertThat(answers.get(i).get()).isEqualTo(new ExpressLedger.Figures(12, 0, 0));
            assertThat(points.cached(members[i - 1])).isEqualTo(points.ledgerSums(members[i - 1]));
        }
        assertThat(points.cached(broken).points()).as("nothing of the failed spend written").isEqualTo(100);
        assertThat(express.failedBatches() - failedBefore).as("the spend failed inside a batch").isPositive();
    }

    int committers() {
        return properties.committers();
    }

    interface Submissions<T> {
        List<Future<T>> submit(ExecutorService pool) throws Exception;
    }

    /**
     * Keeps every committer busy with a grant that waits for a member another transaction holds, submits the
     * operations, waits until they are all queued, then lets the holder go: the committers then take the queued
     * operations together.
     */
    <T> List<Future<T>> whileCommittersAreBusy(Submissions<T> operations) throws Exception {
        long held = member("express-held-" + System.nanoTime());
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newCachedThreadPool()) {
            Future<?> holder = pool.submit(() -> transaction.executeWithoutResult(status -> {
                db.execute("select 1 from loyalty_member where customer_id = ? for update", held);
                locked.countDown();
                await(release);
            }));
            locked.await();
            List<Future<ExpressLedger.Figures>> blocked = new java.util.ArrayList<>();
            for (int c = 0; c < committers(); c++) {
                String key = "held-" + c;
                blocked.add(pool.submit(() -> grant(held, key, 1)));
                int busy = c + 1;
                waitFor(() -> express.activity().batches() == busy && express.activity().queued() == 0,
                        "committer " + busy + " never took the held member's grant");
            }
            List<Future<T>> submitted = operations.submit(pool);
            waitFor(() -> express.activity().queued() == submitted.size(), "the operations never queued");
            release.countDown();
            holder.get();
            for (Future<ExpressLedger.Figures> grant : blocked) {
                assertThat(grant.get()).isNotNull();
            }
            for (Future<T> future : submitted) {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException expected) {
                    // the caller asserts it
                }
            }
            return submitted;
        }
    }

    void waitUntilOneSessionWaitsFor(Object session) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String waiting = "select count(*) from pg_stat_activity where ?::int = any(pg_blocking_pids(pid))";
        while (((Number) db.fetchValue(waiting, session)).intValue() < 1) {
            assertThat(System.nanoTime()).as("the express grant never queued for the member").isLessThan(deadline);
            db.execute("select pg_stat_clear_snapshot()"); // a fresh view of pg_stat_activity inside this transaction
        }
    }
}
