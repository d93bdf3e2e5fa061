package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Count-threshold triggers, served from the segment module's per-day behaviour counters: "viewed the same product
 * more than 5 times in 7 days" enters the journey once, on the view that crosses the threshold.
 */
abstract class JourneyCountTriggerTests extends JourneyTestBase {

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z")); // 10:00 in Shanghai
    }

    String type() {
        return "v" + source.substring(1, 9);
    }

    void views(String email, String sku, Instant at, int count, String prefix) {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("external_id", source + prefix + i);
            event.put("source", source);
            event.put("type", type());
            event.put("occurred_at", at.minusSeconds(count - i).toString());
            event.put("email", email);
            event.put("properties", Map.of("sku", sku));
            batch.add(event);
        }
        for (Map<String, Object> event : batch) {
            var response = admin().postJson("/api/v1/events", event);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
        }
    }

    /** Events attach only to known customers: the customer is imported first. */
    String customer(String email) {
        String csv = "customer_id,name,email,time_zone\n" + email + ",客户," + email + ",Asia/Shanghai\n";
        var response = importFile("customers", "native", "c.csv", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(response.status()).isLessThan(300);
        return email;
    }

    void countJourney(String code) {
        template(code + "-guide", "marketing", List.of(), "选购指南");
        saveJourney(code, """
            {"name": "viewed often", "holdoutPercent": 0, "reentry": "always",
             "trigger": {"type": "count", "event": "%s", "per": "sku", "moreThan": 5, "within": "P7D"},
             "steps": [{"id": "guide", "type": "send", "template": "%s"}]}
            """.formatted(type(), code + "-guide"));
        journeys.setStatus(code, "active");
    }

    @Test
    void should_enter_once_when_the_same_product_is_viewed_more_than_five_times_in_seven_days() throws Exception {
        String email = customer(source + "-views@example.com");
        String code = source + "-count";
        countJourney(code);
        Instant day1 = clock.instant().minus(Duration.ofDays(5));
        clock.set(day1);
        views(email, "SKU-A", day1, 3, "a");
        clock.set(day1.plus(Duration.ofDays(5)));
        views(email, "SKU-A", clock.instant(), 2, "b"); // five views in six days: not more than five
        views(email, "SKU-B", clock.instant(), 4, "c"); // another product does not add up
        assertThat(journeys.stats(code).treatment().entered()).isZero();

        clock.advance(Duration.ofMinutes(1));
        views(email, "SKU-A", clock.instant(), 1, "d"); // the sixth
        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        views(email, "SKU-A", clock.instant(), 3, "e"); // further views: no new entry
        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(1);

        outbox.dispatchDue();
        assertThat(mailTo(email)).extracting(m -> ((String) m.getContent()).lines().findFirst().orElse(""))
                .containsExactly("选购指南");
    }

    @Test
    void should_not_count_views_older_than_the_window() {
        String email = customer(source + "-old@example.com");
        String code = source + "-window";
        countJourney(code);
        Instant start = clock.instant().minus(Duration.ofDays(10));
        clock.set(start);
        views(email, "SKU-C", start, 5, "old");
        clock.set(start.plus(Duration.ofDays(7))); // the first five are on day 0, outside days 1..7
        views(email, "SKU-C", clock.instant(), 1, "new");
        assertThat(journeys.stats(code).treatment().entered()).isZero();
        clock.advance(Duration.ofMinutes(1));
        views(email, "SKU-C", clock.instant(), 5, "more"); // six within the window now
        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(1);
    }

    @Test
    void should_reject_a_count_trigger_without_a_threshold_or_with_a_partial_day_window() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-badcount",
                tools.jackson.databind.json.JsonMapper.builder().build().readTree("""
                    {"name": "x", "trigger": {"type": "count", "event": "product_view", "within": "PT36H"},
                     "steps": [{"id": "e", "type": "exit"}]}"""));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("trigger.within").contains("trigger.moreThan");
    }
}

@OnH2
class JourneyCountTriggerOnH2Test extends JourneyCountTriggerTests {}

@OnPostgres
class JourneyCountTriggerOnPostgresTest extends JourneyCountTriggerTests {}
