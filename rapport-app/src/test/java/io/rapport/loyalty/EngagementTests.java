package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Tasks and streaks, green actions, referrals, charity and the signed partner API. */
abstract class EngagementTests extends LoyaltyTest {

    @Autowired
    NightlyLoyalty nightly;

    static ProgrammeSettings tasks() {
        return new ProgrammeSettings(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, List.of(new ProgrammeSettings.Task("streak7", ProgrammeSettings.TaskKind.STREAK, "feature_use", 7, 700L),
                new ProgrammeSettings.Task("bind-app", ProgrammeSettings.TaskKind.ONE_OFF, "app_bound", 1, 100L)),
                null, null, List.of(new ProgrammeSettings.GreenAction("recycling", 30L)), null);
    }

    Map<String, Object> event(String id, String name, String type, Instant at) {
        return Map.of("external_id", id, "type", type, "occurred_at", at.toString(), "source", source,
                "email", email(name));
    }

    void events(List<Map<String, Object>> events) {
        Http.Response response = admin().postJson("/api/v1/events", events);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    /** 23:30 local time on each of 7 days around the spring-forward night (New York, 8 March 2026). */
    List<Map<String, Object>> lateEveningUses(String name, LocalDate first, int days, ZoneId zone) {
        List<Map<String, Object>> uses = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            Instant at = first.plusDays(d).atTime(23, 30).atZone(zone).toInstant();
            uses.add(event(name + "-use-" + d, name, "feature_use", at));
            // a second use just after local midnight belongs to the next day, not to this one
            uses.add(event(name + "-late-" + d, name, "feature_use", at.plus(Duration.ofMinutes(40))));
        }
        return uses;
    }

    @Test
    void should_complete_a_7_day_streak_counted_in_the_members_time_zone_across_midnight_and_dst() {
        programme.update(tasks(), "test");
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        ZoneId newYork = ZoneId.of("America/New_York");
        long id = customer("streak", null, "America/New_York");
        admin().postJson("/api/v1/loyalty/members", Map.of("customerId", id));

        // 5 to 10 March local evenings + the 40-minute-later uses = 7 consecutive local days (5th..11th)
        events(lateEveningUses("streak", LocalDate.of(2026, 3, 5), 6, newYork));

        JsonNode streak = card(id).get("tasks").get(0);
        assertThat(streak.get("progress").asInt()).isEqualTo(7);
        assertThat(streak.get("completedAt").isNull()).isFalse();
        assertThat(balance(id)).isEqualTo(700);

        events(lateEveningUses("streak-again", LocalDate.of(2026, 3, 12), 1, newYork).stream()
                .map(e -> event((String) e.get("external_id"), "streak", "feature_use",
                        Instant.parse((String) e.get("occurred_at")))).toList());
        assertThat(balance(id)).as("a completed task pays once").isEqualTo(700);
    }

    @Test
    void should_restart_a_streak_after_a_missed_day() {
        programme.update(tasks(), "test");
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        long id = customer("gap", null, "Asia/Shanghai");
        admin().postJson("/api/v1/loyalty/members", Map.of("customerId", id));
        List<Map<String, Object>> uses = new ArrayList<>();
        for (int d : new int[] {1, 2, 3, 5, 6}) {
            uses.add(event("gap-" + d, "gap", "feature_use", LocalDate.of(2026, 3, d).atTime(9, 0).atZone(shanghai)
                    .toInstant()));
        }
        events(uses);
        assertThat(card(id).get("tasks").get(0).get("progress").asInt()).isEqualTo(2);
        assertThat(balance(id)).isZero();
    }

    @Test
    void should_grant_one_off_tasks_and_green_actions_once() {
        programme.update(tasks(), "test");
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        long id = member("once");
        Instant at = Instant.parse("2026-03-19T10:00:00Z");
        events(List.of(event("b1", "once", "app_bound", at), event("b2", "once", "app_bound", at.plusSeconds(60)),
                event("r1", "once", "recycling", at), event("r2", "once", "recycling", at.plusSeconds(5))));
        events(List.of(event("b1", "once", "app_bound", at))); // a replayed event is not stored again
        assertThat(balance(id)).as("bind-app 100 + two recycling events × 30").isEqualTo(160);
    }

    @Test
    void should_reward_both_sides_of_a_referral_only_after_the_first_orders_return_window() {
        clock.set(Instant.parse("2026-03-01T00:00:00Z"));
        long inviter = member("inviter");
        String code = card(inviter).get("member").get("referralCode").asString();
        long invitee = customer("invitee", null, null);
        Http.Response joined = admin().postJson("/api/v1/loyalty/members",
                Map.of("customerId", invitee, "referralCode", code, "deviceId", source + "-dev1"));
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        orders(sale(source + "-first", "invitee", Instant.parse("2026-02-28T10:00:00Z"), "100"));

        nightly.run();
        assertThat(balance(inviter)).as("still inside the return window").isZero();

        clock.set(Instant.parse("2026-03-08T00:00:00Z"));
        nightly.run();
        assertThat(balance(inviter)).isEqualTo(500);
        assertThat(balance(invitee)).as("200 for joining + 100 for the order").isEqualTo(300);
        nightly.run();
        assertThat(balance(inviter)).as("paid once").isEqualTo(500);
    }

    @Test
    void should_refuse_the_referral_reward_when_invitee_and_inviter_share_a_phone_or_an_address() {
        clock.set(Instant.parse("2026-03-01T00:00:00Z"));
        long inviter = member("sharer");
        assertThat(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", inviter,
                "phone", "+86 138 0013 8000", "address", "12 Rue de la Paix, 75002 Paris")).status()).isEqualTo(200);
        String code = card(inviter).get("member").get("referralCode").asString();
        long sameAddress = customer("flatmate", null, null);
        long samePhone = customer("alias", null, null);
        long friend = customer("friend", null, null);
        assertThat(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", sameAddress, "referralCode", code,
                "address", "12 rue de la paix -- 75002  PARIS")).status()).isEqualTo(201);
        assertThat(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", samePhone, "referralCode", code,
                "phone", "+8613800138000")).status()).isEqualTo(201);
        assertThat(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", friend, "referralCode", code,
                "phone", "+86 139 0013 9000", "address", "14 Rue de la Paix, 75002 Paris")).status()).isEqualTo(201);
        Instant bought = Instant.parse("2026-02-28T10:00:00Z");
        orders(sale(source + "-f1", "flatmate", bought, "100") + sale(source + "-a1", "alias", bought, "100")
                + sale(source + "-fr1", "friend", bought, "100"));

        clock.set(Instant.parse("2026-03-08T00:00:00Z"));
        nightly.run();

        assertThat(balance(inviter)).as("rewarded for the friend only").isEqualTo(500);
        assertThat(balance(friend)).as("200 for joining + 100 for the order").isEqualTo(300);
        assertThat(balance(sameAddress)).as("the order's points only").isEqualTo(100);
        assertThat(balance(samePhone)).as("the order's points only").isEqualTo(100);
        Map<Long, JsonNode> invited = new java.util.HashMap<>();
        admin().get("/api/v1/loyalty/members/" + inviter + "/referrals").json().get("invited")
                .forEach(r -> invited.put(r.get("inviteeId").asLong(), r));
        assertThat(invited.get(sameAddress).get("status").asString()).isEqualTo("refused");
        assertThat(invited.get(sameAddress).get("reason").asString()).startsWith("referral-same-address");
        assertThat(invited.get(samePhone).get("status").asString()).isEqualTo("refused");
        assertThat(invited.get(samePhone).get("reason").asString()).startsWith("referral-same-phone");
        assertThat(invited.get(friend).get("status").asString()).isEqualTo("rewarded");
        assertThat(db.fetchCount(org.jooq.impl.DSL.table("loyalty_contact"), org.jooq.impl.DSL.lower(
                org.jooq.impl.DSL.field("fingerprint", String.class)).contains("paix")
                .or(org.jooq.impl.DSL.field("fingerprint", String.class).contains("13800138000"))))
                .as("contacts are kept as fingerprints only").isZero();
        assertProblem(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", friend, "phone", "12")),
                400, "invalid-phone");
    }

    @Test
    void should_refuse_self_referral_a_reused_device_and_a_customer_who_already_bought() {
        clock.set(Instant.parse("2026-03-01T00:00:00Z"));
        long inviter = member("host");
        String code = card(inviter).get("member").get("referralCode").asString();
        assertProblem(admin().postJson("/api/v1/loyalty/members",
                Map.of("customerId", inviter, "referralCode", code)), 422, "referral-self");
        long first = customer("guest1", null, null);
        admin().postJson("/api/v1/loyalty/members", Map.of("customerId", first, "referralCode", code,
                "deviceId", source + "-phone"));
        long second = customer("guest2", null, null);
        assertProblem(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", second, "referralCode", code,
                "deviceId", source + "-phone")), 422, "referral-same-device");
        orders(sale(source + "-b", "guest3", Instant.parse("2026-02-20T00:00:00Z"), "10"));
        long buyer = db.select(org.jooq.impl.DSL.field("customer_id", Long.class)).from(org.jooq.impl.DSL.table("loyalty_order"))
                .where(org.jooq.impl.DSL.field("external_order_id", String.class).eq(source + "-b")).fetchOne(0, Long.class);
        assertProblem(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", buyer, "referralCode", code)),
                422, "referral-after-purchase");
        assertProblem(admin().postJson("/api/v1/loyalty/members", Map.of("customerId", second, "referralCode", "NOPE")),
                404, "referral-code-unknown");
    }

    JsonNode charityCampaign(String campaign) {
        for (JsonNode c : admin().get("/api/v1/loyalty/reports/charity").json()) {
            if (c.get("campaign").asString().equals(campaign)) {
                return c;
            }
        }
        throw new AssertionError("no campaign " + campaign);
    }

    @Test
    void should_reverse_the_brands_charity_accrual_in_proportion_to_what_is_returned_once_per_return() {
        programme.update(new ProgrammeSettings(null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, new ProgrammeSettings.Charity(source, new java.math.BigDecimal("1"),
                new java.math.BigDecimal("100")), null, null), "test");
        clock.set(Instant.parse("2026-03-01T00:00:00Z"));
        customer("returner", null, null);
        Instant bought = Instant.parse("2026-02-01T00:00:00Z");
        orders(line(source + "-o", 1, "returner", bought, "SKU-1", "1000", null, "sale", null)
                + line(source + "-o", 2, "returner", bought, "SKU-2", "1000", null, "sale", null)
                + line(source + "-o", 3, "returner", bought, "SKU-3", "1000", null, "sale", null));
        assertThat(charityCampaign(source).get("brandAmount").decimalValue()).isEqualByComparingTo("30.00");

        String firstReturn = refund(source + "-r1", "returner", bought.plusSeconds(86_400), "1000", source + "-o");
        orders(firstReturn);
        JsonNode afterOne = charityCampaign(source);
        assertThat(afterOne.get("brandAmount").decimalValue()).as("a third returned").isEqualByComparingTo("20.00");
        assertThat(afterOne.get("brandReversed").decimalValue()).isEqualByComparingTo("10.00");

        orders(firstReturn);
        assertThat(charityCampaign(source).get("brandAmount").decimalValue()).as("the same return imported again")
                .isEqualByComparingTo("20.00");

        orders(refund(source + "-r2", "returner", bought.plusSeconds(2 * 86_400), "1000", source + "-o")
                .replace(",SKU-1,", ",SKU-2,")
                + refund(source + "-r3", "returner", bought.plusSeconds(3 * 86_400), "1000", source + "-o")
                .replace(",SKU-1,", ",SKU-3,"));
        JsonNode all = charityCampaign(source);
        assertThat(all.get("brandAmount").decimalValue()).as("everything returned").isEqualByComparingTo("0.00");
        assertThat(all.get("brandReversed").decimalValue()).isEqualByComparingTo("30.00");
    }

    @Test
    void should_accrue_the_brands_1_per_100_and_members_donations_per_campaign() {
        clock.set(Instant.parse("2026-03-01T00:00:00Z"));
        long id = customer("giver", null, null);
        orders(sale(source + "-o1", "giver", Instant.parse("2026-02-01T00:00:00Z"), "2550"));
        Http.Response donated = admin().postJson("/api/v1/loyalty/members/" + id + "/donations",
                Map.of("points", 300, "campaign", source, "idempotencyKey", "d1"));
        assertThat(donated.status()).as(donated.body()).isEqualTo(200);
        admin().postJson("/api/v1/loyalty/members/" + id + "/donations",
                Map.of("points", 300, "campaign", source, "idempotencyKey", "d1"));

        JsonNode report = admin().get("/api/v1/loyalty/reports/charity").json();
        JsonNode campaign = null;
        JsonNode brand = null;
        for (JsonNode c : report) {
            if (c.get("campaign").asString().equals(source)) {
                campaign = c;
            }
            if (c.get("campaign").asString().equals("default")) {
                brand = c;
            }
        }
        assertThat(campaign).isNotNull();
        assertThat(campaign.get("donatedPoints").asLong()).as("the replayed donation counts once").isEqualTo(300);
        assertThat(brand.get("brandAmount").decimalValue()).isGreaterThanOrEqualTo(new java.math.BigDecimal("25.50"));
        assertThat(balance(id)).isEqualTo(2250);
    }

    @Test
    void should_accept_a_signed_partner_request_once_and_refuse_bad_signatures_and_replays() {
        clock.set(Instant.now());
        long id = member("partnered");
        String memberNo = card(id).get("member").get("memberNo").asString();
        String partner = "air-" + source.substring(1, 9);
        String secret = "a-shared-secret-of-" + source;
        assertThat(admin().putJson("/api/v1/loyalty/partners/" + partner, Map.of("name", "Airline", "secret", secret,
                "earnRate", 0.5, "burnRate", 2)).status()).isEqualTo(200);
        String path = "/api/v1/loyalty/partner-gateway/" + partner + "/earn";
        String body = Http.json(Map.of("memberNo", memberNo, "partnerPoints", 1000));
        String ts = Long.toString(clock.instant().getEpochSecond());

        Http.Response ok = anonymous().postJson(path, body, Map.of("X-Partner-Timestamp", ts, "X-Partner-Nonce", "n1",
                "X-Partner-Signature", Partners.sign(secret, ts, "n1", body)));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(balance(id)).isEqualTo(500);

        assertProblem(anonymous().postJson(path, body, Map.of("X-Partner-Timestamp", ts, "X-Partner-Nonce", "n1",
                "X-Partner-Signature", Partners.sign(secret, ts, "n1", body))), 409, "replayed-request");
        assertProblem(anonymous().postJson(path, body, Map.of("X-Partner-Timestamp", ts, "X-Partner-Nonce", "n2",
                "X-Partner-Signature", Partners.sign("wrong-secret-wrong-secret", ts, "n2", body))), 401, "bad-signature");
        String stale = Long.toString(clock.instant().getEpochSecond() - 3600);
        assertProblem(anonymous().postJson(path, body, Map.of("X-Partner-Timestamp", stale, "X-Partner-Nonce", "n3",
                "X-Partner-Signature", Partners.sign(secret, stale, "n3", body))), 401, "stale-request");
        String burn = "/api/v1/loyalty/partner-gateway/" + partner + "/burn";
        String big = Http.json(Map.of("memberNo", memberNo, "partnerPoints", 1000));
        assertProblem(anonymous().postJson(burn, big, Map.of("X-Partner-Timestamp", ts, "X-Partner-Nonce", "n4",
                "X-Partner-Signature", Partners.sign(secret, ts, "n4", big))), 409, "insufficient-points");
        String small = Http.json(Map.of("memberNo", memberNo, "partnerPoints", 100));
        assertThat(anonymous().postJson(burn, small, Map.of("X-Partner-Timestamp", ts, "X-Partner-Nonce", "n5",
                "X-Partner-Signature", Partners.sign(secret, ts, "n5", small))).status()).isEqualTo(200);
        assertThat(balance(id)).isEqualTo(300);

        JsonNode reconciliation = admin().get("/api/v1/loyalty/partners/reconciliation?day="
                + LocalDate.ofInstant(clock.instant(), ZoneId.of("Asia/Shanghai"))).json();
        assertThat(reconciliation.toString()).contains(partner);
        assertLedgerConsistent(id);
    }
}

@OnH2
class EngagementOnH2Test extends EngagementTests {}

@OnPostgres
class EngagementOnPostgresTest extends EngagementTests {}
