package io.rapport.analytics.clv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HypergeometricSeriesTest {

    @ParameterizedTest
    @ValueSource(doubles = {-0.9, -0.3, 0.01, 0.5, 0.9, 0.999})
    void should_match_closed_forms(double z) {
        // A&S 15.1.3: 2F1(1,1;2;z) = -ln(1-z)/z ; binomial series 2F1(a,b;b;z) = (1-z)^-a.
        assertThat(HypergeometricSeries.gauss2F1(1, 1, 2, z)).isCloseTo(-Math.log1p(-z) / z, within(1e-12));
        assertThat(HypergeometricSeries.gauss2F1(2.5, 3, 3, z)).isCloseTo(Math.pow(1 - z, -2.5), within(1e-9 * Math.pow(1 - z, -2.5)));
    }

    @Test
    void should_sum_series_whose_terms_exceed_the_double_range() {
        // 2F1(a,b;b;z) = (1-z)^-a with a = 2000: about 10^1397 at z = 0.8, only representable in log space.
        var value = HypergeometricSeries.sum(new double[]{2000, 7}, new double[]{7}, 0.8);
        assertThat(value.logAbs()).isCloseTo(-2000 * Math.log(0.2), within(1e-8));
        assertThat(value.sign()).isEqualTo(1.0);
    }

    @Test
    void should_refuse_arguments_outside_the_unit_disc() {
        assertThatThrownBy(() -> HypergeometricSeries.gauss2F1(1, 1, 2, 1.0)).isInstanceOf(ArithmeticException.class);
    }
}
