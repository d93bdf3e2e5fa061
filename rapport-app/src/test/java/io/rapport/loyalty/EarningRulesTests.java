package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Earning rules in their documented order, the birthday month in the member's own time zone, caps, simulation. */
abstract class EarningRulesTests extends LoyaltyTest {

    static final Instant T = Instant.parse("2026-05-10T04:00:00Z");

    JsonNode simulate(Map<String, Object> order) {
        Http.Response response = admin().postJson("/api/v1/loyalty/simulations", order);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    static ProgrammeSettings with(List<ProgrammeSettings.Bonus> bonuses, long firstPurchase, long orderCap, long dayCap) {
        return new ProgrammeSettings(null, null, null, null, null, null, null, null, null, null, firstPurchase,
                orderCap, dayCap, bonuses, null, null, null, null, null, null);
    }

    @Test
    void should_double_points_in_the_birthday_month_of_the_members_own_time_zone() {
        clock.set(T);
        // 2026-03-31T20:00Z is already 1 April in Shanghai but still 31 March in New York
        Instant at = Instant.parse("2026-03-31T20:00:00Z");
        long shanghai = customer("sh", "1990-04-18", "Asia/Shanghai");
        long newYork = customer("ny", "1990-04-18", "America/New_York");
        orders(sale(source + "-sh", "sh", at, "500") + sale(source + "-ny", "ny", at, "500"));

        assertThat(card(shanghai).get("balance").get("points").asLong()).as("April in Shanghai: ×2").isEqualTo(1000);
        assertThat(card(newYork).get("balance").get("points").asLong()).as("March in New York").isEqualTo(500);
    }

    @Test
    void should_apply_the_rules_in_the_documented_order_and_explain_each_step() {
        programme.update(with(List.of(
                new ProgrammeSettings.Bonus("kitchen", ProgrammeSettings.BonusKind.CATEGORY, "kitchen",
                        new BigDecimal("3"), null, LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 31), 10),
                new ProgrammeSettings.Bonus("app", ProgrammeSettings.BonusKind.CHANNEL, "app", BigDecimal.ONE, 50L,
                        null, null, 20),
                new ProgrammeSettings.Bonus("june", ProgrammeSettings.BonusKind.SKU, "K-1", new BigDecimal("5"), null,
                        LocalDate.of(2026, 6, 1), null, 5)), 100, 0, 0), "test");

        JsonNode result = simulate(Map.of("tier", "gold", "birthday", "05-02", "timeZone", "Asia/Shanghai",
                "firstOrder", true, "orderedAt", "2026-05-10T04:00:00Z", "channel", "app",
                "lines", List.of(Map.of("sku", "K-1", "category", "kitchen", "netAmount", 200),
                        Map.of("sku", "T-1", "category", "tv", "netAmount", 1000))));

        // base 1200; gold ×1.25 → 300; birthday ×2 on 1500 → 1500; kitchen ×3 on 200 → 400; app +50; first +100
        assertThat(result.get("steps")).extracting(s -> s.get("rule").asString() + "=" + s.get("points").asLong())
                .containsExactly("base=1200", "tier=300", "birthday=1500", "bonus:kitchen=400", "bonus:app=50",
                        "first-purchase=100");
        assertThat(result.get("points").asLong()).isEqualTo(3550);
        assertThat(result.get("qualifyingPoints").asLong()).isEqualTo(1500);
        assertThat(result.get("steps").get(3).get("explanation").asString()).contains("kitchen");
    }

    @Test
    void should_cap_points_per_order_and_per_day_of_the_member() {
        programme.update(with(List.of(), 0, 800, 1000), "test");
        clock.set(T);
        long id = customer("capped", null, "Asia/Shanghai");
        Instant morning = Instant.parse("2026-05-09T01:00:00Z");
        orders(sale(source + "-o1", "capped", morning, "2000"));
        orders(sale(source + "-o2", "capped", morning.plus(Duration.ofHours(2)), "2000"));
        orders(sale(source + "-o3", "capped", morning.plus(Duration.ofDays(1)), "300"));

        assertThat(card(id).get("balance").get("pending").asLong() + balance(id))
                .as("800 (order cap) + 200 (day cap) + 300 × 1.25 the next day, as gold").isEqualTo(1375);
        JsonNode simulated = simulate(Map.of("customerId", id, "orderedAt", morning.plus(Duration.ofHours(3)).toString(),
                "lines", List.of(Map.of("sku", "X", "netAmount", 50))));
        assertThat(simulated.get("points").asLong()).as("the day is used up").isZero();
        assertThat(simulated.get("steps")).extracting(s -> s.get("rule").asString()).contains("day-cap");
    }

    @Test
    void should_give_the_first_purchase_bonus_once() {
        programme.update(with(List.of(), 200, 0, 0), "test");
        clock.set(T);
        long id = customer("first", null, null);
        orders(sale(source + "-o1", "first", T.minus(Duration.ofDays(20)), "100"));
        orders(sale(source + "-o2", "first", T.minus(Duration.ofDays(19)), "100"));
        assertThat(balance(id)).isEqualTo(400);
    }

    @Test
    void should_refuse_a_programme_whose_tiers_do_not_rise_naming_the_field() {
        Http.Response response = admin().putJson("/api/v1/loyalty/programme", Map.of("tiers", List.of(
                Map.of("code", "silver", "threshold", 0), Map.of("code", "gold", "threshold", 5000),
                Map.of("code", "black", "threshold", 3000))));
        assertProblem(response, 400, "invalid-programme");
        assertThat(response.json().get("field").asString()).isEqualTo("tiers[2].threshold");
    }
}

@OnH2
class EarningRulesOnH2Test extends EarningRulesTests {}

@OnPostgres
class EarningRulesOnPostgresTest extends EarningRulesTests {}
