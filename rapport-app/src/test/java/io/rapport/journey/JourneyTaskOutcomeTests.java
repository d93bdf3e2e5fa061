package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A journey waits for the outcome of the staff task it opened: the agreed outcome leads one way, any other outcome
 * the other, and the task's due time passing first a third; the wait is the instance's durable state and timer.
 */
abstract class JourneyTaskOutcomeTests extends JourneyTestBase {

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    String rescue() {
        String code = source + "-rescue";
        saveJourney(code, """
            {"name": "rescue", "trigger": {"type": "manual"}, "reentry": "always", "holdoutPercent": 0,
             "steps": [
               {"id": "call", "type": "task", "kind": "care-call", "title": "Call: why did they stop buying?",
                "role": "service_agent", "due": "P2D"},
               {"id": "outcome", "type": "wait", "task": "call", "outcome": "reached",
                "then": "thanks", "else": "offer", "onTimeout": "escalate"},
               {"id": "thanks", "type": "goal", "next": "end"},
               {"id": "offer", "type": "points", "points": 50, "next": "end"},
               {"id": "escalate", "type": "task", "kind": "follow-up", "title": "Nobody called", "role": "admin",
                "due": "P1D"},
               {"id": "end", "type": "exit"}]}""");
        journeys.setStatus(code, "active");
        return code;
    }

    long openTask(long instance) {
        return db.select(DSL.field("id", Long.class)).from("journey_staff_task")
                .where(DSL.field("instance_id").eq(instance)).and(DSL.field("step_id").eq("call")).fetchOne().value1();
    }

    String status(long instance) {
        return db.select(DSL.field("status", String.class)).from("journey_instance").where(DSL.field("id")
                .eq(instance)).fetchOne().value1();
    }

    void complete(long task, String outcome) {
        var done = user(false, "service_agent").postJson("/api/v1/staff-tasks/" + task + "/completion",
                Map.of("outcome", outcome));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
    }

    @Test
    void should_go_on_by_the_outcome_staff_record_and_ignore_the_timeout_afterwards() {
        String code = rescue();
        long reached = enrolByApi(code, importedCustomer("reached"), "1");
        long missed = enrolByApi(code, importedCustomer("missed"), "1");
        assertThat(status(reached)).isEqualTo("active");
        assertThat(stepsTaken(reached)).containsExactly("call", "outcome");

        complete(openTask(reached), "Reached: she moved house, will order again");
        complete(openTask(missed), "voicemail twice");

        assertThat(status(reached)).isEqualTo("completed");
        assertThat(stepsTaken(reached)).containsExactly("call", "outcome", "outcome", "thanks", "end");
        assertThat(stepsTaken(missed)).containsExactly("call", "outcome", "outcome", "offer", "end");
        assertThat(db.select(DSL.field("converted_at")).from("journey_instance").where(DSL.field("id").eq(reached))
                .fetchOne().value1()).isNotNull();

        // the wait's timer (the task's due time) fires later and finds both moved on
        advance(Duration.ofDays(3), () -> dueTimers() == 0);
        assertThat(stepsTaken(reached)).doesNotContain("escalate");
        assertThat(stepsTaken(missed)).doesNotContain("escalate");
    }

    @Test
    void should_take_the_timeout_branch_when_the_task_is_still_open_at_its_due_time() {
        String code = rescue();
        long instance = enrolByApi(code, importedCustomer("late"), "1");
        advance(Duration.ofDays(2), () -> stepsTaken(instance).contains("escalate"));
        assertThat(stepsTaken(instance)).containsExactly("call", "outcome", "escalate", "end");
        assertThat(status(instance)).isEqualTo("completed");

        // completing the task late moves nothing
        complete(openTask(instance), "reached");
        assertThat(stepsTaken(instance)).containsExactly("call", "outcome", "escalate", "end");
    }

    @Test
    void should_reject_a_wait_for_a_step_that_is_not_a_task_or_without_the_outcome() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "a", "type": "goal"},
                               {"id": "b", "type": "wait", "task": "a", "outcome": "reached", "onTimeout": "zz"},
                               {"id": "c", "type": "wait", "task": "a"}]}"""));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("problems").findValuesAsString("path"))
                .contains("steps[2].outcome");
        var graph = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "a", "type": "goal"},
                               {"id": "b", "type": "wait", "task": "a", "outcome": "reached", "onTimeout": "zz"}]}"""));
        assertThat(graph.status()).isEqualTo(400);
        assertThat(graph.json().get("problems").findValuesAsString("path"))
                .containsExactlyInAnyOrder("steps[1].onTimeout", "steps[1].task");
    }
}

@OnH2
class JourneyTaskOutcomeOnH2Test extends JourneyTaskOutcomeTests {}

@OnPostgres
class JourneyTaskOutcomeOnPostgresTest extends JourneyTaskOutcomeTests {}
