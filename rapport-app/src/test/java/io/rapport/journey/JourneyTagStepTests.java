package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Tag steps write manual tags through the segment module's tag API, named as the journey in the tag history. */
abstract class JourneyTagStepTests extends JourneyTestBase {

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    @Test
    void should_set_and_later_remove_a_manual_tag_as_the_journey_so_the_tag_history_names_it() {
        String email = source + "-c@example.com";
        String csv = "customer_id,name,email,time_zone\n" + source + "-c,客户," + email + ",Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        long customer = customerByEmail(email);
        String tag = "care_" + source;
        var created = admin().postJson("/api/v1/tags", Map.of("code", tag, "name", "In care", "kind", "manual"));
        assertThat(created.status()).as(created.body()).isLessThan(300);
        String code = source + "-care";
        saveJourney(code, """
            {"name": "care", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [
               {"id": "mark", "type": "tag", "tag": "%s"},
               {"id": "week", "type": "wait", "duration": "P7D"},
               {"id": "unmark", "type": "untag", "tag": "%s"}]}
            """.formatted(tag, tag));
        journeys.setStatus(code, "active");
        assertThat(admin().postJson("/api/v1/journeys/" + code + "/enrolments",
                Map.of("customerId", customer, "key", "1")).status()).isEqualTo(200);

        JsonNode tags = admin().get("/api/v1/customers/" + customer + "/tags").json();
        assertThat(tags.get("current").findValuesAsString("code")).contains(tag);
        JsonNode added = tags.get("history").get(0);
        assertThat(added.get("change").asString()).isEqualTo("added");
        assertThat(added.get("actor").asString()).isEqualTo("journey:" + code);
        assertThat(added.get("reason").asString()).isEqualTo("journey " + code + " step mark");

        advance(Duration.ofDays(7), () -> journeys.stats(code).byStatus().get("completed") == 1);
        tags = admin().get("/api/v1/customers/" + customer + "/tags").json();
        assertThat(tags.get("current").findValuesAsString("code")).doesNotContain(tag);
        assertThat(tags.get("history").get(0).get("change").asString()).isEqualTo("removed");
        assertThat(tags.get("history").get(0).get("actor").asString()).isEqualTo("journey:" + code);
    }

    @Test
    void should_reject_a_tag_step_naming_a_tag_the_catalogue_does_not_have() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "a", "type": "tag", "tag": "nope_%s"}]}""".formatted(source)));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("field").asString()).isEqualTo("steps[0].tag");
        assertThat(response.json().get("detail").asString()).contains("unknown tag");
    }
}

@OnH2
class JourneyTagStepOnH2Test extends JourneyTagStepTests {}

@OnPostgres
class JourneyTagStepOnPostgresTest extends JourneyTagStepTests {}
