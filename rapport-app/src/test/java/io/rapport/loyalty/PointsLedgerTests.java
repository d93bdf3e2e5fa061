package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The points ledger: lots, pending points, expiry oldest first, reversal on returns, balance = ledger sum. */
abstract class PointsLedgerTests extends LoyaltyTest {

    static final Instant T = Instant.parse("2026-06-15T04:00:00Z");

    List<Long> lotsOf(long customerId) {
        return db.select(field("id", Long.class)).from(table("loyalty_lot"))
                .where(field("customer_id", Long.class).eq(customerId)).orderBy(field("id")).fetch(0, Long.class);
    }

    List<JsonNode> ledger(long customerId) {
        JsonNode entries = admin().get("/api/v1/loyalty/members/" + customerId + "/ledger?size=500").json();
        return java.util.stream.StreamSupport.stream(entries.spliterator(), false).toList();
    }

    @Test
    void should_keep_order_points_pending_until_the_return_window_ends() {
        clock.set(T);
        long id = customer("pending", null, null);
        orders(sale(source + "-o1", "pending", T.minus(Duration.ofDays(1)), "1000"));

        JsonNode card = card(id);
        assertThat(card.get("balance").get("points").asLong()).isZero();
        assertThat(card.get("balance").get("pending").asLong()).isEqualTo(1000);

        clock.set(T.plus(Duration.ofDays(5)).plus(Duration.ofHours(23)));
        assertThat(balance(id)).as("one hour before the window ends").isZero();
        clock.advance(Duration.ofHours(1));
        JsonNode after = card(id);
        assertThat(after.get("balance").get("points").asLong()).isEqualTo(1000);
        assertThat(after.get("balance").get("pending").asLong()).isZero();
        assertThat(ledger(id)).extracting(e -> e.get("kind").asString()).contains("earn", "release");
        assertLedgerConsistent(id);
    }

    @Test
    void should_spend_the_oldest_lot_first_and_expire_what_is_left_of_each_lot_on_its_own_date() {
        clock.set(T);
        long id = customer("lots", null, null);
        Instant older = T.atOffset(ZoneOffset.UTC).minusMonths(24).plusDays(20).toInstant();
        Instant newer = T.atOffset(ZoneOffset.UTC).minusMonths(12).toInstant();
        orders(sale(source + "-old", "lots", older, "600") + sale(source + "-new", "lots", newer, "400"));
        List<Long> lots = lotsOf(id);
        assertThat(lots).hasSize(2);
        assertThat(balance(id)).isEqualTo(1000);
        reward(source + "-R500", 500, null);

        Http.Response redeemed = admin().postJson("/api/v1/loyalty/members/" + id + "/redemptions",
                Map.of("rewardCode", source + "-R500", "idempotencyKey", "r1"));
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(201);
        JsonNode redeem = ledger(id).stream().filter(e -> e.get("kind").asString().equals("redeem")).findFirst()
                .orElseThrow();
        assertThat(redeem.get("lotId").asLong()).as("drawn from the oldest lot").isEqualTo(lots.get(0));
        assertThat(redeem.get("points").asLong()).isEqualTo(-500);
        assertThat(card(id).get("expiringIn30Days").asLong()).as("what is left of the old lot").isEqualTo(100);
        java.util.Map<Long, Long> expiring = new java.util.HashMap<>();
        points.forEachExpiringWithin(Duration.ofDays(30), expiring::put);
        assertThat(expiring).as("for journeys: every member with points expiring soon").containsEntry(id, 100L);

        clock.set(T.plus(Duration.ofDays(21)));
        assertThat(balance(id)).as("the old lot's 100 expired").isEqualTo(400);
        JsonNode expire = ledger(id).stream().filter(e -> e.get("kind").asString().equals("expire")).findFirst()
                .orElseThrow();
        assertThat(expire.get("lotId").asLong()).isEqualTo(lots.get(0));
        assertThat(expire.get("points").asLong()).isEqualTo(-100);
        assertLedgerConsistent(id);

        clock.set(T.atOffset(ZoneOffset.UTC).plusMonths(12).plusDays(1).toInstant());
        assertThat(balance(id)).as("the newer lot expired a year later").isZero();
        assertLedgerConsistent(id);
    }

    @Test
    void should_reverse_the_returned_share_of_an_order_and_record_what_was_already_spent_as_debt() {
        clock.set(T);
        long id = customer("debt", null, null);
        orders(sale(source + "-o1", "debt", T.minus(Duration.ofDays(10)), "1000"));
        reward(source + "-R800", 800, null);
        assertThat(admin().postJson("/api/v1/loyalty/members/" + id + "/redemptions",
                Map.of("rewardCode", source + "-R800", "idempotencyKey", "r1")).status()).isEqualTo(201);
        assertThat(balance(id)).isEqualTo(200);

        orders(refund(source + "-ret1", "debt", T.minus(Duration.ofDays(1)), "500", source + "-o1"));

        JsonNode balance = card(id).get("balance");
        assertThat(balance.get("points").asLong()).as("the lot's last 200 points are reversed").isZero();
        assertThat(balance.get("debt").asLong()).as("the other 300 were spent: debt").isEqualTo(300);
        assertLedgerConsistent(id);

        orders(sale(source + "-o2", "debt", T.minus(Duration.ofDays(8)), "400"));
        JsonNode settled = card(id).get("balance");
        assertThat(settled.get("debt").asLong()).as("new points settle the debt first").isZero();
        assertThat(settled.get("points").asLong()).isEqualTo(100);
        assertLedgerConsistent(id);
    }

    @Test
    void should_let_the_balance_go_negative_only_when_the_programme_allows_it() {
        programme.update(new ProgrammeSettings(null, null, null, ProgrammeSettings.NegativeBalance.ALLOW, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null), "test");
        clock.set(T);
        long id = customer("negative", null, null);
        orders(sale(source + "-o1", "negative", T.minus(Duration.ofDays(10)), "1000"));
        reward(source + "-R900", 900, null);
        admin().postJson("/api/v1/loyalty/members/" + id + "/redemptions",
                Map.of("rewardCode", source + "-R900", "idempotencyKey", "r1"));

        orders(refund(source + "-ret1", "negative", T.minus(Duration.ofDays(1)), "1000", source + "-o1"));

        JsonNode balance = card(id).get("balance");
        assertThat(balance.get("points").asLong()).isEqualTo(-900);
        assertThat(balance.get("debt").asLong()).isZero();
        assertProblem(admin().postJson("/api/v1/loyalty/members/" + id + "/redemptions",
                Map.of("rewardCode", source + "-R900", "idempotencyKey", "r2")), 409, "insufficient-points");
        assertLedgerConsistent(id);
    }

    @Test
    void should_reverse_partial_returns_so_that_they_add_up_to_the_order_points_exactly() {
        clock.set(T);
        long id = customer("partial", null, null);
        orders(sale(source + "-o1", "partial", T.minus(Duration.ofDays(2)), "999"));
        for (int i = 1; i <= 3; i++) {
            orders(refund(source + "-ret" + i, "partial", T.minus(Duration.ofDays(1)), "333", source + "-o1"));
        }
        JsonNode balance = card(id).get("balance");
        assertThat(balance.get("pending").asLong() + balance.get("points").asLong()).isZero();
        assertThat(balance.get("debt").asLong()).isZero();
        assertLedgerConsistent(id);
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.rapport.customer.CustomerDirectory directory;
    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;

    @Test
    void should_move_points_pending_points_and_spend_to_the_survivor_when_two_customers_merge() {
        clock.set(T);
        long survivor = customer("keeper", null, null);
        long merged = customer("twin", null, null);
        orders(sale(source + "-k1", "keeper", T.minus(Duration.ofDays(30)), "2000")
                + sale(source + "-t1", "twin", T.minus(Duration.ofDays(20)), "1500")
                + sale(source + "-t2", "twin", T.minus(Duration.ofDays(1)), "300"));

        transactions.executeWithoutResult(s -> directory.merge(survivor, merged, "same phone"));

        JsonNode balance = card(survivor).get("balance");
        assertThat(balance.get("points").asLong()).isEqualTo(3500);
        assertThat(balance.get("pending").asLong()).isEqualTo(300);
        assertThat(card(survivor).get("tier").get("tier").asString()).as("3,800 spent together").isEqualTo("gold");
        assertThat(points.cached(merged).points() + points.cached(merged).pending()).isZero();
        assertLedgerConsistent(survivor);
        assertLedgerConsistent(merged);

        orders(refund(source + "-tr", "keeper", T.minus(Duration.ofHours(2)), "1500", source + "-t1"));
        assertThat(card(survivor).get("balance").get("points").asLong()).as("the twin's order returned").isEqualTo(2000);
        assertLedgerConsistent(survivor);
    }

    @Test
    void should_keep_the_cached_balance_equal_to_the_ledger_sum_through_random_operations() {
        clock.set(T);
        long id = member("random");
        reward(source + "-R30", 30, null);
        Random random = new Random(11);
        for (int i = 0; i < 120; i++) {
            clock.advance(Duration.ofHours(random.nextInt(400)));
            switch (random.nextInt(4)) {
                case 0 -> points.grant(id, 1 + random.nextInt(100), "campaign", "g" + i);
                case 1 -> admin().postJson("/api/v1/loyalty/members/" + id + "/redemptions",
                        Map.of("rewardCode", source + "-R30", "idempotencyKey", "r" + i));
                case 2 -> admin().postJson("/api/v1/loyalty/members/" + id + "/adjustments",
                        Map.of("points", -(1 + random.nextInt(20)), "reason", "test", "idempotencyKey", "a" + i));
                default -> points.grant(id, 5, "campaign", "g" + (i - 1)); // a replay half of the time
            }
            assertLedgerConsistent(id);
        }
        assertThat(points.cached(id).points()).isNotNegative();
    }
}

@OnH2
class PointsLedgerOnH2Test extends PointsLedgerTests {}

@OnPostgres
class PointsLedgerOnPostgresTest extends PointsLedgerTests {}
