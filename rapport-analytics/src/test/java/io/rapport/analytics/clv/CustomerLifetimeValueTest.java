package io.rapport.analytics.clv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CustomerLifetimeValueTest {

    private static final BgNbdParameters BG = BgNbdParameters.of(0.243, 4.414, 0.793, 2.426);
    private static final GammaGammaParameters GG = GammaGammaParameters.of(6.25, 3.74, 15.44);

    @Test
    void should_discount_each_months_expected_purchases_to_today() {
        // Hand computation for CDNOW customer 1 (x=2, t_x=30.43, T=38.86, m=22.35), 3 months, 1 % a month, 30 % margin.
        double x = 2, tx = 30.43, T = 38.86, m = 22.35;
        double value = 6.25 * (15.44 + 2 * 22.35) / (6.25 * 2 + 3.74 - 1);
        double e1 = BG.conditionalExpectedPurchases(4.345, x, tx, T);
        double e2 = BG.conditionalExpectedPurchases(8.69, x, tx, T);
        double e3 = BG.conditionalExpectedPurchases(13.035, x, tx, T);
        double expected = 0.3 * value * (e1 / 1.01 + (e2 - e1) / (1.01 * 1.01) + (e3 - e2) / (1.01 * 1.01 * 1.01));

        var clv = new CustomerLifetimeValue(BG, GG, new ClvSettings(3, 0.01, 0.3, ClvSettings.WEEKS_PER_MONTH));
        assertThat(clv.of(x, tx, T, m)).isCloseTo(expected, within(1e-10));
    }

    @Test
    void should_equal_margin_times_value_times_expected_purchases_without_discounting() {
        var clv = new CustomerLifetimeValue(BG, GG, new ClvSettings(12, 0.0, 1.0, ClvSettings.WEEKS_PER_MONTH));
        double expected = GG.conditionalExpectedAverageValue(5, 40) * BG.conditionalExpectedPurchases(12 * 4.345, 5, 30, 38);
        assertThat(clv.of(5, 30, 38, 40)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void should_value_a_customer_who_has_probably_left_near_zero() {
        var clv = new CustomerLifetimeValue(BG, GG, ClvSettings.weeklyModelDefaults());
        double active = clv.of(10, 38, 38.86, 40);
        double gone = clv.of(10, 5, 38.86, 40);
        assertThat(gone).isLessThan(active / 100);
    }
}
