package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.test.context.TestPropertySource;

/**
 * Measurement of the uplift curve for docs/benchmarks.md, run by hand ({@code -Drapport.bench=true}). Prints
 * numbers; asserts only that the work was done.
 */
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
@TestPropertySource(properties = "rapport.test.context=journey-bench")
abstract class JourneyUpliftBenchmarks extends JourneyTestBase {

    static final int UPLIFT_INSTANCES = 200_000;

    /**
     * The uplift curve ({@code Journeys.upliftByDay}) of a journey with 200,000 instances over 30 days of entries,
     * 10 % holdout, about 15 % converted within the 7-day goal window, against the plain stats for comparison. The
     * instances are written straight to the table (the engine would take hours to make them); the curve only reads.
     */
    @Test
    void measure_uplift_curve() {
        saveJourney("bench-uplift", """
            {"name": "bench uplift", "trigger": {"type": "manual"}, "holdoutPercent": 10,
             "goal": {"event": "order", "within": "P7D"}, "steps": [{"id": "end", "type": "exit"}]}""");
        long journeyId = journeys.head("bench-uplift").id();
        java.util.Random random = new java.util.Random(42);
        java.time.OffsetDateTime now = clock.instant().atOffset(java.time.ZoneOffset.UTC);
        List<org.jooq.Query> batch = new ArrayList<>();
        for (int i = 0; i < UPLIFT_INSTANCES; i++) {
            var entered = now.minusSeconds(random.nextLong(30L * 86_400));
            var converted = random.nextDouble() < 0.15 ? entered.plusSeconds(random.nextLong(7L * 86_400)) : null;
            batch.add(db.insertInto(JourneyTables.INSTANCE).set(JourneyTables.I_JOURNEY, journeyId)
                    .set(JourneyTables.I_VERSION, 1).set(JourneyTables.I_CUSTOMER, (long) i)
                    .set(JourneyTables.I_ENTRY, "b").set(JourneyTables.I_STATUS, "completed")
                    .set(JourneyTables.I_HOLDOUT, random.nextInt(10) == 0).set(JourneyTables.I_ENTERED, entered)
                    .set(JourneyTables.I_UPDATED, entered)
                    .set(JourneyTables.I_CONVERTED, converted));
            if (batch.size() == 5000) {
                db.batch(batch).execute();
                batch.clear();
            }
        }
        long[] curve = new long[7];
        long[] stats = new long[7];
        for (int run = 0; run < 7; run++) {
            long t = System.nanoTime();
            assertThat(journeys.upliftByDay("bench-uplift").days()).hasSize(7);
            curve[run] = System.nanoTime() - t;
            t = System.nanoTime();
            assertThat(journeys.stats("bench-uplift").treatment().entered()
                    + journeys.stats("bench-uplift").holdout().entered()).isEqualTo(UPLIFT_INSTANCES);
            stats[run] = (System.nanoTime() - t) / 2;
        }
        Arrays.sort(curve);
        Arrays.sort(stats);
        System.out.printf("BENCH uplift curve: %d instances, 7 days: median %.1f ms (min %.1f, max %.1f);"
                + " stats median %.1f ms%n", UPLIFT_INSTANCES, curve[3] / 1e6, curve[0] / 1e6, curve[6] / 1e6,
                stats[3] / 1e6);
    }
}

// JUnit does not inherit the condition from the abstract class: without it here the benchmark runs in every build
@OnH2
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class JourneyUpliftBenchmarksOnH2Test extends JourneyUpliftBenchmarks {}

@OnPostgres
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class JourneyUpliftBenchmarksOnPostgresTest extends JourneyUpliftBenchmarks {}
