package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The uplift's interval against the published values of Newcombe (1998), Table II, example (a), method 1. */
class UpliftTest {

    @Test
    void should_give_newcombes_simple_asymptotic_interval_for_56_of_70_against_48_of_80() {
        Uplift u = Uplift.of(70, 56, 80, 48);
        assertThat(u.difference()).isCloseTo(0.2, within(1e-12));
        assertThat(u.low()).isCloseTo(0.0575, within(5e-5));
        assertThat(u.high()).isCloseTo(0.3425, within(5e-5));
    }

    @Test
    void should_treat_an_empty_group_as_rate_zero_adding_nothing_to_the_error() {
        Uplift u = Uplift.of(100, 30, 0, 0);
        assertThat(u.holdoutRate()).isZero();
        double se = Math.sqrt(0.3 * 0.7 / 100);
        assertThat(u.low()).isCloseTo(0.3 - 1.96 * se, within(1e-12));
        assertThat(u.high()).isCloseTo(0.3 + 1.96 * se, within(1e-12));
    }

    @Test
    void should_count_a_started_day_as_a_whole_one() {
        assertThat(Journeys.wholeDaysUp(java.time.Duration.ofHours(24))).isEqualTo(1);
        assertThat(Journeys.wholeDaysUp(java.time.Duration.ofHours(25))).isEqualTo(2);
        assertThat(Journeys.wholeDaysUp(java.time.Duration.ofSeconds(1))).isEqualTo(1);
        assertThat(Journeys.wholeDaysUp(java.time.Duration.ZERO)).isZero();
    }
}
