package io.rapport.analytics.rfm;

import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.RepeatPurchaseSummarizer;
import io.rapport.analytics.summary.TransactionColumns;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RfmScorerTest {

    private static final double[] ONE_TO_TEN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    @Test
    void should_split_customers_into_quintiles_with_two_per_score_among_ten() {
        var scores = new RfmScorer().score(ONE_TO_TEN, ONE_TO_TEN, ONE_TO_TEN);
        assertThat(scores.frequency()).containsExactly(1, 1, 2, 2, 3, 3, 4, 4, 5, 5);
        assertThat(scores.monetary()).containsExactly(1, 1, 2, 2, 3, 3, 4, 4, 5, 5);
    }

    @Test
    void should_give_the_most_recent_buyers_recency_score_5() {
        var scores = new RfmScorer().score(ONE_TO_TEN, ONE_TO_TEN, ONE_TO_TEN);
        assertThat(scores.recency()).containsExactly(5, 5, 4, 4, 3, 3, 2, 2, 1, 1);
    }

    @Test
    void should_give_equal_values_equal_scores() {
        double[] manyOneTimers = {1, 1, 1, 1, 1, 1, 1, 2, 3, 9};
        var scores = new RfmScorer().score(ONE_TO_TEN, manyOneTimers, ONE_TO_TEN);
        assertThat(scores.frequency()).containsExactly(1, 1, 1, 1, 1, 1, 1, 4, 5, 5);
    }

    @Test
    void should_score_against_configured_thresholds() {
        var thresholds = new RfmThresholds(new double[]{30, 90, 180, 365}, new double[]{1, 2, 4, 8}, new double[]{100, 500, 1000, 5000});
        var scores = new RfmScorer(thresholds).score(new double[]{10, 400}, new double[]{12, 1}, new double[]{700, 50});
        assertThat(scores.cell(0)).as("10 days, 12 purchases, 700 spent").contains(553);
        assertThat(scores.cell(1)).contains(111);
        assertThat(scores.thresholds()).isSameAs(thresholds);
    }

    @Test
    void should_reject_descending_cut_points() {
        assertThatThrownBy(() -> new RfmThresholds(new double[]{4, 3, 2, 1}, new double[4], new double[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    }

    @Test
    void should_name_the_corner_cells_of_the_rfm_grid() {
        assertThat(RfmSegment.of(5, 5, 5)).isEqualTo(RfmSegment.CHAMPIONS);
        assertThat(RfmSegment.of(1, 1, 1)).isEqualTo(RfmSegment.LOST);
        assertThat(RfmSegment.of(1, 5, 5)).isEqualTo(RfmSegment.CANT_LOSE);
        assertThat(RfmSegment.of(5, 1, 1)).isEqualTo(RfmSegment.NEW_CUSTOMERS);
        assertThat(RfmSegment.of(4, 1, 1)).isEqualTo(RfmSegment.PROMISING);
        assertThat(RfmSegment.of(3, 3, 3)).isEqualTo(RfmSegment.NEED_ATTENTION);
        assertThat(RfmSegment.of(3, 1, 2)).isEqualTo(RfmSegment.ABOUT_TO_SLEEP);
        assertThat(RfmSegment.of(2, 3, 4)).as("FM = (3+4+1)/2 = 4").isEqualTo(RfmSegment.AT_RISK);
    }

    @Test
    void should_place_every_one_of_125_cells_in_exactly_one_of_eleven_segments() {
        var seen = EnumSet.noneOf(RfmSegment.class);
        for (int r = 1; r <= 5; r++)
            for (int f = 1; f <= 5; f++)
                for (int m = 1; m <= 5; m++)
                    seen.add(RfmSegment.of(r, f, m));
        assertThat(seen).containsExactlyInAnyOrder(RfmSegment.values());
    }

    @Test
    void should_group_segments_into_high_value_loyal_potential_and_dormant() {
        assertThat(RfmSegment.CHAMPIONS.group()).isEqualTo(BusinessGroup.HIGH_VALUE_LOYAL);
        assertThat(RfmSegment.LOYAL.group()).isEqualTo(BusinessGroup.HIGH_VALUE_LOYAL);
        assertThat(RfmSegment.NEW_CUSTOMERS.group()).isEqualTo(BusinessGroup.POTENTIAL);
        assertThat(RfmSegment.NEED_ATTENTION.group()).isEqualTo(BusinessGroup.POTENTIAL);
        assertThat(RfmSegment.CANT_LOSE.group()).isEqualTo(BusinessGroup.DORMANT);
        assertThat(RfmSegment.LOST.group()).isEqualTo(BusinessGroup.DORMANT);
    }

    @Test
    void should_leave_customers_without_purchases_unscored() {
        var end = LocalDate.of(2024, 6, 30);
        long e = end.toEpochDay();
        var tx = new TransactionColumns(new int[]{0, 0, 2}, new long[]{e - 100, e - 3, e - 50}, new double[]{10, 20, 5});
        var summaries = new RepeatPurchaseSummarizer(PeriodUnit.DAYS).summarize(tx, 3, end);
        var scores = new RfmScorer().score(summaries);
        assertThat(scores.isScored(1)).isFalse();
        assertThat(scores.segment(1)).isEmpty();
        assertThat(scores.cell(0)).contains(555);
        assertThat(scores.segment(0)).contains(RfmSegment.CHAMPIONS);
        assertThat(scores.cell(2)).contains(111);
    }
}
