package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.table;

import io.rapport.platform.RapportException;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Sixteen threads earn, redeem, adjust and expire on one member at once. Nothing may be lost or spent twice, and the
 * cached balance must equal the ledger at the end.
 */
abstract class LedgerConcurrencyTests extends LoyaltyTest {

    static final int THREADS = 16;
    static final int OPERATIONS = 40;
    static final int ROUNDS = 30;

    @Autowired
    ExpressLedger express;
    @Autowired
    Rewards rewards;
    @Autowired
    NightlyLoyalty nightly;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate transaction;

    @Test
    void should_never_lose_an_update_or_double_spend_with_16_threads_on_one_member() throws Exception {
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        long id = member("busy");
        reward(source + "-R25", 25, null);
        // lots earned 24 months ago, a minute apart: they fall due for expiry one by one while the threads run
        for (int i = 0; i < 40; i++) {
            clock.set(start.minus(Duration.ofDays(730)).plus(Duration.ofMinutes(i)));
            points.grant(id, 10, "campaign", "old-" + i);
        }
        clock.set(start);
        AtomicLong granted = new AtomicLong(400);
        AtomicLong redeemed = new AtomicLong();
        AtomicLong adjusted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong redemptions = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    Random random = new Random(thread);
                    for (int i = 0; i < OPERATIONS; i++) {
                        String key = thread + "-" + i;
                        try {
                            switch (random.nextInt(5)) {
                                case 0, 1 -> {
                                    long p = 1 + random.nextInt(30);
                                    points.grant(id, p, "campaign", "g" + key);
                                    granted.addAndGet(p);
                                }
                                case 2 -> {
                                    rewards.redeem(id, source + "-R25", "r" + key, "test");
                                    redeemed.addAndGet(25);
                                    redemptions.incrementAndGet();
                                }
                                case 3 -> {
                                    long p = 1 + random.nextInt(15);
                                    points.adjust(id, -p, "concurrency test", "test", "a" + key);
                                    adjusted.addAndGet(p);
                                }
                                default -> {
                                    clock.advance(Duration.ofSeconds(20));
                                    nightly.maintainDue();
                                }
                            }
                        } catch (RapportException e) {
                            assertThat(e.code()).isEqualTo("insufficient-points");
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        clock.advance(Duration.ofMinutes(30));
        points.balance(id); // applies whatever expiry is still due

        assertLedgerConsistent(id);
        Points.Balance cached = points.cached(id);
        long expired = -sumOf(id, "expire");
        assertThat(sumOf(id, "grant")).as("every grant is in the ledger once").isEqualTo(granted.get());
        assertThat(-sumOf(id, "redeem")).as("every redemption is in the ledger once").isEqualTo(redeemed.get());
        assertThat(-sumOf(id, "adjust")).isEqualTo(adjusted.get());
        assertThat(expired).as("only the old lots' leftovers expired").isBetween(0L, 400L);
        assertThat(cached.points()).isEqualTo(granted.get() - redeemed.get() - adjusted.get() - expired);
        assertThat(cached.points()).isNotNegative();
        assertThat(rewards.coupons(id)).as("one coupon per successful redemption").hasSize((int) redemptions.get());
        assertThat(redemptions.get()).isPositive();
        assertThat(refused.get() + redemptions.get()).isPositive();
    }

    @Test
    void should_answer_a_request_sent_twice_at_once_with_the_first_result_not_a_409() throws Exception {
        long id = member("twice");
        points.grant(id, 1_000, "campaign", "twice-seed");
        // two copies of one request queue for the member's lock, held meanwhile by a third transaction; when it ends,
        // the first copy writes, and the second, whose key check ran before that write, must still see the first
        // result. Grants and spends alternate; each round is a new key.
        for (int round = 0; round < ROUNDS; round++) {
            String key = "twice-" + round;
            boolean spend = round % 2 == 1;
            CountDownLatch locked = new CountDownLatch(1);
            List<Future<Points.Movement>> copies = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
                Future<?> holder = pool.submit(() -> transaction.executeWithoutResult(status -> {
                    db.selectOne().from(table("loyalty_member")).where(field("customer_id", Long.class).eq(id))
                            .forUpdate().fetch();
                    Object session = db.fetchValue(postgres() ? "select pg_backend_pid()" : "select session_id()");
                    locked.countDown();
                    waitUntilTwoSessionsWaitFor(session);
                }));
                locked.await();
                for (int copy = 0; copy < 2; copy++) {
                    copies.add(pool.submit(() -> spend ? points.adjust(id, -3, "sent twice", "test", key)
                            : points.grant(id, 7, "campaign", key)));
                }
                holder.get();
                Points.Movement first = copies.get(0).get();
                Points.Movement second = copies.get(1).get();
                assertThat(List.of(first.replayed(), second.replayed())).as("round %d", round)
                        .containsExactlyInAnyOrder(false, true);
                assertThat(second.points()).as("round %d", round).isEqualTo(first.points()).isEqualTo(spend ? -3 : 7);
                assertThat(second.kind()).isEqualTo(first.kind());
                assertThat(second.idempotencyKey()).isEqualTo(first.idempotencyKey()).isEqualTo(key);
            }
            Integer entries = db.selectCount().from(table("loyalty_ledger"))
                    .where(field("op_key", String.class).eq(Points.scoped(id, key))).fetchOne(0, Integer.class);
            assertThat(entries).as("round %d: one ledger entry", round).isEqualTo(1);
        }
        assertLedgerConsistent(id);
        assertThat(points.cached(id).points()).isEqualTo(1_000 + 7 * (ROUNDS / 2) - 3 * (ROUNDS / 2));
    }

    boolean postgres() {
        return db.dialect().family() == org.jooq.SQLDialect.POSTGRES;
    }

    /**
     * Waits until two other sessions wait for a lock behind {@code session}: directly, or behind a session that waits
     * for it (the second of two requests for one row lock queues behind the first). On PostgreSQL the copies may be
     * committed together ({@link io.rapport.platform.GroupCommits}): then it waits until both are in batches and every batch being run
     * waits for the lock (one session when the copies share a batch).
     */
    void waitUntilTwoSessionsWaitFor(Object session) {
        String sql = postgres()
                ? "select count(*) from pg_stat_activity a where ?::int = any(pg_blocking_pids(a.pid)) or exists "
                + "(select 1 from pg_stat_activity b where ?::int = any(pg_blocking_pids(b.pid)) "
                + "and b.pid = any(pg_blocking_pids(a.pid)))"
                : "select count(*) from information_schema.sessions where blocker_id is not null and ? = ?";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
        while (!queued(((Number) db.fetchValue(sql, session, session)).intValue())) {
            if (postgres()) {
                // this runs inside the holder's transaction, where PostgreSQL keeps the first view of pg_stat_activity:
                // a copy on a connection opened after it would never show
                db.execute("select pg_stat_clear_snapshot()");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the two copies never queued for the member's lock");
            }
            Thread.onSpinWait();
        }
    }

    private boolean queued(int sessionsWaiting) {
        if (sessionsWaiting >= 2) {
            return true;
        }
        io.rapport.platform.GroupCommits.Activity now = express.activity();
        return postgres() && now.queued() == 0 && now.operations() >= 2 && now.batches() >= 1
                && sessionsWaiting >= now.batches();
    }

    long sumOf(long id, String kind) {
        Long value = db.select(sum(field("points", Long.class)).cast(Long.class)).from(table("loyalty_ledger"))
                .where(field("customer_id", Long.class).eq(id)).and(field("kind", String.class).eq(kind))
                .fetchOne(0, Long.class);
        return value == null ? 0 : value;
    }
}

@OnH2
class LedgerConcurrencyOnH2Test extends LedgerConcurrencyTests {}

@OnPostgres
class LedgerConcurrencyOnPostgresTest extends LedgerConcurrencyTests {}
