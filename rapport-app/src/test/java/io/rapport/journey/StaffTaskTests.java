package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** Task steps open staff tasks (once per visit) that people list by open / mine / overdue and complete. */
abstract class StaffTaskTests extends JourneyTestBase {

    @Autowired
    JourneyEngine engine;
    @Autowired
    TransactionTemplate transaction;

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    long customer() {
        String email = source + "-c@example.com";
        String csv = "customer_id,name,email,time_zone\n" + source + "-c,客户," + email + ",Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        return customerByEmail(email);
    }

    /** This test's tasks (the server is shared), as the caller sees them with these query parameters. */
    List<JsonNode> tasks(Http as, long customer, String query) {
        var response = as.get("/api/v1/staff-tasks?limit=1000&" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<JsonNode> result = new ArrayList<>();
        response.json().forEach(t -> {
            if (t.get("customerId").asLong() == customer) {
                result.add(t);
            }
        });
        return result;
    }

    @Test
    void should_open_a_task_per_visit_that_its_assignee_sees_as_theirs_and_overdue_after_its_due_time() {
        long customer = customer();
        String code = source + "-care";
        saveJourney(code, """
            {"name": "care", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [
               {"id": "call", "type": "task", "kind": "care-call", "title": "Call about the new purifier",
                "role": "service_agent", "due": "P2D"},
               {"id": "personal", "type": "task", "kind": "follow-up", "title": "Write a note",
                "assignee": "admin", "due": "P1D"}]}""");
        journeys.setStatus(code, "active");
        var enrolled = admin().postJson("/api/v1/journeys/" + code + "/enrolments",
                Map.of("customerId", customer, "key", "1"));
        long instance = enrolled.json().get("instanceId").asLong();
        Http agent = user(false, "service_agent");

        List<JsonNode> open = tasks(admin(), customer, "status=open");
        assertThat(open).extracting(t -> t.get("kind").asString()).containsExactly("follow-up", "care-call");
        assertThat(open.get(1).get("dueAt").asString()).startsWith("2026-03-12T02:00");
        assertThat(open.get(1).get("journey").asString()).isEqualTo(code);
        assertThat(tasks(agent, customer, "mine=true")).extracting(t -> t.get("kind").asString())
                .containsExactly("care-call");
        assertThat(tasks(admin(), customer, "mine=true")).extracting(t -> t.get("kind").asString())
                .containsExactly("follow-up");
        assertThat(tasks(admin(), customer, "overdue=true")).isEmpty();

        // the same visit again opens nothing more
        transaction.executeWithoutResult(s -> {
            db.update(DSL.table("journey_instance")).set(DSL.field("status"), "active")
                    .set(DSL.field("current_step"), "call").where(DSL.field("id").eq(instance)).execute();
            engine.advance(instance);
        });
        assertThat(tasks(admin(), customer, "status=all")).hasSize(2);

        clock.advance(Duration.ofDays(1).plusMinutes(1));
        List<JsonNode> overdue = tasks(admin(), customer, "overdue=true");
        assertThat(overdue).extracting(t -> t.get("kind").asString()).containsExactly("follow-up");
        assertThat(overdue.getFirst().get("overdue").asBoolean()).isTrue();
    }

    @Test
    void should_complete_a_task_once_with_its_outcome_and_who_did_it() {
        long customer = customer();
        String code = source + "-call";
        saveJourney(code, """
            {"name": "call", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [{"id": "call", "type": "task", "kind": "care-call", "title": "Call",
                        "role": "SERVICE_AGENT", "due": "PT4H"}]}""");
        journeys.setStatus(code, "active");
        admin().postJson("/api/v1/journeys/" + code + "/enrolments", Map.of("customerId", customer, "key", "1"));
        long id = tasks(admin(), customer, "status=open").getFirst().get("id").asLong();
        Http agent = user(false, "service_agent");

        assertThat(agent.postJson("/api/v1/staff-tasks/" + id + "/completion", Map.of("outcome", " "))
                .json().get("code").asString()).isEqualTo("outcome-required");
        assertThat(user(false, "analyst").postJson("/api/v1/staff-tasks/" + id + "/completion",
                Map.of("outcome", "x")).status()).isEqualTo(403);
        var done = agent.postJson("/api/v1/staff-tasks/" + id + "/completion",
                Map.of("outcome", "Customer happy, wants a filter reminder"));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("status").asString()).isEqualTo("done");
        assertThat(done.json().get("outcome").asString()).isEqualTo("Customer happy, wants a filter reminder");
        assertThat(done.json().get("doneBy").asString()).startsWith("u");
        var again = admin().postJson("/api/v1/staff-tasks/" + id + "/completion", Map.of("outcome", "again"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("task-already-done");
        assertThat(tasks(admin(), customer, "status=open")).isEmpty();
        assertThat(tasks(admin(), customer, "status=done")).hasSize(1);
        assertThat(admin().get("/api/v1/staff-tasks?status=later").json().get("code").asString())
                .isEqualTo("invalid-status");
    }

    @Test
    void should_reject_a_task_step_without_an_assignee_or_with_an_unknown_role() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "a", "type": "task", "kind": "care-call", "title": "t", "due": "P1D"},
                               {"id": "b", "type": "task", "kind": "care-call", "title": "t", "due": "P1D",
                                "role": "janitor"}]}"""));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("field").asString()).isEqualTo("steps[0].assignee");
        assertThat(response.json().get("problems").findValuesAsString("path")).contains("steps[1].role");
    }
}

@OnH2
class StaffTaskOnH2Test extends StaffTaskTests {}

@OnPostgres
class StaffTaskOnPostgresTest extends StaffTaskTests {}
