package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Segment entry and exit enrol customers (with the usual re-entry rules), leaving a segment can end a journey, and
 * pausing a journey stops its enrolments at once (the in-memory list of active journeys is reloaded on the change).
 */
abstract class JourneySegmentTriggerTests extends JourneyTestBase {

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    /** A manual tag and a dynamic segment of the customers carrying it; returns the segment's id. */
    long taggedSegment(String tag, String name) {
        assertThat(admin().postJson("/api/v1/tags", Map.of("code", tag, "name", "VIP", "category", "manual"))
                .status()).isEqualTo(201);
        var created = admin().postJson("/api/v1/segments", Map.of("name", name, "definition", tools.jackson.databind
                .json.JsonMapper.builder().build().readTree("{\"all\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\""
                        + tag + "\"}]}")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    /** Sets or removes the tag a minute after the previous change (one instant is one membership change). */
    void tag(long customer, String tag, boolean on) {
        clock.advance(java.time.Duration.ofMinutes(1));
        var response = on ? admin().putJson("/api/v1/customers/" + customer + "/tags/" + tag,
                Map.of("value", "", "reason", "test")) : admin().delete("/api/v1/customers/" + customer + "/tags/"
                + tag + "?reason=test");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    List<JsonNode> instances(String code, long customer) {
        List<JsonNode> result = new ArrayList<>();
        admin().get("/api/v1/journeys/" + code + "/instances?customerId=" + customer).json().forEach(result::add);
        return result.reversed();
    }

    @Test
    void should_enrol_on_entering_a_segment_and_end_the_journey_when_the_customer_leaves_it() {
        long customer = importedCustomer("vip");
        String tag = "vip_" + source;
        String segmentName = "VIP " + source;
        long segment = taggedSegment(tag, segmentName);
        template(source + "-welcome", "service", List.of(), "欢迎加入 VIP");
        String welcome = source + "-vip";
        saveJourney(welcome, """
            {"name": "VIP welcome", "trigger": {"type": "segment", "segment": "%s", "on": "entry"},
             "holdoutPercent": 0, "exitOn": [{"leftSegment": "%s"}],
             "steps": [
               {"id": "welcome", "type": "send", "template": "%s"},
               {"id": "week", "type": "wait", "duration": "P7D"},
               {"id": "perk", "type": "send", "template": "%s"}]}
            """.formatted(segmentName, segmentName, source + "-welcome", source + "-welcome"));
        journeys.setStatus(welcome, "active");
        String goodbye = source + "-left";
        saveJourney(goodbye, """
            {"name": "Left VIP", "trigger": {"type": "segment", "segment": %d, "on": "exit"}, "reentry": "always",
             "holdoutPercent": 0, "steps": [{"id": "note", "type": "goal"}]}
            """.formatted(segment));
        journeys.setStatus(goodbye, "active");

        tag(customer, tag, true);
        List<JsonNode> entered = instances(welcome, customer);
        assertThat(entered).hasSize(1);
        assertThat(entered.getFirst().get("status").asString()).isEqualTo("active");
        assertThat(stepOutcomes(entered.getFirst().get("id").asLong())).first().isEqualTo("pending");
        assertThat(instances(goodbye, customer)).isEmpty();

        tag(customer, tag, false);
        JsonNode left = instances(welcome, customer).getFirst();
        assertThat(left.get("status").asString()).isEqualTo("exited");
        assertThat(left.get("exitReason").asString()).isEqualTo("exit:left-segment:" + segment);
        assertThat(instances(goodbye, customer)).hasSize(1);

        tag(customer, tag, true);
        assertThat(instances(welcome, customer)).as("re-entry 'once' (the default): never again").hasSize(1);
        tag(customer, tag, false);
        assertThat(instances(goodbye, customer)).as("re-entry 'always'").hasSize(2);
    }

    @Test
    void should_enrol_nobody_while_the_journey_is_paused_and_again_once_it_is_active() {
        long customer = importedCustomer("paused");
        String tag = "pz_" + source;
        long segment = taggedSegment(tag, "Paused " + source);
        String code = source + "-entry";
        saveJourney(code, """
            {"name": "entry", "trigger": {"type": "segment", "segment": %d}, "reentry": "always",
             "holdoutPercent": 0, "steps": [{"id": "done", "type": "goal"}]}
            """.formatted(segment));
        journeys.setStatus(code, "active");
        tag(customer, tag, true);
        assertThat(instances(code, customer)).hasSize(1);

        journeys.setStatus(code, "paused");
        tag(customer, tag, false);
        tag(customer, tag, true);
        assertThat(instances(code, customer)).hasSize(1);

        journeys.setStatus(code, "active");
        tag(customer, tag, false);
        tag(customer, tag, true);
        assertThat(instances(code, customer)).hasSize(2);
    }

    @Test
    void should_reject_a_segment_trigger_or_exit_naming_a_segment_that_does_not_exist() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "segment", "segment": "no such segment %s", "on": "later"},
                     "exitOn": [{"leftSegment": 987654321}],
                     "steps": [{"id": "a", "type": "goal"}]}""".formatted(source)));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("invalid-journey");
        assertThat(response.json().get("problems").findValuesAsString("path"))
                .containsExactlyInAnyOrder("trigger.on", "trigger.segment", "exitOn[0].leftSegment");
        assertThat(response.json().get("detail").asString()).contains("trigger.");
    }
}

@OnH2
class JourneySegmentTriggerOnH2Test extends JourneySegmentTriggerTests {}

@OnPostgres
class JourneySegmentTriggerOnPostgresTest extends JourneySegmentTriggerTests {}
