package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Explicit migration between versions: only the customers whose place the mapping names move, each once; the
 * others finish on the version they entered with.
 */
abstract class JourneyMigrationTests extends JourneyTestBase {

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    String definition(String lastId, String lastTemplate) {
        return """
            {"name": "care", "trigger": {"type": "manual"}, "holdoutPercent": 0, "reentry": "always",
             "steps": [
               {"id": "hello", "type": "send", "template": "%1$s-a"},
               {"id": "p1", "type": "wait", "duration": "PT2H"},
               {"id": "mid", "type": "send", "template": "%1$s-b"},
               {"id": "p2", "type": "wait", "duration": "PT2H"},
               {"id": "%2$s", "type": "send", "template": "%3$s"}]}
            """.formatted(source, lastId, lastTemplate);
    }

    JsonNode migrate(String code, Map<String, String> steps, boolean dryRun) {
        var response = admin().postJson("/api/v1/journeys/" + code + "/migrations",
                Map.of("fromVersion", 1, "toVersion", 2, "steps", steps, "dryRun", dryRun));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    List<String> bodies(String email) throws Exception {
        outbox.dispatchDue();
        List<String> result = new java.util.ArrayList<>();
        for (var m : mailTo(email)) {
            result.add(((String) m.getContent()).strip());
        }
        return result;
    }

    @Test
    void should_move_only_the_mapped_waiting_customers_once_and_leave_the_others_on_their_version() throws Exception {
        String csv = "customer_id,name,email,time_zone\n" + source + "-0,客户," + source + "-0@example.com,Asia/Shanghai\n"
                + source + "-1,客户," + source + "-1@example.com,Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        long early = customerByEmail(source + "-0@example.com");
        long late = customerByEmail(source + "-1@example.com");
        for (String t : List.of("a", "b", "c", "d")) {
            template(source + "-" + t, "service", List.of(), t.toUpperCase());
        }
        String code = source + "-m";
        saveJourney(code, definition("end", source + "-d"));
        journeys.setStatus(code, "active");
        admin().postJson("/api/v1/journeys/" + code + "/enrolments", Map.of("customerId", early, "key", "1"));
        advance(Duration.ofHours(2), () -> dueTimers() == 0 && bodiesQuietly(source + "-0@example.com").size() == 2);
        admin().postJson("/api/v1/journeys/" + code + "/enrolments", Map.of("customerId", late, "key", "1"));
        // early waits before 'end' (message D), late before 'mid'; version 2 replaces 'end' by 'finale' (message C)
        saveJourney(code, definition("finale", source + "-c"));

        JsonNode dry = migrate(code, Map.of("end", "finale"), true);
        assertThat(dry.get("byStep").get("end").asLong()).isEqualTo(1);
        assertThat(dry.get("byStep").get("mid").asLong()).isEqualTo(1);
        assertThat(dry.get("moved").asLong()).isEqualTo(1);
        assertThat(dry.get("staying").asLong()).isEqualTo(1);
        assertThat(versions(code)).containsEntry(early, 1).containsEntry(late, 1);

        assertThat(migrate(code, Map.of("end", "finale"), false).get("moved").asLong()).isEqualTo(1);
        assertThat(migrate(code, Map.of("end", "finale"), false).get("moved").asLong()).as("once").isZero();
        assertThat(versions(code)).containsEntry(early, 2).containsEntry(late, 1);
        assertThat(db.fetchCount(DSL.table("privacy_audit"), DSL.field("action").eq("journey.migrate")
                .and(DSL.field("subject_id").eq(code)))).isEqualTo(2);

        advance(Duration.ofHours(2), () -> dueTimers() == 0 && journeys.stats(code).byStatus().get("completed") == 1);
        advance(Duration.ofHours(2), () -> dueTimers() == 0 && journeys.stats(code).byStatus().get("completed") == 2);
        assertThat(bodies(source + "-0@example.com")).containsExactly("A", "B", "C");
        assertThat(bodies(source + "-1@example.com")).containsExactly("A", "B", "D");
    }

    @Test
    void should_reject_a_mapping_naming_a_step_the_versions_do_not_have() {
        template(source + "-a", "service", List.of(), "A");
        template(source + "-b", "service", List.of(), "B");
        String code = source + "-bad";
        saveJourney(code, definition("end", source + "-b"));
        saveJourney(code, definition("finale", source + "-b"));
        var response = admin().postJson("/api/v1/journeys/" + code + "/migrations",
                Map.of("fromVersion", 1, "toVersion", 2, "steps", Map.of("end", "nowhere"), "dryRun", true));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("field").asString()).isEqualTo("steps.end");
        var version = admin().postJson("/api/v1/journeys/" + code + "/migrations",
                Map.of("fromVersion", 1, "toVersion", 7, "steps", Map.of("end", "finale"), "dryRun", true));
        assertThat(version.json().get("field").asString()).isEqualTo("toVersion");
    }

    List<String> bodiesQuietly(String email) {
        try {
            return bodies(email);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Map<Long, Integer> versions(String code) {
        Map<Long, Integer> result = new java.util.HashMap<>();
        admin().get("/api/v1/journeys/" + code + "/instances").json()
                .forEach(i -> result.put(i.get("customerId").asLong(), i.get("version").asInt()));
        return result;
    }
}

@OnH2
class JourneyMigrationOnH2Test extends JourneyMigrationTests {}

@OnPostgres
class JourneyMigrationOnPostgresTest extends JourneyMigrationTests {}
