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

    /**
     * Repeat customers whose spend rates ν come from Gamma(q = 0.7, γ): so heavy-tailed that the population mean
     * spend is infinite and the maximum-likelihood fit finds q ≤ 1.
     */
    private static double[][] heavyTailedSpend() {
        var rng = new org.apache.commons.math3.random.Well19937c(11);
        int n = 3_000;
        double[] x = new double[n];
        double[] m = new double[n];
        var rates = new org.apache.commons.math3.distribution.GammaDistribution(rng, 0.7, 1 / 20.0);
        for (int i = 0; i < n; i++) {
            x[i] = 1 + rng.nextInt(6);
            double nu = rates.sample();
            var spend = new org.apache.commons.math3.distribution.GammaDistribution(rng, 4.0, 1 / nu);
            double sum = 0;
            for (int k = 0; k < x[i]; k++) {
                sum += spend.sample();
            }
            m[i] = sum / x[i];
        }
        return new double[][] {x, m};
    }

    @Test
    void should_give_a_finite_population_mean_with_the_penalised_fit_where_the_plain_fit_finds_q_at_most_one() {
        double[][] data = heavyTailedSpend();
        var plain = new GammaGammaFitter().fit(data[0], data[1]);
        assertThat(plain.q()).isLessThanOrEqualTo(1.0);
        assertThatThrownBy(() -> plain.conditionalExpectedAverageValue(0, 0)).isInstanceOf(IllegalStateException.class);

        var penalised = new GammaGammaFitter().fitPenalized(data[0], data[1], 0.01);

        assertThat(penalised.q()).isGreaterThan(1.0);
        assertThat(penalised.populationMeanValue()).isFinite().isPositive();
        assertThat(penalised.conditionalExpectedAverageValue(3, 50)).isFinite().isPositive();
        // the price of the penalty: a lower likelihood than the maximum
        assertThat(penalised.logLikelihood()).isLessThan(plain.logLikelihood());
    }

    @Test
    void should_maximise_the_penalised_objective_it_documents() {
        double[][] data = heavyTailedSpend();
        double lambda = 0.01;
        var fit = new GammaGammaFitter().fitPenalized(data[0], data[1], lambda);
        int n = data[0].length;
        java.util.function.DoubleUnaryOperator sq = v -> v * v;
        java.util.function.Function<double[], Double> objective = t -> {
            var g = GammaGammaParameters.of(t[0], t[1], t[2]);
            double ll = 0;
            for (int i = 0; i < n; i++) {
                ll += g.customerLogLikelihood(data[0][i], data[1][i]);
            }
            return ll / n - lambda * (sq.applyAsDouble(Math.log(t[0])) + sq.applyAsDouble(Math.log(t[1] - 1))
                    + sq.applyAsDouble(Math.log(t[2])));
        };
        double best = objective.apply(new double[] {fit.p(), fit.q(), fit.gamma()});
        for (double[] step : new double[][] {{1.02, 1, 1}, {0.98, 1, 1}, {1, 1.02, 1}, {1, 0.98, 1}, {1, 1, 1.02}, {1, 1, 0.98}}) {
            double[] t = {fit.p() * step[0], 1 + (fit.q() - 1) * step[1], fit.gamma() * step[2]};
            assertThat(objective.apply(t)).isLessThanOrEqualTo(best + 1e-12);
        }
    }

    @Test
    void should_leave_the_cdnow_fit_almost_unchanged_with_a_tiny_penalty() {
        var s = SharedData.cdnowSummary();
        var fit = new GammaGammaFitter().fitPenalized(s.x(), s.zbar(), 1e-7);
        assertThat(fit.p()).isCloseTo(6.25, within(0.02));
        assertThat(fit.q()).isCloseTo(3.74, within(0.02));
        assertThat(fit.gamma()).isCloseTo(15.44, within(0.1));
    }
}
