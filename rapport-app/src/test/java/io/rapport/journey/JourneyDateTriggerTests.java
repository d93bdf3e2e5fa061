package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Date triggers: birthdays and what follows a purchase by months (maintenance due every interval, warranty end),
 * reached at the trigger's local time in each customer's own time zone, once per occasion.
 */
abstract class JourneyDateTriggerTests extends JourneyTestBase {

    @Autowired
    JourneyEngine engine;

    /**
     * A date trigger enrols every customer of the shared test database whose day it is: pause the date journeys
     * other test classes left active (the demo's birthday playbook), so only this test's journeys write.
     */
    @BeforeEach
    void pauseOtherDateJourneys() {
        for (var j : journeys.active()) {
            if (j.getValue().trigger().type().equals("date")) {
                journeys.setStatus(j.getKey().code(), "paused");
            }
        }
    }

    String email(String who) {
        return source + "-" + who + "@example.com";
    }

    /** Customers by name with their time zone and birthday (empty for none). */
    void customers(String... nameZoneBirthday) {
        StringBuilder csv = new StringBuilder("customer_id,name,email,time_zone,birthday\n");
        for (String c : nameZoneBirthday) {
            String[] p = c.split(" ", -1);
            csv.append(source).append('-').append(p[0]).append(',').append(p[0]).append(',').append(email(p[0]))
                    .append(',').append(p[1]).append(',').append(p.length > 2 ? p[2] : "").append('\n');
        }
        var response = importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isLessThan(300);
    }

    /** A product per row: sku, maintenance months, warranty months, consumable-for; in this test's category. */
    void products(String... rows) {
        StringBuilder csv = new StringBuilder(DemoDataFiles.PRODUCTS_HEADER + "\n");
        for (String row : rows) {
            String[] p = row.split(" ", -1);
            csv.append(p[0]).append(",Product ").append(p[0]).append(',').append(source).append(",999.00,CNY,")
                    .append(p[1])
                    .append(',').append(p[2]).append(',').append(p.length > 3 ? p[3] : "").append('\n');
        }
        var response = importFile("products", "native", "p.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isLessThan(300);
    }

    /** An order line: order id, customer, time, sku, kind (sale, return) and the order a return undoes. */
    void orderLine(String orderId, String who, String at, String sku, String kind, String original) {
        String csv = "order_id,line_no,customer_id,email,channel,ordered_at,sku,quantity,unit_price,currency,kind,"
                + "original_order_id\n" + orderId + ",1," + source + "-" + who + "," + email(who) + ",shop," + at
                + "," + sku + ",1,999.00,CNY," + kind + "," + original + "\n";
        var response = importFile("orders", "native", "o.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(response.json().get("rejected").asLong()).as(response.body()).isZero();
    }

    void journey(String code, String trigger, String template) {
        saveJourney(code, """
            {"name": "%s", "trigger": %s, "reentry": "always", "holdoutPercent": 0,
             "steps": [{"id": "say", "type": "send", "template": "%s"}]}
            """.formatted(code, trigger, template));
        journeys.setStatus(code, "active");
    }

    long entered(String code) {
        return journeys.stats(code).treatment().entered();
    }

    List<String> bodies(String who) throws Exception {
        outbox.dispatchDue();
        List<String> bodies = new java.util.ArrayList<>();
        for (MimeMessage m : mailTo(email(who))) {
            bodies.add(((String) m.getContent()).lines().findFirst().orElse("").strip()); // above the footer
        }
        return bodies;
    }

    @Test
    void should_remind_every_12_months_after_buying_a_product_that_needs_maintenance_in_each_customers_zone()
            throws Exception {
        String ac = source + "-AC";
        String filter = source + "-FLT";
        products(ac + " 6 72", filter + " 6 0 air_conditioner");
        customers("sh Asia/Shanghai", "ny America/New_York", "back Asia/Shanghai", "consumable Asia/Shanghai",
                "later Asia/Shanghai");
        orderLine(source + "-1", "sh", "2025-03-10T04:00:00Z", ac, "sale", "");
        orderLine(source + "-2", "ny", "2025-03-10T04:00:00Z", ac, "sale", "");
        orderLine(source + "-3", "back", "2025-03-10T04:00:00Z", ac, "sale", "");
        orderLine(source + "-3r", "back", "2025-03-12T04:00:00Z", ac, "return", source + "-3");
        orderLine(source + "-4", "consumable", "2025-03-10T04:00:00Z", filter, "sale", "");
        orderLine(source + "-5", "later", "2025-03-11T04:00:00Z", ac, "sale", "");
        template(source + "-care", "marketing", List.of("product", "purchased_on"),
                "保养 {{product|家电}} {{purchased_on|?}}");
        String code = source + "-maintenance";
        journey(code, """
            {"type": "date", "field": "maintenance-due", "everyMonths": 12, "at": "10:00",
             "filter": {"category": "%s"}}
            """.formatted(source), source + "-care");

        clock.set(Instant.parse("2026-03-10T01:00:00Z")); // 09:00 in Shanghai, 21:00 the day before in New York
        assertThat(engine.runDateTriggers()).isZero();
        clock.set(Instant.parse("2026-03-10T02:30:00Z")); // 10:30 in Shanghai
        assertThat(engine.runDateTriggers()).isEqualTo(1);
        assertThat(engine.runDateTriggers()).as("the same occasion enters once").isZero();
        assertThat(bodies("sh")).containsExactly("保养 Product " + ac + " 2025-03-10");
        assertThat(bodies("back")).as("the product was returned").isEmpty();
        assertThat(bodies("consumable")).as("a consumable's cycle is no maintenance").isEmpty();
        assertThat(bodies("later")).as("bought a day later: due tomorrow").isEmpty();
        assertThat(bodies("ny")).as("not yet 10:00 in New York").isEmpty();

        clock.set(Instant.parse("2026-03-10T14:30:00Z")); // 10:30 in New York (EDT)
        assertThat(engine.runDateTriggers()).isEqualTo(1);
        assertThat(bodies("ny")).containsExactly("保养 Product " + ac + " 2025-03-10");

        clock.set(Instant.parse("2026-09-10T02:30:00Z")); // six months on: the product's own interval is overridden
        assertThat(engine.runDateTriggers()).isZero();
        clock.set(Instant.parse("2027-03-10T02:30:00Z")); // and again 12 months later
        assertThat(engine.runDateTriggers()).isEqualTo(1);
        assertThat(bodies("sh")).hasSize(2);
        assertThat(entered(code)).isEqualTo(3);
    }

    @Test
    void should_send_one_maintenance_reminder_naming_both_products_due_the_same_day() throws Exception {
        String ac = source + "-AC";
        String purifier = source + "-WP";
        products(ac + " 12 72", purifier + " 12 24");
        customers("two Asia/Shanghai", "one Asia/Shanghai");
        orderLine(source + "-1", "two", "2025-03-10T03:00:00Z", ac, "sale", "");
        orderLine(source + "-2", "two", "2025-03-10T06:00:00Z", purifier, "sale", "");
        orderLine(source + "-3", "one", "2025-03-10T03:00:00Z", ac, "sale", "");
        template(source + "-care2", "marketing", List.of("product", "products"),
                "保养 {{product|家电}} ({{products|1}})");
        String code = source + "-maintenance-two";
        journey(code, """
            {"type": "date", "field": "maintenance-due", "at": "10:00", "filter": {"category": "%s"}}
            """.formatted(source), source + "-care2");

        clock.set(Instant.parse("2026-03-10T02:30:00Z")); // 10:30 in Shanghai
        assertThat(engine.runDateTriggers()).as("one entry per customer").isEqualTo(2);
        clock.set(Instant.parse("2026-03-10T03:30:00Z")); // the next hourly check: the same occasions, entered
        assertThat(engine.runDateTriggers()).isZero();
        List<String> reminders = bodies("two");
        assertThat(reminders).hasSize(1);
        assertThat(reminders.getFirst()).contains("Product " + ac).contains("Product " + purifier).endsWith("(2)");
        assertThat(bodies("one")).containsExactly("保养 Product " + ac + " (1)");
        assertThat(entered(code)).isEqualTo(2);
    }

    @Test
    void should_offer_extended_service_30_days_before_the_warranty_ends() throws Exception {
        String tv = source + "-TV";
        String ac = source + "-AC";
        products(tv + " 0 12", ac + " 12 72");
        customers("tv Asia/Shanghai", "ac Asia/Shanghai");
        orderLine(source + "-1", "tv", "2025-04-09T04:00:00Z", tv, "sale", "");
        orderLine(source + "-2", "ac", "2025-04-09T04:00:00Z", ac, "sale", "");
        template(source + "-warranty", "marketing", List.of("product", "warranty_ends_on"),
                "延保 {{product|?}} {{warranty_ends_on|?}}");
        String code = source + "-warranty";
        journey(code, """
            {"type": "date", "field": "warranty-end", "offsetDays": -30, "at": "10:00",
             "filter": {"category": "%s"}}
            """.formatted(source), source + "-warranty");
        clock.set(Instant.parse("2026-03-09T02:30:00Z"));
        engine.runDateTriggers();
        assertThat(bodies("tv")).isEmpty();
        clock.set(Instant.parse("2026-03-10T02:30:00Z")); // 30 days before 9 April 2026
        engine.runDateTriggers();
        assertThat(bodies("tv")).containsExactly("延保 Product " + tv + " 2026-04-09");
        assertThat(bodies("ac")).as("its warranty runs 72 months").isEmpty();
        clock.set(Instant.parse("2026-03-11T02:30:00Z"));
        engine.runDateTriggers();
        assertThat(bodies("tv")).hasSize(1);
    }

    @Test
    void should_greet_birthdays_at_ten_in_the_customers_own_zone() throws Exception {
        customers("sh Asia/Shanghai 1985-03-17", "ny America/New_York 1990-03-17", "other Asia/Shanghai 1990-03-18");
        template(source + "-bday", "marketing", List.of(), "生日快乐");
        String code = source + "-birthday";
        journey(code, """
            {"type": "date", "field": "birthday", "offsetDays": -7, "at": "10:00"}
            """, source + "-bday");
        clock.set(Instant.parse("2026-03-10T02:30:00Z"));
        engine.runDateTriggers();
        assertThat(bodies("sh")).hasSize(1);
        assertThat(bodies("ny")).isEmpty();
        assertThat(bodies("other")).isEmpty();
        clock.set(Instant.parse("2026-03-10T14:30:00Z"));
        engine.runDateTriggers();
        assertThat(bodies("ny")).hasSize(1);
        assertThat(bodies("sh")).hasSize(1);
    }

    @Test
    void should_count_months_from_the_end_of_a_longer_month_to_the_end_of_a_shorter_one() {
        assertThat(DateOccasions.monthsBefore(LocalDate.of(2026, 2, 28), 1)).containsExactly(
                LocalDate.of(2026, 1, 28), LocalDate.of(2026, 1, 29), LocalDate.of(2026, 1, 30),
                LocalDate.of(2026, 1, 31));
        assertThat(DateOccasions.monthsBefore(LocalDate.of(2026, 3, 30), 1)).as("no February day + 1 month")
                .isEmpty();
        assertThat(DateOccasions.monthsBefore(LocalDate.of(2025, 2, 28), 12)).containsExactly(
                LocalDate.of(2024, 2, 28), LocalDate.of(2024, 2, 29));
        assertThat(DateOccasions.monthsBefore(LocalDate.of(2026, 3, 10), 12)).containsExactly(
                LocalDate.of(2025, 3, 10));
    }

    @Test
    void should_reject_date_triggers_and_conditions_it_cannot_run() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
            {"name": "bad", "trigger": {"type": "date", "field": "warranty-end", "everyMonths": 12},
             "steps": [{"id": "why", "type": "branch", "condition": {"churnReason": "weather"}, "then": "end"},
                       {"id": "who", "type": "branch", "condition": {"loyalty": "vip"}, "then": "end"},
                       {"id": "end", "type": "exit"}]}
            """));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("invalid-journey");
        assertThat(response.json().get("field").asString()).isEqualTo("trigger.everyMonths");
        assertThat(response.json().get("problems").findValuesAsString("path")).containsExactly("trigger.everyMonths",
                "steps[0].condition.churnReason", "steps[1].condition.loyalty");
        var unknown = admin().putJson("/api/v1/journeys/" + source + "-bad", Map.of("name", "bad",
                "trigger", Map.of("type", "date", "field", "anniversary"),
                "steps", List.of(Map.of("id", "end", "type", "exit"))));
        assertThat(unknown.json().get("field").asString()).isEqualTo("trigger.field");
    }
}

@OnH2
class JourneyDateTriggerOnH2Test extends JourneyDateTriggerTests {}

@OnPostgres
class JourneyDateTriggerOnPostgresTest extends JourneyDateTriggerTests {}
