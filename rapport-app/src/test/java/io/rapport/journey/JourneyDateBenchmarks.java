package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Measurements for docs/benchmarks.md, run by hand ({@code -Drapport.bench=true}): the daily date check when many
 * customers' birthdays fall on the same day (enrolment and first message per second), and the scan of a year of
 * purchases for the day's maintenance dates (the set-based look-up, per check). Prints numbers; asserts only that the
 * work was done.
 */
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
@TestPropertySource(properties = "rapport.test.context=journey-date-bench")
abstract class JourneyDateBenchmarks extends JourneyTestBase {

    /** {@code -Dbench.birthdays=100000} for a bigger day of birthdays. */
    static final int BIRTHDAYS = Integer.getInteger("bench.birthdays", 5000);
    static final int BUYERS = 20000;

    @Autowired
    JourneyEngine engine;
    @Autowired
    DateOccasions dates;

    @Test
    void measure_birthday_enrolment_and_the_purchase_date_scan() throws Exception {
        StringBuilder csv = new StringBuilder("customer_id,name,email,time_zone,birthday\n");
        for (int i = 0; i < BIRTHDAYS; i++) {
            csv.append("d").append(i).append(",Bench ").append(i).append(",d").append(i).append('-').append(source)
                    .append("@example.com,Asia/Shanghai,1980-03-17\n");
        }
        assertThat(importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .status()).isLessThan(300);
        template("bench-bday", "service", List.of(), "生日快乐 {{customer.name}}");
        saveJourney("bench-bday", """
            {"name": "bench", "trigger": {"type": "date", "field": "birthday", "offsetDays": -7}, "holdoutPercent": 0,
             "reentry": "always", "steps": [{"id": "mail", "type": "send", "template": "bench-bday"}]}""");
        journeys.setStatus("bench-bday", "active");
        clock.set(Instant.parse("2026-03-10T02:30:00Z"));
        long t = System.nanoTime();
        int enrolled = engine.runDateTriggers();
        double seconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("BENCH birthday check: %d customers enrolled with their first message queued in %.1f s ="
                + " %.0f/s%n", enrolled, seconds, enrolled / seconds);
        assertThat(enrolled).isEqualTo(BIRTHDAYS);
        t = System.nanoTime();
        assertThat(engine.runDateTriggers()).isZero();
        System.out.printf("BENCH birthday check again (all entered): %.0f ms%n", (System.nanoTime() - t) / 1e6);
        journeys.setStatus("bench-bday", "paused");

        StringBuilder products = new StringBuilder(DemoDataFiles.PRODUCTS_HEADER + "\n");
        for (int p = 0; p < 20; p++) {
            products.append(source).append("-P").append(p).append(",Product ").append(p).append(",bench,999.00,CNY,")
                    .append(3 + 3 * (p % 4)).append(",").append(12 * (1 + p % 3)).append(",\n");
        }
        assertThat(importFile("products", "native", "p.csv", products.toString().getBytes(StandardCharsets.UTF_8))
                .status()).isLessThan(300);
        Random random = new Random(7);
        StringBuilder orders = new StringBuilder(
                "order_id,line_no,customer_id,email,channel,ordered_at,sku,quantity,unit_price,currency,kind\n");
        LocalDate start = LocalDate.of(2025, 3, 10);
        for (int i = 0; i < BUYERS; i++) {
            LocalDate day = start.plusDays(random.nextInt(365));
            orders.append("o").append(i).append(",1,m").append(i).append(",m").append(i).append('-').append(source)
                    .append("@example.com,shop,").append(day).append("T04:00:00Z,").append(source).append("-P")
                    .append(random.nextInt(20)).append(",1,999.00,CNY,sale\n");
        }
        assertThat(importFile("orders", "native", "o.csv", orders.toString().getBytes(StandardCharsets.UTF_8))
                .json().get("rejected").asLong()).isZero();
        saveJourney("bench-care", """
            {"name": "bench", "trigger": {"type": "date", "field": "maintenance-due", "filter": {"category": "bench"}},
             "holdoutPercent": 0, "reentry": "always", "steps": [{"id": "end", "type": "exit"}]}""");
        journeys.setStatus("bench-care", "active");
        var trigger = journeys.active().stream().filter(j -> j.getKey().code().equals("bench-care")).findFirst()
                .orElseThrow().getValue().trigger();
        long[] runs = new long[5];
        int found = 0;
        for (int r = 0; r < runs.length; r++) {
            Instant at = Instant.parse("2026-03-10T02:30:00Z").plus(java.time.Duration.ofDays(r));
            long s = System.nanoTime();
            found += dates.due(trigger, at).size();
            runs[r] = System.nanoTime() - s;
        }
        java.util.Arrays.sort(runs);
        System.out.printf("BENCH maintenance-due scan over %d purchase lines (20 products, intervals 3-12 months):"
                + " median %.0f ms per check, %d occasions on 5 days%n", BUYERS, runs[2] / 1e6, found);
        assertThat(found).isPositive();
    }
}

// JUnit does not inherit the condition from the abstract class: without it here the benchmark runs in every build
@OnH2
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class JourneyDateBenchmarksOnH2Test extends JourneyDateBenchmarks {}

@OnPostgres
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class JourneyDateBenchmarksOnPostgresTest extends JourneyDateBenchmarks {}
