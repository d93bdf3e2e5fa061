package io.rapport.analytics.clv;

import io.rapport.analytics.SharedData;
import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.RepeatPurchaseSummarizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BetaGeoFitterTest {

    @Test
    void should_reproduce_the_published_cdnow_estimates_of_fader_hardie_lee_2005() {
        var s = SharedData.cdnowSummary();
        var fit = new BetaGeoFitter().fit(s.x(), s.tx(), s.T());
        assertThat(fit.r()).isCloseTo(0.243, within(0.0005));
        assertThat(fit.alpha()).isCloseTo(4.414, within(0.0005));
        assertThat(fit.a()).isCloseTo(0.793, within(0.0005));
        assertThat(fit.b()).isCloseTo(2.426, within(0.0005));
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.05));
    }

    @Test
    void should_fit_the_same_model_from_raw_cdnow_transactions() {
        var summaries = new RepeatPurchaseSummarizer(PeriodUnit.WEEKS)
                .summarize(SharedData.cdnowSampleTransactions(), 2357, SharedData.CDNOW_CALIBRATION_END);
        var fit = new BetaGeoFitter().fit(summaries);
        assertThat(fit.r()).isCloseTo(0.243, within(0.001));
        assertThat(fit.alpha()).isCloseTo(4.414, within(0.01));
        assertThat(fit.a()).isCloseTo(0.793, within(0.001));
        assertThat(fit.b()).isCloseTo(2.426, within(0.01));
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.5));
    }

    @Test
    void should_report_no_repeat_purchases_as_a_fit_failure_not_nan() {
        double[] zeros = {0, 0, 0};
        assertThatThrownBy(() -> new BetaGeoFitter().fit(zeros, zeros, new double[]{5, 6, 7}))
                .isInstanceOf(ModelFitException.class)
                .hasMessageContaining("no customer made a repeat purchase");
    }

    @Test
    void should_report_an_exhausted_evaluation_budget_as_non_convergence() {
        var s = SharedData.cdnowSummary();
        assertThatThrownBy(() -> new BetaGeoFitter(100).fit(s.x(), s.tx(), s.T()))
                .isInstanceOf(ModelFitException.class)
                .hasMessageContaining("did not converge");
    }

    @Test
    void should_reject_a_history_whose_last_purchase_is_after_its_age() {
        assertThatThrownBy(() -> new BetaGeoFitter().fit(new double[]{1}, new double[]{9}, new double[]{5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("customer 0");
    }

    @Test
    void should_give_identical_parameters_whatever_the_customer_order() {
        var s = SharedData.cdnowSummary();
        int n = s.size();
        double[] x = new double[n], tx = new double[n], T = new double[n];
        for (int i = 0; i < n; i++) {
            int j = n - 1 - i;
            x[i] = s.x()[j];
            tx[i] = s.tx()[j];
            T[i] = s.T()[j];
        }
        assertThat(new BetaGeoFitter().fit(x, tx, T)).isEqualTo(new BetaGeoFitter().fit(s.x(), s.tx(), s.T()));
    }
}
