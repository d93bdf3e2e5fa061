package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.PublishedEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
}

@OnH2
class TierOnH2Test extends TierTests {}

@OnPostgres
class TierOnPostgresTest extends TierTests {}
