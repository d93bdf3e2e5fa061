package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Journey definitions, versions, timers, holdout and splits over the real server and both databases. */
abstract class JourneyTests extends JourneyTestBase {

    @org.springframework.beans.factory.annotation.Autowired
    OrderFacts orderFacts;

    @Test
    void should_keep_an_events_plain_properties_as_entry_context_but_never_its_personal_ones() {
        assertThat(orderFacts.context("""
                {"product": "Split air conditioner", "rooms": 3, "Email": "wang@example.com", "phone": "13800138000",
                 "address": "1 Nanjing Road", "nested": {"sku": "AC-1"}}
                """)).containsExactly(Map.entry("product", "Split air conditioner"), Map.entry("rooms", "3"));
    }

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z")); // 10:00 in Shanghai
    }

    String twoSends(String first, String second, String wait) {
        return """
            {"name": "two sends", "trigger": {"type": "manual"}, "reentry": "always", "holdoutPercent": 0,
             "steps": [
               {"id": "first", "type": "send", "template": "%s"},
               {"id": "pause", "type": "wait", "duration": "%s"},
               {"id": "second", "type": "send", "template": "%s"}]}
            """.formatted(first, wait, second);
    }

    @Test
    void should_reject_invalid_definitions_naming_the_path_of_each_problem() {
        template(source + "-t", "marketing", List.of("coupon"), "码 {{coupon}}");
        String base = """
            {"name": "bad", "trigger": {"type": "manual"}, "steps": [%s]}""";
        record Case(String steps, String path, String words) {}
        List<Case> cases = List.of(
                new Case("{\"id\":\"a\",\"type\":\"wait\",\"duration\":\"PT24H\"},{\"id\":\"b\",\"type\":\"teleport\"}",
                        "steps[1].type", "unknown step type 'teleport'"),
                new Case("{\"id\":\"a\",\"type\":\"wait\",\"duration\":\"24 hours\"}", "steps[0].duration",
                        "is not a duration"),
                new Case("{\"id\":\"a\",\"type\":\"wait\",\"duration\":\"-PT1H\"}", "steps[0].duration",
                        "above zero"),
                new Case("{\"id\":\"a\",\"type\":\"send\",\"template\":\"" + source + "-t\",\"variables\":{\"coupon\":\"X\"}},"
                        + "{\"id\":\"b\",\"type\":\"branch\",\"condition\":{\"event\":\"order\"},\"then\":\"a\",\"else\":\"a\"}",
                        "steps[0]", "cycle without a wait: a -> b -> a"),
                new Case("{\"id\":\"a\",\"type\":\"send\",\"template\":\"" + source + "-t\",\"variables\":{\"coupon\":\"X\",\"cart_url\":\"u\"}}",
                        "steps[0].variables.cart_url", "declares no variable 'cart_url'"),
                new Case("{\"id\":\"a\",\"type\":\"send\",\"template\":\"" + source + "-t\"}",
                        "steps[0].variables.coupon", "needs 'coupon'"),
                new Case("{\"id\":\"a\",\"type\":\"send\",\"template\":\"nope-" + source + "\"}",
                        "steps[0].template", "unknown template"),
                new Case("{\"id\":\"a\",\"type\":\"split\",\"branches\":[{\"weight\":1,\"next\":\"a\"},{\"weight\":1,\"next\":\"zz\"}]}",
                        "steps[0].branches[1].next", "no step with id 'zz'"));
        for (Case c : cases) {
            var response = putRaw("/api/v1/journeys/" + source + "-bad", base.formatted(c.steps()));
            assertThat(response.status()).as(c.path()).isEqualTo(400);
            JsonNode body = response.json();
            assertThat(body.get("code").asString()).isEqualTo("invalid-journey");
            assertThat(body.get("field").asString()).as(body.toString()).isEqualTo(c.path());
            assertThat(body.get("detail").asString()).contains(c.words());
        }
        var badTrigger = putRaw("/api/v1/journeys/" + source + "-bad",
                "{\"name\":\"x\",\"trigger\":{\"type\":\"absence\",\"event\":\"cart_add\",\"missing\":\"order\",\"within\":\"soon\"},"
                        + "\"steps\":[{\"id\":\"a\",\"type\":\"exit\"}]}");
        assertThat(badTrigger.json().get("field").asString()).isEqualTo("trigger.within");
        assertThat(admin().get("/api/v1/journeys/" + source + "-bad").status()).isEqualTo(404);
    }

    io.rapport.testing.Http.Response putRaw(String path, String json) {
        return admin().putJson(path, tools.jackson.databind.json.JsonMapper.builder().build().readTree(json));
    }

    @Test
    void should_keep_customers_inside_on_their_version_when_a_live_journey_is_edited() throws Exception {
        List<Long> ids = customers(2);
        template(source + "-a", "service", List.of(), "A");
        template(source + "-b", "service", List.of(), "B");
        template(source + "-c", "service", List.of(), "C");
        String code = source + "-v";
        saveJourney(code, twoSends(source + "-a", source + "-b", "PT2H"));
        admin().postJson("/api/v1/journeys/" + code + "/status", Map.of("status", "active"));
        enrol(code, ids.get(0), "1");
        saveJourney(code, twoSends(source + "-a", source + "-c", "PT2H"));
        assertThat(journeys.head(code).version()).isEqualTo(2);
        enrol(code, ids.get(1), "1");
        outbox.dispatchDue();
        assertThat(mailTo(email(0))).hasSize(1);
        assertThat(mailTo(email(1))).hasSize(1);

        advance(Duration.ofHours(2), () -> dueTimers() == 0
                && journeys.stats(code).byStatus().get("completed") == 2);
        outbox.dispatchDue();
        assertThat(((String) mailTo(email(0)).get(1).getContent()).strip()).isEqualTo("B");
        assertThat(((String) mailTo(email(1)).get(1).getContent()).strip()).isEqualTo("C");
        var instances = admin().get("/api/v1/journeys/" + code + "/instances").json();
        assertThat(instances.findValuesAsString("version")).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void should_not_run_a_timer_before_it_is_due_and_run_it_once_when_it_is() throws Exception {
        long customer = customers(1).getFirst();
        template(source + "-a", "service", List.of(), "first");
        template(source + "-b", "service", List.of(), "second");
        String code = source + "-t";
        saveJourney(code, twoSends(source + "-a", source + "-b", "P3D"));
        journeys.setStatus(code, "active");
        enrol(code, customer, "1");
        assertThat(enrol(code, customer, "1").get("enrolled").asBoolean()).as("same key again").isFalse();

        clock.advance(Duration.ofDays(3).minusMinutes(1));
        timers.checkNow();
        Thread.sleep(500); // let a wrongly due timer have its chance: nothing may happen
        assertThat(journeys.stats(code).byStatus().get("active")).isEqualTo(1);
        advance(Duration.ofMinutes(1), () -> journeys.stats(code).byStatus().get("completed") == 1);
        outbox.dispatchDue();
        assertThat(mailTo(email(0))).hasSize(2);
        assertThat(journeys.stats(code).byStep()).containsEntry("first", 1L).containsEntry("pause", 1L)
                .containsEntry("second", 1L);
    }

    @Test
    void should_split_and_hold_out_deterministically_per_customer() {
        List<Long> ids = customers(60);
        template(source + "-a", "service", List.of(), "A");
        template(source + "-b", "service", List.of(), "B");
        String code = source + "-s";
        saveJourney(code, """
            {"name": "split", "trigger": {"type": "manual"}, "reentry": "always", "holdoutPercent": 20,
             "steps": [
               {"id": "ab", "type": "split", "branches": [{"weight": 1, "next": "a"}, {"weight": 1, "next": "b"}]},
               {"id": "a", "type": "send", "template": "%s", "next": "end"},
               {"id": "b", "type": "send", "template": "%s"},
               {"id": "end", "type": "exit"}]}
            """.formatted(source + "-a", source + "-b"));
        journeys.setStatus(code, "active");
        for (long id : ids) {
            enrol(code, id, "first");
        }
        var first = admin().get("/api/v1/journeys/" + code + "/instances?limit=1000").json();
        Map<Long, Boolean> holdout = new java.util.HashMap<>();
        first.forEach(i -> holdout.put(i.get("customerId").asLong(), i.get("holdout").asBoolean()));
        long held = holdout.values().stream().filter(h -> h).count();
        assertThat(held).as("about 20%% of 60").isBetween(3L, 24L);
        var stats = journeys.stats(code);
        assertThat(stats.byStep().get("a") + stats.byStep().get("b")).isEqualTo(60 - held);
        assertThat(stats.byStep().get("a")).as("both arms used").isPositive();
        assertThat(stats.byStep().get("b")).isPositive();
        // the holdout customers got nothing
        for (var i : first) {
            if (i.get("holdout").asBoolean()) {
                assertThat(outbox.list(java.util.Optional.empty(), java.util.Optional.of("journey:" + code), 500))
                        .noneMatch(e -> e.customerId() == i.get("customerId").asLong());
            }
        }
        // enrolling everyone again (a new entry key) puts each customer in the same group and the same arm
        Map<Long, String> arm = new java.util.HashMap<>();
        outbox.list(java.util.Optional.empty(), java.util.Optional.of("journey:" + code), 500)
                .forEach(e -> arm.put(e.customerId(), e.template()));
        for (long id : ids) {
            enrol(code, id, "second");
        }
        var all = admin().get("/api/v1/journeys/" + code + "/instances?limit=1000").json();
        all.forEach(i -> assertThat(i.get("holdout").asBoolean()).isEqualTo(holdout.get(i.get("customerId").asLong())));
        outbox.list(java.util.Optional.empty(), java.util.Optional.of("journey:" + code), 500)
                .forEach(e -> assertThat(e.template()).isEqualTo(arm.get(e.customerId())));
    }

    @Test
    void should_greet_customers_seven_days_before_their_birthday_once_a_year() throws Exception {
        List<Long> ids = customers(2, "1985-11-29");
        template(source + "-bday", "marketing", List.of(), "生日快乐 {{customer.name}}");
        String code = source + "-birthday";
        saveJourney(code, """
            {"name": "birthday", "trigger": {"type": "date", "field": "birthday", "offsetDays": -7, "at": "10:00"},
             "holdoutPercent": 0, "reentry": {"oncePer": "P300D"},
             "steps": [{"id": "greet", "type": "send", "template": "%s"}]}
            """.formatted(source + "-bday"));
        journeys.setStatus(code, "active");
        clock.set(Instant.parse("2026-11-22T01:00:00Z")); // 09:00 on 22 November in Shanghai: before 'at'
        engine.runDateTriggers();
        assertThat(journeys.stats(code).treatment().entered()).isZero();
        clock.set(Instant.parse("2026-11-22T02:30:00Z"));
        engine.runDateTriggers();
        engine.runDateTriggers();
        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(2);
        outbox.dispatchDue();
        assertThat(mailTo(email(0))).hasSize(1);
        assertThat(mailTo(email(1))).hasSize(1);
    }

    @Test
    void should_store_the_event_and_go_on_when_a_template_changed_under_a_live_journey() throws Exception {
        long customer = customers(1).getFirst();
        template(source + "-soft", "service", List.of("v"), "值 {{v|默认}}");
        template(source + "-next", "service", List.of(), "下一步");
        String code = source + "-e";
        String type = "t" + source.substring(1, 9);
        saveJourney(code, """
            {"name": "event", "trigger": {"type": "event", "event": "%s"}, "holdoutPercent": 0,
             "steps": [{"id": "first", "type": "send", "template": "%s"},
                       {"id": "second", "type": "send", "template": "%s"}]}
            """.formatted(type, source + "-soft", source + "-next"));
        journeys.setStatus(code, "active");
        template(source + "-soft", "service", List.of("v"), "值 {{v}}"); // now requires v, which the step lacks

        event(email(0), type, clock.instant(), source + "-ev");

        assertThat(journeys.stats(code).byStatus().get("completed")).isEqualTo(1);
        outbox.dispatchDue();
        assertThat(mailTo(email(0))).extracting(m -> ((String) m.getContent()).strip()).containsExactly("下一步");
        assertThat(db.fetchCount(org.jooq.impl.DSL.table("journey_step_log"),
                org.jooq.impl.DSL.field("outcome").eq("failed:missing-variable"))).isEqualTo(1);
    }

    @org.springframework.beans.factory.annotation.Autowired
    JourneyEngine engine;
}

@OnH2
class JourneyOnH2Test extends JourneyTests {}

@OnPostgres
class JourneyOnPostgresTest extends JourneyTests {}
