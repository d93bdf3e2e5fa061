package io.rapport.analytics.rfm;

import io.rapport.analytics.SharedData;
import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.RepeatPurchaseSummarizer;
import io.rapport.analytics.summary.TransactionColumns;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ValueTiersTest {

    @Test
    void should_flag_the_top_fifth_of_customers_by_value() {
        var top = TopValueCustomers.of(new double[]{5, 100, 7, 1, 3, 90, 2, 8, 4, 6});
        assertThat(top.flagged()).containsExactly(false, true, false, false, false, true, false, false, false, false);
        assertThat(top.threshold()).isEqualTo(90.0);
    }

    @Test
    void should_never_split_customers_of_equal_value_at_the_cut() {
        var top = TopValueCustomers.of(new double[]{10, 10, 10, 1, 1});
        assertThat(top.flaggedCount()).isEqualTo(3);
    }

    @Test
    void should_not_flag_customers_without_spend() {
        assertThat(TopValueCustomers.of(new double[]{0, 0, 0}).flaggedCount()).isZero();
    }

    @Test
    void should_give_the_revenue_share_of_the_top_customers() {
        var curve = ParetoCurve.of(new double[]{10, 50, 10, 30});
        assertThat(curve.revenueShare()).containsExactly(0.0, 0.5, 0.8, 0.9, 1.0);
        assertThat(curve.revenueShareOfTop(0.25)).isEqualTo(0.5);
        assertThat(curve.revenueShareOfTop(0.375)).isCloseTo(0.65, within(1e-12));
        assertThat(curve.revenueShareOfTop(1.0)).isEqualTo(1.0);
    }

    @Test
    void should_show_cdnow_revenue_concentrated_in_the_top_fifth() {
        var summaries = new RepeatPurchaseSummarizer(PeriodUnit.DAYS)
                .summarize(SharedData.cdnowSampleTransactions(), 2357, SharedData.CDNOW_OBSERVATION_END);
        var curve = ParetoCurve.of(summaries.totalSpend());
        double top20 = curve.revenueShareOfTop(0.2);
        // USD 244,091.94 over 2,357 customers; the top fifth brings in well over half (value recorded in docs).
        assertThat(top20).isBetween(0.55, 0.75);
        assertThat(TopValueCustomers.of(summaries.totalSpend()).flaggedCount()).isBetween(471, 480);
    }

    @Test
    void should_tier_by_net_spend_in_the_twelve_months_ending_today() {
        var asOf = LocalDate.of(2025, 3, 15);
        long today = asOf.toEpochDay();
        long yearAgo = asOf.minusMonths(12).toEpochDay();
        var tx = new TransactionColumns(
                new int[]{0, 0, 1, 1, 2, 2, 3},
                new long[]{today, yearAgo + 1, today - 10, yearAgo, today - 1, today - 1, today + 1},
                new double[]{6_000, 4_000, 3_500, 50_000, 4_000, -1_500, 99_999});
        var tiers = new SpendTierClassifier().classify(tx, 4, asOf);
        assertThat(tiers.rollingSpend()).containsExactly(10_000, 3_500, 2_500, 0);
        assertThat(tiers.tier()).containsExactly(SpendTier.BLACK, SpendTier.GOLD, SpendTier.SILVER, SpendTier.SILVER);
    }

    @Test
    void should_use_configured_tier_thresholds() {
        var thresholds = new SpendTierThresholds(500, 100);
        assertThat(thresholds.tierOf(499.99)).isEqualTo(SpendTier.GOLD);
        assertThat(thresholds.tierOf(500)).isEqualTo(SpendTier.BLACK);
        assertThat(thresholds.tierOf(99)).isEqualTo(SpendTier.SILVER);
    }
}
