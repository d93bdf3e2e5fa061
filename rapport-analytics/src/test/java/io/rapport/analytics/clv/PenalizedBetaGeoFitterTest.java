package io.rapport.analytics.clv;

import io.rapport.analytics.SharedData;
import io.rapport.analytics.summary.CustomerSummaries;
import io.rapport.analytics.summary.PeriodUnit;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PenalizedBetaGeoFitterTest {

    /**
     * A young base where nobody has lapsed yet: every repeat customer's last purchase falls at the end of the
     * observation. The likelihood keeps rising as the dropout probability's Beta(a, b) mixing distribution collapses
     * (a → 0): the plain maximum does not exist.
     */
    private static double[][] customersWhoAllStillBuy() {
        var random = new SplittableRandom(7);
        int n = 400;
        double[] x = new double[n], tx = new double[n], age = new double[n];
        for (int i = 0; i < n; i++) {
            age[i] = 30 + random.nextInt(60);
            x[i] = random.nextInt(6);
            tx[i] = x[i] == 0 ? 0 : age[i] - random.nextInt(3);
        }
        return new double[][] {x, tx, age};
    }

    @Test
    void should_find_a_finite_model_where_the_plain_fit_runs_off_to_the_boundary() {
        double[][] d = customersWhoAllStillBuy();
        assertThatThrownBy(() -> new BetaGeoFitter().fit(d[0], d[1], d[2]))
                .isInstanceOf(ModelFitException.class).hasMessageContaining("ran away");

        var penalised = new BetaGeoFitter().fitPenalized(d[0], d[1], d[2], 1e-4);

        for (double v : new double[] {penalised.r(), penalised.alpha(), penalised.a(), penalised.b()}) {
            assertThat(v).as("penalised fit %s", penalised).isBetween(1e-6, 1e4);
        }
        assertThat(penalised.conditionalExpectedPurchases(30, 3, 40, 41)).isFinite().isPositive();
        assertThat(penalised.probabilityAlive(3, 40, 41)).isBetween(0.0, 1.0);
    }

    @Test
    void should_maximise_the_penalised_objective_it_documents() {
        double[][] d = customersWhoAllStillBuy();
        double lambda = 1e-3;
        var fit = new BetaGeoFitter().fitPenalized(d[0], d[1], d[2], lambda);
        int n = d[0].length;
        Function<double[], Double> objective = p -> {
            var model = BgNbdParameters.of(p[0], p[1], p[2], p[3]);
            double ll = 0;
            for (int i = 0; i < n; i++) {
                ll += model.customerLogLikelihood(d[0][i], d[1][i], d[2][i]);
            }
            double penalty = 0;
            for (double v : p) {
                penalty += Math.log(v) * Math.log(v);
            }
            return ll / n - lambda * penalty;
        };
        double[] best = {fit.r(), fit.alpha(), fit.a(), fit.b()};
        double atBest = objective.apply(best);
        for (int k = 0; k < 4; k++) {
            for (double step : new double[] {1.02, 0.98}) {
                double[] p = best.clone();
                p[k] *= step;
                assertThat(objective.apply(p)).as("parameter %d × %s", k, step).isLessThanOrEqualTo(atBest + 1e-12);
            }
        }
        assertThat(fit.logLikelihood()).isCloseTo(unpenalised(fit, d), within(1e-6));
    }

    private static double unpenalised(BgNbdParameters fit, double[][] d) {
        var model = BgNbdParameters.of(fit.r(), fit.alpha(), fit.a(), fit.b());
        double ll = 0;
        for (int i = 0; i < d[0].length; i++) {
            ll += model.customerLogLikelihood(d[0][i], d[1][i], d[2][i]);
        }
        return ll;
    }

    @Test
    void should_leave_the_cdnow_fit_almost_unchanged_with_a_tiny_penalty() {
        var s = SharedData.cdnowSummary();
        var fit = new BetaGeoFitter().fitPenalized(s.x(), s.tx(), s.T(), 1e-8);
        assertThat(fit.r()).isCloseTo(0.243, within(0.001));
        assertThat(fit.alpha()).isCloseTo(4.414, within(0.01));
        assertThat(fit.a()).isCloseTo(0.793, within(0.001));
        assertThat(fit.b()).isCloseTo(2.426, within(0.01));
        assertThat(fit.logLikelihood()).isCloseTo(-9582.4, within(0.5));
    }

    @Test
    void should_keep_the_maximum_likelihood_fit_where_it_is_usable_and_say_why_when_it_is_not() {
        var cdnow = SharedData.cdnowSummary();
        var usable = new BetaGeoFitter().fitOrPenalize(summaries(cdnow.x(), cdnow.tx(), cdnow.T()), 1e-4);
        assertThat(usable.penalisedBecause()).isEmpty();
        assertThat(usable.parameters()).isEqualTo(new BetaGeoFitter().fit(cdnow.x(), cdnow.tx(), cdnow.T()));

        double[][] d = customersWhoAllStillBuy();
        var rescued = new BetaGeoFitter().fitOrPenalize(summaries(d[0], d[1], d[2]), 1e-4);
        assertThat(rescued.penalisedBecause()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("ran away").contains("penalised fit with penalizer 1.0E-4"));
        assertThat(rescued.parameters()).isEqualTo(new BetaGeoFitter().fitPenalized(d[0], d[1], d[2], 1e-4));
    }

    /** Summaries of customers who all bought (purchase days x + 1); only x, t_x and T matter to the fit. */
    private static CustomerSummaries summaries(double[] x, double[] tx, double[] age) {
        int n = x.length;
        int[] frequency = new int[n], days = new int[n];
        for (int i = 0; i < n; i++) {
            frequency[i] = (int) x[i];
            days[i] = frequency[i] + 1;
        }
        return new CustomerSummaries(PeriodUnit.DAYS, 0, frequency, tx, age, new double[n], days, new double[n],
                new long[n], new long[n]);
    }

    @Test
    void should_refuse_a_penalizer_that_is_not_a_positive_number() {
        double[][] d = customersWhoAllStillBuy();
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new BetaGeoFitter().fitPenalized(d[0], d[1], d[2], bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("penalizer");
        }
    }
}
