package io.rapport.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.customer.CustomerSummaries.Summary;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The score calculation without a server: the Gamma-Gamma refit for heavy-tailed spend. */
class ScoreCalculatorTest {

    static ScoringProperties defaults() {
        return new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("rapport.scoring", ScoringProperties.class);
    }

    @Test
    void should_compute_clv_with_the_penalised_spend_fit_when_the_plain_fit_finds_q_at_most_one() {
        var rng = new Well19937c(5);
        var rates = new GammaDistribution(rng, 0.7, 1 / 20.0);
        LocalDate asOf = LocalDate.of(2025, 12, 31);
        var in = new ScoringInputs(asOf, ZoneOffset.UTC);
        // BG/NBD histories: purchases at exponential gaps, each followed by dropping out with the customer's own
        // probability p ~ Beta(1, 2.5) (with one p for all, a and b would run off to infinity)
        var dropout = new org.apache.commons.math3.distribution.BetaDistribution(rng, 1.0, 2.5);
        for (int c = 0; c < 3_000; c++) {
            LocalDate first = asOf.minusDays(200 + rng.nextInt(500));
            double meanGap = 20 + rng.nextInt(60);
            double p = dropout.sample();
            LocalDate last = first;
            int days = 1;
            while (rng.nextDouble() > p) {
                LocalDate next = last.plusDays(1 + (long) (-meanGap * Math.log(1 - rng.nextDouble())));
                if (next.isAfter(asOf)) {
                    break;
                }
                last = next;
                days++;
            }
            double nu = rates.sample();
            var spend = new GammaDistribution(rng, 4.0, 1 / nu);
            double total = 0;
            for (int k = 0; k < days; k++) {
                total += spend.sample();
            }
            in.add(new Summary(c + 1, days, 0, days, BigDecimal.valueOf(total), first.atStartOfDay().atOffset(ZoneOffset.UTC),
                    last.atStartOfDay().atOffset(ZoneOffset.UTC), "shop", 0, null, Map.of()));
        }

        var scores = ScoreCalculator.score(in, defaults());

        assertThat(scores.notes.get("gammaGamma")).contains("<= 1", "penalised fit");
        assertThat(scores.spend).hasValueSatisfying(g -> assertThat(g.q()).isGreaterThan(1));
        for (int i = 0; i < in.size; i++) {
            assertThat(scores.lifetimeValue[i]).as("customer %d, notes %s", i, scores.notes).isFinite().isNotNegative();
            assertThat(scores.expectedOrderValue[i]).as("customer %d", i).isFinite().isPositive();
        }
    }
}
