package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * Waits until a local time of day in the customer's time zone (across a daylight-saving change), until the
 * customer's best send time (the segment module's {@code best_send_hour} tag, else the configured default), and
 * until an event with a timeout branch. They are the instance's ordinary durable timers (see JourneyKillTests).
 */
abstract class JourneyWaitTests extends JourneyTestBase {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    long customer(String email, String zone) {
        String csv = "customer_id,name,email,time_zone\n" + email + ",客户," + email + "," + zone + "\n";
        var response = importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isLessThan(300);
        return customerByEmail(email);
    }

    OffsetDateTime waitingUntil(String code, long customerId) {
        return db.select(DSL.field("i.waiting_until", OffsetDateTime.class))
                .from(DSL.table("journey_instance").as("i")).join(DSL.table("journey").as("j"))
                .on(DSL.field("j.id").eq(DSL.field("i.journey_id")))
                .where(DSL.field("j.code").eq(code)).and(DSL.field("i.customer_id").eq(customerId))
                .fetchOne().value1();
    }

    void enrolNow(String code, long customerId) {
        var response = admin().postJson("/api/v1/journeys/" + code + "/enrolments",
                Map.of("customerId", customerId, "key", "k"));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    void waitThenSend(String code, String wait) {
        template(code + "-t", "marketing", List.of(), "早上好");
        saveJourney(code, """
            {"name": "wait", "trigger": {"type": "manual"}, "holdoutPercent": 0, "reentry": "always",
             "steps": [%s, {"id": "hello", "type": "send", "template": "%s"}]}
            """.formatted(wait, code + "-t"));
        journeys.setStatus(code, "active");
    }

    @Test
    void should_find_the_next_local_time_of_day_across_daylight_saving_changes() {
        // New York springs forward on 8 March 2026 (02:00 EST -> 03:00 EDT) and falls back on 1 November
        Instant saturday = Instant.parse("2026-03-07T15:00:00Z"); // 10:00 EST
        assertThat(JourneyEngine.nextLocal(saturday, LocalTime.of(9, 30), NEW_YORK))
                .isEqualTo(Instant.parse("2026-03-08T13:30:00Z")); // 09:30 EDT, one hour less than the day before
        assertThat(JourneyEngine.nextLocal(saturday, LocalTime.of(11, 0), NEW_YORK))
                .isEqualTo(Instant.parse("2026-03-07T16:00:00Z")); // later today
        assertThat(JourneyEngine.nextLocal(saturday, LocalTime.of(2, 30), NEW_YORK))
                .as("02:30 does not exist that night: the same wall time after the shift")
                .isEqualTo(Instant.parse("2026-03-08T07:30:00Z"));
        assertThat(JourneyEngine.nextLocal(Instant.parse("2026-10-31T12:00:00Z"), LocalTime.of(1, 30), NEW_YORK))
                .as("01:30 happens twice on 1 November: the first")
                .isEqualTo(Instant.parse("2026-11-01T05:30:00Z"));
        assertThat(JourneyEngine.nextLocal(saturday, LocalTime.of(10, 0), NEW_YORK)).as("now is at or after")
                .isEqualTo(saturday);
    }

    @Test
    void should_wait_until_the_local_time_of_day_in_each_customers_own_time_zone() throws Exception {
        clock.set(Instant.parse("2026-03-07T15:00:00Z")); // Saturday 10:00 in New York, 23:00 in Shanghai
        String ny = source + "-ny@example.com";
        String sh = source + "-sh@example.com";
        long newYorker = customer(ny, "America/New_York");
        long shanghai = customer(sh, "Asia/Shanghai");
        String code = source + "-tod";
        waitThenSend(code, """
            {"id": "morning", "type": "wait", "until": "09:30"}""");

        enrolNow(code, newYorker);
        enrolNow(code, shanghai);

        assertThat(waitingUntil(code, newYorker).toInstant()).isEqualTo(Instant.parse("2026-03-08T13:30:00Z"));
        assertThat(waitingUntil(code, shanghai).toInstant()).isEqualTo(Instant.parse("2026-03-08T01:30:00Z"));
        clock.set(Instant.parse("2026-03-08T01:30:00Z"));
        awaitTimers(() -> dueTimers() == 0);
        outbox.dispatchDue();
        assertThat(mailTo(sh)).hasSize(1);
        assertThat(mailTo(ny)).isEmpty();
        clock.set(Instant.parse("2026-03-08T13:29:00Z"));
        awaitTimers(() -> dueTimers() == 0);
        outbox.dispatchDue();
        assertThat(mailTo(ny)).isEmpty();
        advance(Duration.ofMinutes(1), () -> dueTimers() == 0);
        outbox.dispatchDue();
        assertThat(mailTo(ny)).hasSize(1);
    }

    @Test
    void should_wait_until_the_best_send_hour_tag_and_else_the_default_send_time() throws Exception {
        clock.set(Instant.parse("2026-03-11T04:00:00Z")); // Wednesday 12:00 in Shanghai
        String engaged = source + "-engaged@example.com";
        long reader = customer(engaged, "Asia/Shanghai");
        for (int i = 0; i < 3; i++) { // opens mails on Wednesdays around 20:00 Shanghai
            event(engaged, "message_open", Instant.parse("2026-03-04T12:10:00Z").minus(Duration.ofDays(7L * i)),
                    source + "-open-" + i);
        }
        assertThat(admin().postJson("/api/v1/tags/compute", Map.of()).status()).isEqualTo(200);
        String fresh = source + "-fresh@example.com";
        long newcomer = customer(fresh, "Europe/Berlin"); // no tag yet: the default 10:00 in Berlin
        String code = source + "-best";
        waitThenSend(code, """
            {"id": "best", "type": "wait", "until": "best-send-time"}""");

        enrolNow(code, reader);
        enrolNow(code, newcomer);

        assertThat(waitingUntil(code, reader).toInstant()).as("20:00 Shanghai")
                .isEqualTo(Instant.parse("2026-03-11T12:00:00Z"));
        assertThat(waitingUntil(code, newcomer).toInstant()).as("10:00 Berlin (05:00 there now)")
                .isEqualTo(Instant.parse("2026-03-11T09:00:00Z"));
        advance(Duration.ofHours(5), () -> dueTimers() == 0);
        outbox.dispatchDue();
        assertThat(mailTo(fresh)).hasSize(1);
        assertThat(mailTo(engaged)).isEmpty();
        advance(Duration.ofHours(3), () -> dueTimers() == 0);
        outbox.dispatchDue();
        assertThat(mailTo(engaged)).hasSize(1);
    }

    @Test
    void should_go_on_when_the_awaited_event_comes_and_take_the_timeout_branch_when_it_does_not() throws Exception {
        clock.set(Instant.parse("2026-03-10T02:00:00Z")); // 10:00 in Shanghai
        String buyer = source + "-buyer@example.com";
        String idle = source + "-idle@example.com";
        long b = customer(buyer, "Asia/Shanghai");
        long i = customer(idle, "Asia/Shanghai");
        String code = source + "-await";
        template(code + "-thanks", "marketing", List.of(), "谢谢惠顾");
        template(code + "-nudge", "marketing", List.of(), "还在考虑吗");
        saveJourney(code, """
            {"name": "await", "trigger": {"type": "manual"}, "holdoutPercent": 0, "reentry": "always",
             "steps": [{"id": "await", "type": "wait", "event": "order", "timeout": "P3D",
                        "then": "thanks", "else": "nudge"},
                       {"id": "thanks", "type": "send", "template": "%s", "next": "done"},
                       {"id": "nudge", "type": "send", "template": "%s"},
                       {"id": "done", "type": "exit"}]}
            """.formatted(code + "-thanks", code + "-nudge"));
        journeys.setStatus(code, "active");
        enrolNow(code, b);
        enrolNow(code, i);

        clock.advance(Duration.ofDays(1));
        order(buyer, source + "-o1", clock.instant(), "SKU-1");
        outbox.dispatchDue();
        assertThat(mailTo(buyer)).extracting(m -> ((String) m.getContent()).lines().findFirst().orElse("")).containsExactly("谢谢惠顾");
        assertThat(mailTo(idle)).isEmpty();

        advance(Duration.ofDays(2), () -> dueTimers() == 0); // the timeout: both timers are due
        outbox.dispatchDue();
        assertThat(mailTo(idle)).extracting(m -> ((String) m.getContent()).lines().findFirst().orElse("")).containsExactly("还在考虑吗");
        assertThat(mailTo(buyer)).as("the buyer's timeout finds them moved on").hasSize(1);
        assertThat(journeys.stats(code).byStatus().get("completed")).isEqualTo(2);
    }

    @Test
    void should_reject_a_wait_until_something_that_is_not_a_time_of_day() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-badwait",
                tools.jackson.databind.json.JsonMapper.builder().build().readTree("""
                    {"name": "x", "trigger": {"type": "manual"},
                     "steps": [{"id": "w", "type": "wait", "until": "teatime"},
                               {"id": "v", "type": "wait", "event": "order"}]}"""));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("steps[0].until").contains("steps[1].timeout");
    }
}

@OnH2
class JourneyWaitOnH2Test extends JourneyWaitTests {}

@OnPostgres
class JourneyWaitOnPostgresTest extends JourneyWaitTests {}
