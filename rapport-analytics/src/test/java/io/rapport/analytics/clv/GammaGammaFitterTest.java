package io.rapport.analytics.clv;

import io.rapport.analytics.SharedData;
import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.RepeatPurchaseSummarizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GammaGammaFitterTest {

    @Test
    void should_reproduce_the_published_cdnow_spend_model_of_fader_hardie_2013() {
        var s = SharedData.cdnowSummary();
        var fit = new GammaGammaFitter().fit(s.x(), s.zbar());
        assertThat(fit.p()).isCloseTo(6.25, within(0.005));
        assertThat(fit.q()).isCloseTo(3.74, within(0.005));
        assertThat(fit.gamma()).isCloseTo(15.44, within(0.05));
        assertThat(fit.logLikelihood()).isFinite();
    }

    @Test
    void should_reproduce_the_published_spend_model_to_two_decimals_from_raw_transactions() {
        // The summary file rounds zbar to cents; from the transactions themselves the note's figures come out exactly.
        var summaries = new RepeatPurchaseSummarizer(PeriodUnit.WEEKS)
                .summarize(SharedData.cdnowSampleTransactions(), 2357, SharedData.CDNOW_CALIBRATION_END);
        var fit = new GammaGammaFitter().fit(summaries);
        assertThat(fit.p()).isCloseTo(6.25, within(0.005));
        assertThat(fit.q()).isCloseTo(3.74, within(0.005));
        assertThat(fit.gamma()).isCloseTo(15.44, within(0.005));
    }

    @Test
    void should_skip_one_time_buyers_when_fitting_spend() {
        var withOneTimers = new GammaGammaFitter().fit(new double[]{0, 1, 2, 3, 1, 4}, new double[]{0, 10, 20, 15, 30, 12});
        var repeatersOnly = new GammaGammaFitter().fit(new double[]{1, 2, 3, 1, 4}, new double[]{10, 20, 15, 30, 12});
        assertThat(withOneTimers).isEqualTo(repeatersOnly);
    }

    @Test
    void should_reject_a_repeat_customer_with_zero_average_spend() {
        assertThatThrownBy(() -> new GammaGammaFitter().fit(new double[]{1, 2}, new double[]{10, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customer 1");
    }

    @Test
    void should_shrink_a_customers_average_towards_the_population_mean() {
        var model = GammaGammaParameters.of(6.25, 3.74, 15.44);
        double population = model.populationMeanValue();
        assertThat(population).isCloseTo(6.25 * 15.44 / 2.74, within(1e-12));
        // One repeat purchase of 100: the estimate lies between the population mean and 100.
        double estimate = model.conditionalExpectedAverageValue(1, 100);
        assertThat(estimate).isCloseTo(6.25 * (15.44 + 100) / (6.25 + 2.74), within(1e-12)).isBetween(population, 100.0);
        // Many purchases: the customer's own average dominates.
        assertThat(model.conditionalExpectedAverageValue(200, 100)).isCloseTo(100, within(0.5));
    }
}
