package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.PublishedEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Tiers: upgrade at once, downgrade only at the review date after the grace period; perks readable by others. */
abstract class TierTests extends LoyaltyTest {

    static final Instant T = Instant.parse("2026-02-10T04:00:00Z");

    @Autowired
    Tiers tiers;
    @Autowired
    NightlyLoyalty nightly;
    @RegisterExtension
    final PublishedEvents published = new PublishedEvents();

    @Test
    void should_upgrade_as_soon_as_the_threshold_is_reached_and_show_progress_to_the_next_tier() {
        clock.set(T);
        long id = customer("up", null, null);
        orders(sale(source + "-o1", "up", T.minus(Duration.ofDays(3)), "2000"));
        JsonNode tier = card(id).get("tier");
        assertThat(tier.get("tier").asString()).isEqualTo("silver");
        assertThat(tier.get("nextTier").asString()).isEqualTo("gold");
        assertThat(tier.get("toNextTier").decimalValue()).isEqualByComparingTo("1000");

        orders(sale(source + "-o2", "up", T.minus(Duration.ofDays(2)), "1000"));

        assertThat(card(id).get("tier").get("tier").asString()).isEqualTo("gold");
        assertThat(published).contains(new TierChanged(id, "silver", "gold", "up", "qualifying value reached 3000"));
        assertThat(tiers.of(id).orElseThrow().perks().freeServices()).contains("free-delivery");
        orders(sale(source + "-o3", "up", T.minus(Duration.ofDays(1)), "7000"));
        assertThat(tiers.of(id).orElseThrow().perks().priorityService()).as("black members get priority service").isTrue();
    }

    @Test
    void should_downgrade_only_at_the_review_date_and_after_the_grace_period() {
        clock.set(T);
        long id = customer("down", null, null);
        orders(sale(source + "-o1", "down", T.minus(Duration.ofDays(3)), "3500"));
        assertThat(tiers.of(id).orElseThrow().tier()).isEqualTo("gold");

        // before the review date nothing moves down, whatever the window holds
        clock.set(T.atOffset(ZoneOffset.UTC).plusMonths(11).plusDays(25).toInstant());
        nightly.run();
        assertThat(tiers.of(id).orElseThrow().tier()).as("before the review date").isEqualTo("gold");

        clock.set(T.atOffset(ZoneOffset.UTC).plusMonths(12).plusDays(1).toInstant());
        nightly.run();
        Tiers.MemberTier atReview = tiers.of(id).orElseThrow();
        assertThat(atReview.tier()).as("grace period").isEqualTo("gold");
        assertThat(atReview.graceUntil()).isPresent();

        clock.set(atReview.graceUntil().orElseThrow().atTime(12, 0).toInstant(ZoneOffset.UTC));
        nightly.run();
        assertThat(tiers.of(id).orElseThrow().tier()).as("after the grace period").isEqualTo("silver");
        assertThat(published).contains(new TierChanged(id, "gold", "silver", "down", "review date passed"));
        assertThat(tiers.movements(24)).anyMatch(m -> m.downgrades() > 0);
    }

    @Test
    void should_issue_the_tiers_birthday_gift_once_in_the_birthday_month() {
        programme.update(new ProgrammeSettings(null, null, null, null, null, null, null, null, java.util.List.of(
                new ProgrammeSettings.Tier("silver", java.math.BigDecimal.ZERO, null, null, null, null),
                new ProgrammeSettings.Tier("gold", java.math.BigDecimal.valueOf(3000), null, source + "-CAKE", null,
                        null)), null, null, null, null, null, null, null, null, null, null, null), "test");
        reward(source + "-CAKE", 0, null);
        clock.set(T);
        long id = customer("cake", "1991-02-20", "Asia/Shanghai");
        long other = customer("nocake", "1991-07-20", "Asia/Shanghai");
        orders(sale(source + "-o1", "cake", T.minus(Duration.ofDays(3)), "3500")
                + sale(source + "-o2", "nocake", T.minus(Duration.ofDays(3)), "3500"));

        nightly.run();
        nightly.run();

        assertThat(card(id).get("coupons")).hasSize(1);
        assertThat(card(id).get("coupons").get(0).get("rewardCode").asString()).isEqualTo(source + "-CAKE");
        assertThat(card(other).get("coupons")).as("not her birthday month").isEmpty();
    }

    @Test
    void should_keep_the_tier_at_review_when_the_member_still_qualifies() {
        clock.set(T);
        long id = customer("keep", null, null);
        orders(sale(source + "-o1", "keep", T.minus(Duration.ofDays(3)), "3500"));
        Instant later = T.atOffset(ZoneOffset.UTC).plusMonths(11).toInstant();
        clock.set(later.plus(Duration.ofDays(5)));
        orders(sale(source + "-o2", "keep", later, "3200"));
        clock.set(T.atOffset(ZoneOffset.UTC).plusMonths(12).plusDays(1).toInstant());
        nightly.run();
        Tiers.MemberTier kept = tiers.of(id).orElseThrow();
        assertThat(kept.tier()).isEqualTo("gold");
        assertThat(kept.graceUntil()).isEmpty();
        assertThat(kept.reviewOn()).isAfter(T.atOffset(ZoneOffset.UTC).plusMonths(13).toLocalDate());
    }

    @Autowired
    io.rapport.scoring.ScoringRuns scoringRuns;

    /**
     * A frequent buyer whose recent spend is below gold (2,400 in the last 12 months; 26,400 before): a high predicted
     * value. And an occasional small buyer: a low one.
     */
    long[] predictedValueMembers() {
        clock.set(T);
        long frequent = customer("frequent", null, null);
        long occasional = customer("occasional", null, null);
        StringBuilder lines = new StringBuilder();
        for (int month = 24; month >= 13; month--) {
            lines.append(sale(source + "-f" + month, "frequent", T.atOffset(ZoneOffset.UTC).minusMonths(month)
                    .toInstant(), "2200"));
        }
        for (int week = 1; week <= 3; week++) {
            lines.append(sale(source + "-fw" + week, "frequent", T.minus(Duration.ofDays(7L * week)), "800"));
        }
        lines.append(sale(source + "-occ", "occasional", T.minus(Duration.ofDays(200)), "20"));
        // a few ordinary repeat buyers, so the scoring engine has a population to fit its models on
        for (int i = 0; i < 8; i++) {
            customer("regular" + i, null, null);
            for (int k = 0; k < 2 + i % 3; k++) {
                lines.append(sale(source + "-r" + i + "-" + k, "regular" + i,
                        T.minus(Duration.ofDays(40L + 45L * k + 11L * i)), String.valueOf(60 + 35 * i + 10 * k)));
            }
        }
        orders(lines.toString());
        assertThat(tiers.of(frequent).orElseThrow().tier()).as("spend alone: below gold").isEqualTo("silver");
        return new long[] {frequent, occasional};
    }

    void enablePredictedValue(java.math.BigDecimal topPercent, double minimum) {
        Http.Response saved = admin().putJson("/api/v1/loyalty/programme", Map.of("predictedValue",
                Map.of("enabled", true, "topPercent", topPercent, "minimumLifetimeValue", minimum, "tier", "gold")));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }

    void score() {
        assertThat(scoringRuns.runAndWait("test", "test", java.util.Optional.of(T.atOffset(ZoneOffset.UTC)
                .toLocalDate())).status()).isEqualTo("done");
    }

    Double lifetimeValue(long customerId) {
        return db.fetchOptional("select lifetime_value from scoring_current where customer_id = ?", customerId)
                .map(r -> r.get(0, Double.class)).orElse(null);
    }

    /**
     * The test's own reading of the current scores (every scored customer in this database, not only the test's): the
     * smallest top share, in %, whose ⌈N × share / 100⌉-th highest predicted value is the customer's own — the
     * customer is just inside it, and whoever predicts less is outside.
     */
    java.math.BigDecimal topPercentReaching(long customerId) {
        java.util.List<Double> values = db.fetch("select lifetime_value from scoring_current where lifetime_value > 0")
                .getValues(0, Double.class);
        Double own = lifetimeValue(customerId);
        assertThat(own).as("predicted value of %s among %s", customerId, values).isNotNull().isPositive();
        long higher = values.stream().filter(v -> v > own).count();
        return java.math.BigDecimal.valueOf(100 * (higher + 1))
                .divide(java.math.BigDecimal.valueOf(values.size()), 10, java.math.RoundingMode.DOWN);
    }

    @Test
    void should_move_the_top_of_the_predicted_value_up_after_a_scoring_run_with_the_reason_in_the_tier_history() {
        long[] ids = predictedValueMembers();
        score();
        java.math.BigDecimal top = topPercentReaching(ids[0]);
        assertThat(java.util.Optional.ofNullable(lifetimeValue(ids[1])).orElse(0.0)).as("the occasional buyer predicts less")
                .isLessThan(lifetimeValue(ids[0]));
        enablePredictedValue(top, 0);

        score();

        assertThat(tiers.of(ids[0]).orElseThrow().tier()).as("upgraded by the scoring run (top " + top + " %)")
                .isEqualTo("gold");
        assertThat(tiers.of(ids[1]).orElseThrow().tier()).as("below the top").isEqualTo("silver");
        assertThat(published).contains(new TierChanged(ids[0], "silver", "gold", "up", "predicted value"));
        JsonNode history = admin().get("/api/v1/loyalty/members/" + ids[0] + "/tier-history").json();
        assertThat(history.get(0).get("to").asString()).isEqualTo("gold");
        assertThat(history.get(0).get("reason").asString()).isEqualTo("predicted value");
    }

    @Test
    void should_qualify_by_predicted_value_only_when_enabled_and_downgrade_only_at_review_after_grace() {
        long[] ids = predictedValueMembers();
        score();
        LocalDate today = T.atOffset(ZoneOffset.UTC).toLocalDate();
        tiers.reevaluate(today);
        assertThat(tiers.of(ids[0]).orElseThrow().tier()).as("off by default").isEqualTo("silver");

        java.math.BigDecimal top = topPercentReaching(ids[0]);
        enablePredictedValue(top, lifetimeValue(ids[0]) + 1);
        tiers.reevaluate(today);
        assertThat(tiers.of(ids[0]).orElseThrow().tier()).as("in the top share but below the floor").isEqualTo("silver");

        enablePredictedValue(top, 0);
        tiers.reevaluate(today);
        assertThat(tiers.of(ids[0]).orElseThrow().tier()).as("re-evaluation applies the rule").isEqualTo("gold");
        assertThat(tiers.of(ids[1]).orElseThrow().tier()).isEqualTo("silver");
        assertThat(tiers.history(ids[0]).getFirst().reason()).isEqualTo("predicted value");

        // out of the top (a floor nobody reaches): nothing moves before the review date, then grace, then down
        enablePredictedValue(top, 1e12);
        LocalDate review = tiers.of(ids[0]).orElseThrow().reviewOn();
        tiers.reevaluate(review.minusDays(1));
        assertThat(tiers.of(ids[0]).orElseThrow().tier()).as("before the review date").isEqualTo("gold");
        tiers.reevaluate(review);
        Tiers.MemberTier atReview = tiers.of(ids[0]).orElseThrow();
        assertThat(atReview.tier()).as("grace period").isEqualTo("gold");
        tiers.reevaluate(atReview.graceUntil().orElseThrow());
        assertThat(tiers.of(ids[0]).orElseThrow().tier()).as("after the grace period").isEqualTo("silver");
        assertThat(tiers.history(ids[0]).getFirst().reason()).isEqualTo("review date passed");
    }

    @Test
    void should_refuse_a_predicted_value_rule_that_cannot_work_naming_the_field() {
        Http.Response zero = admin().putJson("/api/v1/loyalty/programme", Map.of("predictedValue",
                Map.of("enabled", true, "topPercent", 0, "tier", "gold")));
        assertProblem(zero, 400, "invalid-programme");
        assertThat(zero.json().get("field").asString()).isEqualTo("predictedValue.topPercent");
        Http.Response unknown = admin().putJson("/api/v1/loyalty/programme", Map.of("predictedValue",
                Map.of("enabled", true, "topPercent", 5, "tier", "platinum")));
        assertProblem(unknown, 400, "invalid-programme");
        assertThat(unknown.json().get("field").asString()).isEqualTo("predictedValue.tier");
    }
}

@OnH2
class TierOnH2Test extends TierTests {}

@OnPostgres
class TierOnPostgresTest extends TierTests {}
