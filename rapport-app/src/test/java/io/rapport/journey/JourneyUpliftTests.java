package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The uplift curve by day since entry ({@code GET /api/v1/journeys/{code}/uplift}) against values the test works out
 * itself, customer by customer, from when each entered and when each did the goal event.
 */
abstract class JourneyUpliftTests extends JourneyTestBase {

    static final Instant T0 = Instant.parse("2026-03-10T02:00:00Z");

    @Test
    void should_count_per_day_since_entry_only_customers_inside_that_long_and_conversions_within_that_many_days() {
        clock.set(T0);
        List<Long> ids = customers(24);
        String code = source + "-up";
        saveJourney(code, """
            {"name": "uplift", "trigger": {"type": "manual"}, "holdoutPercent": 50,
             "goal": {"event": "cart_add", "within": "P3D"},
             "steps": [{"id": "hold", "type": "wait", "duration": "P30D"}]}""");
        journeys.setStatus(code, "active");
        Map<Integer, Instant> entered = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            enrol(code, ids.get(i), "k");
            entered.put(i, T0);
        }
        clock.set(T0.plus(Duration.ofDays(1)));
        for (int i = 12; i < 24; i++) {
            enrol(code, ids.get(i), "k");
            entered.put(i, T0.plus(Duration.ofDays(1)));
        }
        // hours after T0 at which a customer adds to the cart (the goal event); some after the 3-day window
        Map<Integer, Integer> goalAt = Map.ofEntries(Map.entry(0, 2), Map.entry(1, 30), Map.entry(2, 60),
                Map.entry(3, 80), Map.entry(4, 50), Map.entry(5, 10), Map.entry(6, 70), Map.entry(7, 47),
                Map.entry(12, 26), Map.entry(13, 61), Map.entry(14, 90), Map.entry(15, 40), Map.entry(16, 100),
                Map.entry(17, 48), Map.entry(18, 73));
        TreeMap<Integer, Integer> byHour = new TreeMap<>();
        goalAt.forEach((customer, hour) -> byHour.put(hour, customer));
        assertThat(byHour).hasSameSizeAs(goalAt);

        Map<Integer, Instant> did = new HashMap<>();
        int[] checkpoints = {62, 101};
        int next = 0;
        for (var e : byHour.entrySet()) {
            while (next < checkpoints.length && checkpoints[next] < e.getKey()) {
                checkCurve(code, ids, entered, did, checkpoints[next++]);
            }
            Instant at = T0.plus(Duration.ofHours(e.getKey()));
            clock.set(at);
            event(email(e.getValue()), "cart_add", at, "goal-" + e.getValue());
            did.put(e.getValue(), at);
        }
        while (next < checkpoints.length) {
            checkCurve(code, ids, entered, did, checkpoints[next++]);
        }
    }

    @Test
    void should_answer_404_journey_not_found_for_an_unknown_journey() {
        var response = admin().get("/api/v1/journeys/" + source + "-none/uplift");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asString()).isEqualTo("journey-not-found");
    }

    private void checkCurve(String code, List<Long> ids, Map<Integer, Instant> entered, Map<Integer, Instant> did,
                            int hour) {
        Instant now = T0.plus(Duration.ofHours(hour));
        clock.set(now);
        Map<Long, Boolean> holdout = new HashMap<>();
        admin().get("/api/v1/journeys/" + code + "/instances?limit=1000").json()
                .forEach(i -> holdout.put(i.get("customerId").asLong(), i.get("holdout").asBoolean()));
        assertThat(holdout).hasSize(24);

        JsonNode curve = admin().get("/api/v1/journeys/" + code + "/uplift").json();
        assertThat(curve.get("horizonDays").asInt()).isEqualTo(3);
        assertThat(curve.get("days")).hasSize(3);
        for (int d = 1; d <= 3; d++) {
            long[] n = new long[2];
            long[] x = new long[2];
            for (int i = 0; i < 24; i++) {
                int group = holdout.get(ids.get(i)) ? 1 : 0;
                Instant entry = entered.get(i);
                if (entry.plus(Duration.ofDays(d)).isAfter(now)) {
                    continue; // not inside d whole days yet
                }
                n[group]++;
                Instant conversion = did.get(i);
                if (conversion != null && !conversion.isAfter(entry.plus(Duration.ofDays(d)))) {
                    x[group]++;
                }
            }
            double p1 = n[0] == 0 ? 0 : (double) x[0] / n[0];
            double p0 = n[1] == 0 ? 0 : (double) x[1] / n[1];
            double se = Math.sqrt((n[0] == 0 ? 0 : p1 * (1 - p1) / n[0]) + (n[1] == 0 ? 0 : p0 * (1 - p0) / n[1]));
            JsonNode day = curve.get("days").get(d - 1);
            String at = "hour " + hour + ", day " + d;
            assertThat(day.get("day").asInt()).isEqualTo(d);
            assertThat(day.get("treatmentEntered").asLong()).as(at).isEqualTo(n[0]);
            assertThat(day.get("holdoutEntered").asLong()).as(at).isEqualTo(n[1]);
            assertThat(day.get("treatmentConverted").asLong()).as(at).isEqualTo(x[0]);
            assertThat(day.get("holdoutConverted").asLong()).as(at).isEqualTo(x[1]);
            assertThat(day.get("treatmentRate").asDouble()).as(at).isCloseTo(p1, within(1e-12));
            assertThat(day.get("holdoutRate").asDouble()).as(at).isCloseTo(p0, within(1e-12));
            assertThat(day.get("uplift").asDouble()).as(at).isCloseTo(p1 - p0, within(1e-12));
            assertThat(day.get("upliftLow").asDouble()).as(at).isCloseTo(p1 - p0 - 1.96 * se, within(1e-12));
            assertThat(day.get("upliftHigh").asDouble()).as(at).isCloseTo(p1 - p0 + 1.96 * se, within(1e-12));
        }
        if (hour == 62) {
            // the second day's customers have been inside one day: days 2 and 3 count only the first day's
            assertThat(curve.get("days").get(0).get("treatmentEntered").asLong()
                    + curve.get("days").get(0).get("holdoutEntered").asLong()).isEqualTo(24);
            assertThat(curve.get("days").get(1).get("treatmentEntered").asLong()
                    + curve.get("days").get(1).get("holdoutEntered").asLong()).isEqualTo(12);
            assertThat(curve.get("days").get(2).get("treatmentEntered").asLong()
                    + curve.get("days").get(2).get("holdoutEntered").asLong()).isZero();
        } else {
            // at hour 101 everyone is inside 3 days: day 3 counts every conversion within the window (13 of 15)
            assertThat(curve.get("days").get(2).get("treatmentConverted").asLong()
                    + curve.get("days").get(2).get("holdoutConverted").asLong()).isEqualTo(13);
        }
    }
}

@OnH2
class JourneyUpliftOnH2Test extends JourneyUpliftTests {}

@OnPostgres
class JourneyUpliftOnPostgresTest extends JourneyUpliftTests {}
