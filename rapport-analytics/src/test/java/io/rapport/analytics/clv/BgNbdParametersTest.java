package io.rapport.analytics.clv;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BgNbdParametersTest {

    /** The published CDNOW estimates, Fader, Hardie &amp; Lee (2005). */
    private static final BgNbdParameters CDNOW = BgNbdParameters.of(0.243, 4.414, 0.793, 2.426);

    @Test
    void should_predict_the_published_39_week_expectation_for_the_papers_example_customer() {
        // FHL 2005 §5: a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases in the next 39 weeks.
        assertThat(CDNOW.conditionalExpectedPurchases(39, 2, 30.43, 38.86)).isCloseTo(1.226, within(0.001));
    }

    @ParameterizedTest(name = "t={0}, x={1}, t_x={2}, T={3}")
    @CsvSource({"39,2,30.43,38.86", "10,0,0,20", "52,7,35,38", "1,1,0.5,30", "39,15,37,38.86"})
    void should_agree_with_the_untransformed_hypergeometric_formula(double t, double x, double tx, double T) {
        var m = CDNOW;
        double z = t / (m.alpha() + T + t);
        double bracket = 1 - Math.pow((m.alpha() + T) / (m.alpha() + T + t), m.r() + x)
                * HypergeometricSeries.gauss2F1(m.r() + x, m.b() + x, m.a() + m.b() + x - 1, z);
        double expected = (m.a() + m.b() + x - 1) / (m.a() - 1) * bracket * m.probabilityAlive(x, tx, T);
        assertThat(m.conditionalExpectedPurchases(t, x, tx, T)).isCloseTo(expected, within(1e-10 * Math.max(1, expected)));
    }

    @Test
    void should_treat_a_new_customer_like_the_unconditional_expectation() {
        double z = 26 / (CDNOW.alpha() + 26);
        double direct = (CDNOW.a() + CDNOW.b() - 1) / (CDNOW.a() - 1) * (1 - Math.pow(CDNOW.alpha() / (CDNOW.alpha() + 26), CDNOW.r())
                * HypergeometricSeries.gauss2F1(CDNOW.r(), CDNOW.b(), CDNOW.a() + CDNOW.b() - 1, z));
        assertThat(CDNOW.expectedPurchases(26)).isCloseTo(direct, within(1e-12));
        assertThat(CDNOW.conditionalExpectedPurchases(26, 0, 0, 0)).isCloseTo(direct, within(1e-12));
    }

    @Test
    void should_stay_finite_and_continuous_when_a_equals_one() {
        double below = BgNbdParameters.of(0.5, 3, 1 - 1e-9, 2).conditionalExpectedPurchases(20, 3, 10, 30);
        double at = BgNbdParameters.of(0.5, 3, 1, 2).conditionalExpectedPurchases(20, 3, 10, 30);
        double above = BgNbdParameters.of(0.5, 3, 1 + 1e-9, 2).conditionalExpectedPurchases(20, 3, 10, 30);
        assertThat(at).isFinite().isCloseTo(below, within(1e-6)).isCloseTo(above, within(1e-6));
    }

    @Test
    void should_stay_finite_for_very_frequent_long_lived_customers() {
        double e = CDNOW.conditionalExpectedPurchases(52, 2_000, 1_499, 1_500);
        double alive = CDNOW.probabilityAlive(2_000, 1_499, 1_500);
        assertThat(alive).isBetween(0.99, 1.0);
        // An alive customer who bought 2,000 times in 1,500 weeks buys ~ 52 * 2000/1500 ≈ 69 times a year, a little less for dropout.
        assertThat(e).isFinite().isBetween(60.0, 70.0);
        assertThat(CDNOW.probabilityOfPurchaseWithin(1, 2_000, 1_499, 1_500)).isBetween(0.7, 1.0);
        assertThat(CDNOW.probabilityAlive(2_000, 100, 1_500)).isGreaterThanOrEqualTo(0.0).isLessThan(1e-100);
    }

    @Test
    void should_consider_a_customer_without_repeat_purchases_alive() {
        assertThat(CDNOW.probabilityAlive(0, 0, 38)).isEqualTo(1.0);
    }

    @Test
    void should_match_monte_carlo_simulation_from_the_posterior() {
        // Likelihood-weighted draws from the prior are draws from the posterior; the future is then simulated
        // purchase by purchase, which checks the closed forms independently of their algebra.
        double x = 2, tx = 30.43, T = 38.86, t = 20;
        RandomGenerator rng = new Well19937c(20050101L);
        var lambdaPrior = new GammaDistribution(rng, CDNOW.r(), 1 / CDNOW.alpha());
        var dropoutPrior = new BetaDistribution(rng, CDNOW.a(), CDNOW.b());
        double weightSum = 0, aliveSum = 0, anyPurchaseSum = 0, purchasesSum = 0;
        for (int k = 0; k < 400_000; k++) {
            double lambda = lambdaPrior.sample();
            double p = dropoutPrior.sample();
            double alive = Math.pow(1 - p, x) * Math.pow(lambda, x) * Math.exp(-lambda * T);
            double dead = p * Math.pow(1 - p, x - 1) * Math.pow(lambda, x) * Math.exp(-lambda * tx);
            weightSum += alive + dead;
            aliveSum += alive;
            int purchases = 0;
            double clock = 0;
            while (true) {
                clock += -Math.log(rng.nextDouble()) / lambda;
                if (clock > t) break;
                purchases++;
                if (rng.nextDouble() < p) break;
            }
            anyPurchaseSum += alive * (purchases > 0 ? 1 : 0);
            purchasesSum += alive * purchases;
        }
        assertThat(CDNOW.probabilityAlive(x, tx, T)).isCloseTo(aliveSum / weightSum, within(0.01));
        assertThat(CDNOW.probabilityOfPurchaseWithin(t, x, tx, T)).isCloseTo(anyPurchaseSum / weightSum, within(0.01));
        assertThat(CDNOW.conditionalExpectedPurchases(t, x, tx, T)).isCloseTo(purchasesSum / weightSum, within(0.02));
    }

    @Test
    void should_match_monte_carlo_simulation_of_new_customers() {
        RandomGenerator rng = new Well19937c(7L);
        var lambdaPrior = new GammaDistribution(rng, CDNOW.r(), 1 / CDNOW.alpha());
        var dropoutPrior = new BetaDistribution(rng, CDNOW.a(), CDNOW.b());
        double t = 39, sum = 0;
        int n = 400_000;
        for (int k = 0; k < n; k++) {
            double lambda = lambdaPrior.sample();
            double p = dropoutPrior.sample();
            double clock = 0;
            while (true) {
                clock += -Math.log(rng.nextDouble()) / lambda;
                if (clock > t) break;
                sum++;
                if (rng.nextDouble() < p) break;
            }
        }
        assertThat(CDNOW.expectedPurchases(t)).isCloseTo(sum / n, within(0.01));
    }

    @Test
    void should_give_zero_purchase_probability_for_a_zero_horizon() {
        assertThat(CDNOW.probabilityOfPurchaseWithin(0, 3, 20, 30)).isZero();
        assertThat(CDNOW.conditionalExpectedPurchases(0, 3, 20, 30)).isZero();
    }

    @Test
    void should_sum_to_the_fitted_log_likelihood() {
        var s = io.rapport.analytics.SharedData.cdnowSummary();
        double total = 0;
        for (int i = 0; i < s.size(); i++) {
            total += CDNOW.customerLogLikelihood(s.x()[i], s.tx()[i], s.T()[i]);
        }
        assertThat(total).isCloseTo(-9582.4, within(0.1));
    }

    @Test
    void should_give_finite_expected_purchases_for_a_one_time_buyer_when_a_plus_b_is_below_one() {
        // a + b + x - 1 < 0 for x = 0: FHL 2005 eq. 10 evaluated directly with the plain 2F1 series as reference
        var m = new BgNbdParameters(0.4638, 30.608, 0.2024, 0.6720, Double.NaN);
        for (double[] h : new double[][] {{0, 0, 300}, {0, 0, 20}, {2, 150, 400}}) {
            double x = h[0], tx = h[1], T = h[2], t = 365;
            double z = t / (m.alpha() + T + t);
            double bracket = 1 - Math.pow((m.alpha() + T) / (m.alpha() + T + t), m.r() + x)
                    * HypergeometricSeries.gauss2F1(m.r() + x, m.b() + x, m.a() + m.b() + x - 1, z);
            double alive = 1 + (x > 0 ? m.a() / (m.b() + x - 1) * Math.pow((m.alpha() + T) / (m.alpha() + tx), m.r() + x) : 0);
            double expected = (m.a() + m.b() + x - 1) / (m.a() - 1) * bracket / alive;
            double actual = m.conditionalExpectedPurchases(t, x, tx, T);
            assertThat(actual).as("x=%s T=%s", x, T).isFinite().isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, expected)));
        }
    }
}
