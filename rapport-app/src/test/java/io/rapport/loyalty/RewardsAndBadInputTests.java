package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.jooq.impl.DSL;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Rewards: atomic, idempotent redemption with stock and validity, coupon use from orders; and bad input answered with
 * a clear 4xx and a stable code, with nothing half done.
 */
abstract class RewardsAndBadInputTests extends LoyaltyTest {

    static final Instant T = Instant.parse("2026-04-01T04:00:00Z");

    @Autowired
    Rewards rewards;

    long richMember(String name, String spend) {
        clock.set(T);
        long id = customer(name, null, null);
        orders(sale(source + "-" + name, name, T.minus(Duration.ofDays(10)), spend));
        return id;
    }

    Http.Response redeem(long id, String reward, String key) {
        return admin().postJson("/api/v1/loyalty/members/" + id + "/redemptions",
                Map.of("rewardCode", reward, "idempotencyKey", key));
    }

    long stock(String code) {
        return rewards.find(code).orElseThrow().stock().orElseThrow();
    }

    @Test
    void should_redeem_atomically_and_return_the_same_coupon_for_a_repeated_request() {
        long id = richMember("redeem", "1000");
        reward(source + "-TEA", 300, 5L);

        Http.Response first = redeem(id, source + "-TEA", "k1");
        Http.Response again = redeem(id, source + "-TEA", "k1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).as("a replay").isEqualTo(200);
        String code = first.json().get("coupon").get("code").asString();
        assertThat(again.json().get("coupon").get("code").asString()).isEqualTo(code);
        assertThat(balance(id)).isEqualTo(700);
        assertThat(stock(source + "-TEA")).isEqualTo(4);
        assertLedgerConsistent(id);
    }

    @Test
    void should_record_a_coupons_use_from_an_order_line_once() {
        long id = richMember("coupon", "1000");
        reward(source + "-OFF", 100, null);
        String code = redeem(id, source + "-OFF", "k1").json().get("coupon").get("code").asString();

        orders(line(source + "-use", 1, "coupon", T.minus(Duration.ofHours(1)), "SKU-2", "50", code, "sale", null));

        JsonNode coupon = admin().get("/api/v1/loyalty/coupons/" + code).json();
        assertThat(coupon.get("status").asString()).isEqualTo("used");
        assertThat(coupon.get("usedOrder").asString()).isEqualTo(source + ":" + source + "-use");
    }

    @Test
    void should_refuse_insufficient_points_with_409_and_take_no_stock_and_issue_no_coupon() {
        long id = richMember("poor", "100");
        reward(source + "-TV", 5000, 3L);

        assertProblem(redeem(id, source + "-TV", "k1"), 409, "insufficient-points");

        assertThat(stock(source + "-TV")).isEqualTo(3);
        assertThat(rewards.coupons(id)).isEmpty();
        assertThat(balance(id)).isEqualTo(100);
    }

    @Test
    void should_refuse_an_expired_or_sold_out_reward() {
        long id = richMember("late", "1000");
        Http.Response saved = admin().putJson("/api/v1/loyalty/rewards/" + source + "-OLD", Map.of("name", "Old",
                "pointsCost", 10, "validUntil", T.minus(Duration.ofDays(1)).toString()));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        reward(source + "-ONE", 10, 1L);

        assertProblem(redeem(id, source + "-OLD", "k1"), 422, "reward-expired");
        assertThat(redeem(id, source + "-ONE", "k2").status()).isEqualTo(201);
        assertProblem(redeem(id, source + "-ONE", "k3"), 409, "reward-out-of-stock");
        assertProblem(redeem(id, "no-such-reward", "k4"), 404, "reward-not-found");
        assertThat(balance(id)).isEqualTo(990);
    }

    @Test
    void should_refuse_negative_fractional_and_missing_points_and_unknown_members() {
        long id = richMember("bad", "100");
        String grants = "/api/v1/loyalty/members/" + id + "/grants";

        assertProblem(admin().postJson(grants, Map.of("points", -5, "idempotencyKey", "g1")), 400, "invalid-points");
        assertProblem(admin().postJson(grants, Map.of("points", 1.5, "idempotencyKey", "g2")), 400, "invalid-points");
        assertProblem(admin().postJson(grants, Map.of("points", 0, "idempotencyKey", "g3")), 400, "invalid-points");
        assertProblem(admin().postJson(grants, Map.of("points", 5)), 400, "idempotency-key-required");
        assertProblem(admin().postJson("/api/v1/loyalty/members/99999999/grants",
                Map.of("points", 5, "idempotencyKey", "g4")), 404, "member-not-found");
        assertProblem(admin().postJson("/api/v1/loyalty/members/" + id + "/adjustments",
                Map.of("points", -5, "idempotencyKey", "a1")), 400, "reason-required");
        assertProblem(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", 99999999)), 404,
                "customer-not-found");
        Http.Response fractional = admin().postJson(grants, Map.of("points", 1.5, "idempotencyKey", "g2"));
        assertThat(fractional.json().get("field").asString()).isEqualTo("points");
        assertThat(balance(id)).as("nothing was granted").isEqualTo(100);
        assertLedgerConsistent(id);
    }

    @Test
    void should_refuse_an_idempotency_key_reused_for_another_operation() {
        long id = richMember("reuse", "1000");
        assertThat(admin().postJson("/api/v1/loyalty/members/" + id + "/grants",
                Map.of("points", 5, "idempotencyKey", "same")).status()).isEqualTo(200);
        assertProblem(admin().postJson("/api/v1/loyalty/members/" + id + "/adjustments",
                Map.of("points", -5, "reason", "x", "idempotencyKey", "same")), 409, "idempotency-key-reused");
    }

    @Autowired
    LoyaltyReports reports;

    /** A verified data-subject request of {@code type}, completed through privacy's API; returns its outcome. */
    JsonNode dataSubjectRequest(long customerId, String type) {
        long request = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", customerId, "type", type,
                "regime", "gdpr")).json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + request + "/verify", Map.of("method", "ID card seen"));
        if (type.equals("access")) {
            Http.Response export = admin().get("/api/v1/privacy/requests/" + request + "/export");
            assertThat(export.status()).as(export.body()).isEqualTo(200);
            return export.json();
        }
        JsonNode done = admin().postJson("/api/v1/privacy/requests/" + request + "/complete", "").json();
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
        return done;
    }

    @Test
    void should_export_membership_ledger_coupons_and_referrals_in_a_data_subject_access_request() {
        long inviter = richMember("inviter", "500");
        String code = admin().get("/api/v1/loyalty/members/" + inviter + "/referrals").json().get("referralCode")
                .asString();
        long id = customer("zoltan", null, null);
        assertThat(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", id, "referralCode", code,
                "deviceId", "dev-" + source)).status()).isEqualTo(201);
        orders(sale(source + "-z", "zoltan", T.minus(Duration.ofDays(10)), "1000"));
        reward(source + "-X", 100, null);
        String coupon = redeem(id, source + "-X", "k1").json().get("coupon").get("code").asString();
        String memberNo = card(id).get("member").get("memberNo").asString();

        JsonNode export = dataSubjectRequest(id, "access");

        JsonNode loyalty = null;
        for (JsonNode part : export.get("parts")) {
            if (part.get("category").asString().equals("loyalty")) {
                loyalty = part;
            }
        }
        assertThat(loyalty).as("the loyalty part of " + export).isNotNull();
        assertThat(loyalty.get("data").get("member").get("memberNo").asString()).isEqualTo(memberNo);
        assertThat(loyalty.get("data").get("ledger")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(loyalty.get("data").get("coupons").get(0).get("code").asString()).isEqualTo(coupon);
        assertThat(loyalty.get("data").get("referredBy").get("inviterId").asLong()).isEqualTo(inviter);
        assertThat(loyalty.get("summary").toString()).contains(memberNo);
    }

    @Test
    void should_anonymise_a_member_on_erasure_while_the_ledger_and_the_liability_stay_the_same() {
        long inviter = richMember("inviter", "500");
        String code = admin().get("/api/v1/loyalty/members/" + inviter + "/referrals").json().get("referralCode")
                .asString();
        long id = customer("zoltan", null, null);
        admin().postJson("/api/v1/loyalty/members", Map.of("customerId", id, "referralCode", code,
                "deviceId", "dev-" + source));
        orders(sale(source + "-z", "zoltan", T.minus(Duration.ofDays(10)), "1000"));
        reward(source + "-E", 100, null);
        redeem(id, source + "-E", "k1");
        String memberNo = card(id).get("member").get("memberNo").asString();
        assertThat(admin().postJson("/api/v1/loyalty/members/" + id + "/adjustments", Map.of("points", 7,
                "reason", "sorry about the parcel, phoned Zoltan at home", "idempotencyKey", "a1")).status())
                .isEqualTo(200);
        assertThat(admin().postJson("/api/v1/loyalty/members/" + inviter + "/adjustments", Map.of("points", 3,
                "reason", "thanks for bringing member " + memberNo, "idempotencyKey", "a2")).status()).isEqualTo(200);
        Points.Balance ledgerBefore = points.ledgerSums(id);
        LoyaltyReports.Liability liabilityBefore = reports.liability();

        JsonNode done = dataSubjectRequest(id, "erasure");

        assertThat(done.get("outcome").toString()).contains("loyalty");
        assertThat(reports.liability()).as("the programme's liability").isEqualTo(liabilityBefore);
        assertThat(points.ledgerSums(id)).as("the erased member's ledger sums").isEqualTo(ledgerBefore);
        assertLedgerConsistent(id);
        assertLedgerConsistent(inviter);
        JsonNode card = card(id);
        assertThat(card.get("member").get("memberNo").asString()).isEqualTo("X" + id);
        assertThat(card.get("balance").get("points").asLong()).isEqualTo(ledgerBefore.points());
        assertThat(card.get("coupons").get(0).get("status").asString()).isEqualTo("void");
        assertThat(db.fetchCount(DSL.table("loyalty_ledger"), DSL.lower(DSL.field("reason", String.class))
                .contains("zoltan").or(DSL.field("reason", String.class).contains(memberNo))))
                .as("ledger text naming the erased person").isZero();
        assertThat(db.fetchCount(DSL.table("loyalty_referral"), DSL.field("device_id").eq("dev-" + source)))
                .as("the invitee's device").isZero();
        assertThat(points.history(inviter, 0, 10).stream().filter(e -> e.kind().equals("adjust")).map(Points.Entry::reason))
                .as("the inviter's note about the erased member").containsExactly(LoyaltyPersonalData.ERASED_TEXT);
    }

    @Test
    void should_not_let_a_marketer_adjust_points() {
        long id = richMember("role", "100");
        Http marketer = user(false, "marketer");
        assertProblem(marketer.postJson("/api/v1/loyalty/members/" + id + "/adjustments",
                Map.of("points", 5, "reason", "x", "idempotencyKey", "a")), 403, "forbidden");
    }
}

@OnH2
class RewardsAndBadInputOnH2Test extends RewardsAndBadInputTests {}

@OnPostgres
class RewardsAndBadInputOnPostgresTest extends RewardsAndBadInputTests {}
