package io.rapport.analytics.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LifecycleClassifierTest {

    private final LifecycleClassifier classifier = new LifecycleClassifier();
    private static final double NO_MODEL = Double.NaN;

    @Test
    void a_customer_who_never_bought_is_potential() {
        assertThat(classifier.classify(0, 0, 0, Double.NaN, 60, NO_MODEL)).isEqualTo(LifecycleStage.POTENTIAL);
    }

    @Test
    void a_first_purchase_within_ninety_days_is_new_even_when_overdue_against_the_fallback() {
        assertThat(classifier.classify(1, 80, 80, Double.NaN, 20, NO_MODEL)).isEqualTo(LifecycleStage.NEW);
        assertThat(classifier.classify(1, 91, 91, Double.NaN, 200, NO_MODEL)).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void a_customer_who_buys_every_two_years_is_not_dormant_after_six_months() {
        assertThat(classifier.classify(4, 6 * 365, 180, 730, 60, 0.9)).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void a_monthly_buyer_silent_for_three_months_is_dormant_and_after_five_churned() {
        assertThat(classifier.classify(12, 400, 90, 30, 60, NO_MODEL)).isEqualTo(LifecycleStage.DORMANT);
        assertThat(classifier.classify(12, 400, 150, 30, 60, NO_MODEL)).isEqualTo(LifecycleStage.CHURNED);
    }

    @Test
    void overdue_is_measured_at_the_boundary_inclusively() {
        assertThat(classifier.classify(3, 400, 59.99, 30, 60, NO_MODEL)).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(classifier.classify(3, 400, 60, 30, 60, NO_MODEL)).isEqualTo(LifecycleStage.DORMANT);
        assertThat(classifier.classify(3, 400, 120, 30, 60, NO_MODEL)).isEqualTo(LifecycleStage.CHURNED);
    }

    @Test
    void a_low_probability_of_being_alive_overrides_a_recent_enough_purchase() {
        assertThat(classifier.classify(5, 500, 10, 30, 60, 0.4)).isEqualTo(LifecycleStage.DORMANT);
        assertThat(classifier.classify(5, 500, 10, 30, 60, 0.1)).isEqualTo(LifecycleStage.CHURNED);
    }

    @Test
    void one_time_buyers_are_judged_against_the_fallback_interval() {
        assertThat(classifier.classify(1, 200, 200, Double.NaN, 120, NO_MODEL)).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(classifier.classify(1, 300, 300, Double.NaN, 120, NO_MODEL)).isEqualTo(LifecycleStage.DORMANT);
        assertThat(classifier.classify(1, 500, 500, Double.NaN, 120, NO_MODEL)).isEqualTo(LifecycleStage.CHURNED);
    }

    @Test
    void a_very_short_interval_is_floored_so_a_same_week_repeat_is_not_dormant_a_fortnight_later() {
        assertThat(classifier.overdueIntervals(14, 2, 60)).isEqualTo(1.0);
        assertThat(classifier.classify(2, 200, 14, 2, 60, NO_MODEL)).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void rules_reject_churn_before_dormancy() {
        assertThatThrownBy(() -> new LifecycleRules(90, 4, 2, 14, 0.5, 0.15))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
