package io.rapport.loyalty;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Loyalty benchmarks, run on demand (the class name matches no Surefire pattern, so the build never runs it):
 * <pre>
 * mvn -B test -pl rapport-app -am -Dtest='LoyaltyBenchmarkOnPostgres' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dloyalty.bench.members=1000000
 * </pre>
 * Measures ledger operations per second with 16 concurrent clients, the nightly expiry over N members with one due
 * lot each, and the tier re-evaluation over the same N members. Results are printed, and recorded by hand in
 * docs/benchmarks.md; nothing is asserted about time. {@code -Dloyalty.bench.phases=ledger} runs only the ledger part;
 * {@code -Dloyalty.bench.rounds=N} runs it N times, each time first with every operation inside a transaction of the
 * client's (the general path) and then as the API calls it (on PostgreSQL the express path, first with each operation
 * committing alone, then — when {@code -Drapport.loyalty.committers=N} turns grouping on — with operations that arrive
 * together committed together), so they share the machine's load.
 */
@TestPropertySource(properties = {"rapport.test.context=loyalty-bench", "spring.datasource.hikari.maximum-pool-size=16"})
abstract class LoyaltyBenchmark extends LoyaltyTest {

    @org.springframework.beans.factory.annotation.Autowired
    ExpressLedger express;

    static final int CLIENTS = 16;
    static final long FIRST_ID = 500_000_000L;

    @Autowired
    LoyaltyProperties properties;
    @Autowired
    NightlyLoyalty nightly;
    @Autowired
    Tiers tiers;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate transaction;

    int members() {
        return Integer.getInteger("loyalty.bench.members", 100_000);
    }

    int operations() {
        return Integer.getInteger("loyalty.bench.operations", 64_000);
    }

    String series(int n) {
        return db.dialect().family() == SQLDialect.POSTGRES ? "generate_series(1, " + n + ") as s(g)"
                : "system_range(1, " + n + ") as s(g)";
    }

    @Test
    void bench() throws Exception {
        int n = members();
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        clock.set(now);
        long t0 = System.nanoTime();
        // N members with one 100-point lot each that expired yesterday, and spend in the tier window
        db.execute("insert into loyalty_member (customer_id, member_no, tier, tier_since, tier_review_on, available, "
                + "next_expiry_at, referral_code, enrolled_at) select " + FIRST_ID + " + g, 'B' || g, 'silver', "
                + "timestamp with time zone '2025-05-01 00:00:00+00', date '2026-05-31', 100, "
                + "timestamp with time zone '2026-05-31 00:00:00+00', 'B' || g, "
                + "timestamp with time zone '2024-05-01 00:00:00+00' from " + series(n));
        db.execute("insert into loyalty_lot (customer_id, source, points, remaining, qualifying, state, earned_at, "
                + "available_at, expires_at) select " + FIRST_ID + " + g, 'order', 100, 100, true, 'available', "
                + "timestamp with time zone '2024-05-31 00:00:00+00', timestamp with time zone '2024-05-31 00:00:00+00', "
                + "timestamp with time zone '2026-05-31 00:00:00+00' from " + series(n));
        db.execute("insert into loyalty_ledger (customer_id, op_key, part, kind, source, points, actor, created_at, lot_id) "
                + "select l.customer_id, 'bench:' || l.id, 0, 'earn', 'order', 100, 'bench', l.earned_at, l.id "
                + "from loyalty_lot l where l.customer_id > " + FIRST_ID);
        db.execute("insert into loyalty_qualifying (customer_id, month_start, spend, points) select " + FIRST_ID
                + " + g, date '2026-03-01', mod(g * 37, 14000), 0 from " + series(n));
        long setup = System.nanoTime() - t0;
        System.out.printf("BENCH %s setup of %,d members: %.1f s%n", db.dialect(), n, setup / 1e9);

        String phases = System.getProperty("loyalty.bench.phases", "expiry,tiers,ledger");
        if (phases.contains("expiry")) {
            expiry();
        }
        if (phases.contains("tiers")) {
            t0 = System.nanoTime();
            Tiers.Review review = tiers.reevaluate(LocalDate.of(2026, 6, 1));
            double tierTime = (System.nanoTime() - t0) / 1e9;
            System.out.printf("BENCH %s tier re-evaluation: %s in %.1f s = %,.0f members/s%n", db.dialect(), review,
                    tierTime, review.members() / tierTime);
        }
        if (phases.contains("ledger")) {
            int pool = Math.min(n, 10_000);
            for (int i = 0; i < pool; i++) {
                points.grant(FIRST_ID + 1 + i, 1_000, "campaign", "bench-seed");
            }
            // the general path (the caller's transaction: lock, write, commit) and the express path (PostgreSQL: one
            // round trip, no caller transaction) take turns, so both see the same machine
            int rounds = Integer.getInteger("loyalty.bench.rounds", 1);
            for (int round = 1; round <= rounds; round++) {
                if (rounds > 1) {
                    ledgerOperations(pool, true, "round " + round);
                }
                if (express.available()) {
                    express.grouped(false);
                    ledgerOperations(pool, false, "round " + round + ", each commits alone");
                    express.grouped(true);
                    if (properties.committers() > 0) {
                        ledgerOperations(pool, false, "round " + round + ", committed together by "
                                + properties.committers());
                    }
                } else {
                    ledgerOperations(pool, false, "round " + round);
                }
            }
        }
    }

    void expiry() {
        long t0 = System.nanoTime();
        long handled = nightly.maintainDue();
        double expiry = (System.nanoTime() - t0) / 1e9;
        System.out.printf("BENCH %s nightly expiry: %,d members in %.1f s = %,.0f members/s%n", db.dialect(), handled,
                expiry, handled / expiry);
    }

    /**
     * 16 clients, each operation its own transaction on a random member: 60 % earn, 40 % spend. {@code inTransaction}
     * runs each in a transaction the client opens (so the general path, as inside order earning or a redemption);
     * otherwise the call is made without one, as the API does.
     */
    void ledgerOperations(int memberPool, boolean inTransaction, String label) throws Exception {
        String path = inTransaction ? "general path, caller's transaction" : "as the API calls it";
        int perClient = operations() / CLIENTS;
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        long t0;
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    go.await();
                    Random random = new Random(client);
                    for (int i = 0; i < perClient; i++) {
                        long member = FIRST_ID + 1 + random.nextInt(memberPool);
                        String key = label + (inTransaction ? "t" : "a") + client + "-" + i;
                        boolean earn = random.nextInt(10) < 6;
                        long amount = earn ? 1 + random.nextInt(50) : -(1 + random.nextInt(40));
                        try {
                            // a spend through the public entry point, so it is a transaction of its own as a grant is
                            java.util.function.Supplier<Points.Movement> operation = earn
                                    ? () -> points.grant(member, amount, "campaign", key)
                                    : () -> points.adjust(member, amount, "bench", "bench", key);
                            if (inTransaction) {
                                transaction.execute(status -> operation.get());
                            } else {
                                operation.get();
                            }
                            ok.incrementAndGet();
                        } catch (io.rapport.platform.RapportException e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            t0 = System.nanoTime();
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("BENCH %s ledger, %s, %s: %,d operations (%,d refused) by %d clients on %,d members in "
                + "%.1f s = %,.0f ops/s%n", db.dialect(), label, path, ok.get() + refused.get(), refused.get(), CLIENTS,
                memberPool, seconds, (ok.get() + refused.get()) / seconds);
    }
}

@OnH2
class LoyaltyBenchmarkOnH2 extends LoyaltyBenchmark {}

@OnPostgres
class LoyaltyBenchmarkOnPostgres extends LoyaltyBenchmark {}
