package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The maintenance reminder end to end on the demo brand: for three weeks the daily date check finds the demo
 * customers who bought a product that needs maintenance (a service interval, not a consumable, not returned) 12
 * months earlier, reminds them naming the product, and opens a care-call task for those who have not booked a
 * service five days later. Nobody else is reminded; nobody without consent, over the cap or in the holdout gets a
 * message, and a late check's reminders wait for the morning.
 */
@TestPropertySource(properties = "rapport.test.context=maintenance-reminder")
abstract class MaintenanceReminderPlaybookTests extends PlaybookTestBase {

    static final String[] REMINDER = {"该保养了", "is due for maintenance"};

    @Autowired
    JourneyEngine engine;

    @Test
    void should_remind_demo_customers_12_months_after_buying_a_product_that_needs_maintenance_then_call()
            throws Exception {
        clock.set(T0);
        List<String> emails = importDemo();
        install("maintenance-reminder");
        List<Bought> bought = keptPurchases(p -> !p.get("maintenance_months").isBlank()
                && Integer.parseInt(p.get("maintenance_months")) > 0 && p.get("consumable_for").isBlank());
        LocalDate first = LocalDate.ofInstant(T0, ZoneId.of("Asia/Shanghai")).plusDays(1);
        int days = 21;
        // each customer's due days within the window; those with an email and due once are checked exactly
        Map<String, Set<LocalDate>> due = new LinkedHashMap<>();
        Set<String> dueLater = new HashSet<>();
        Map<String, Set<LocalDate>> dueAll = new LinkedHashMap<>();
        Map<String, Set<LocalDate>> dueByCustomer = new LinkedHashMap<>();
        for (Bought b : bought) {
            LocalDate day = b.day().plusMonths(12);
            if (!day.isBefore(first) && day.isBefore(first.plusDays(days))) {
                due.computeIfAbsent(b.email(), k -> new HashSet<>()).add(day);
            }
            // the hourly check also runs while the clock moves on after the window
            if (!day.isBefore(first) && !day.isAfter(first.plusDays(days + 6))) {
                dueLater.add(b.email());
                dueAll.computeIfAbsent(b.email(), k -> new HashSet<>()).add(day);
                dueByCustomer.computeIfAbsent(b.customer(), k -> new HashSet<>()).add(day);
            }
        }
        List<String> once = due.entrySet().stream().filter(e -> dueAll.get(e.getKey()).size() == 1
                && emails.contains(e.getKey())).map(Map.Entry::getKey).toList();
        assertThat(once).hasSizeGreaterThanOrEqualTo(6);
        // the guards are tried on customers outside the holdout (the engine's deterministic split)
        List<String> outsideHoldout = once.stream().filter(e -> JourneyEngine.bucket("maintenance-reminder:holdout:"
                + customerByEmail(e), 100) >= 10).toList();
        String noConsent = outsideHoldout.get(0);
        // the cap is taken before a 10:00 check: someone not due on the first (late) day
        String capped = outsideHoldout.stream().skip(1).filter(e -> !due.get(e).contains(first)).findFirst()
                .orElseThrow();
        Set<String> booking = new HashSet<>(once.stream().filter(e -> !e.equals(noConsent) && !e.equals(capped)
                && due.get(e).iterator().next().plusDays(1).isBefore(first.plusDays(days))).limit(2).toList());
        noConsent(noConsent);
        List<String> atNight = due.entrySet().stream().filter(e -> e.getValue().contains(first))
                .map(Map.Entry::getKey).filter(emails::contains).toList();

        dailyDateChecks(engine, first, days, atNight, capped, due.get(capped).iterator().next(), day -> {
            for (String e : booking) {
                if (due.get(e).contains(day.minusDays(1))) { // booked the day after the reminder
                    event(e, "service_booked", clock.instant(), source + "-booked-" + e);
                }
            }
        }, REMINDER);
        clock.set(clock.instant().plus(java.time.Duration.ofDays(6)));
        awaitTimers(() -> dueTimers() == 0);

        Map<Long, Boolean> holdout = holdout("maintenance-reminder");
        Set<Long> dueCustomers = new HashSet<>();
        for (String e : due.keySet()) {
            if (!e.isEmpty()) {
                dueCustomers.add(customerByEmail(e));
            }
        }
        assertThat(holdout.keySet()).as("exactly the customers with maintenance due entered (those with an email)")
                .containsAll(dueCustomers);
        assertThat(holdout.size()).as("nobody else entered; entered but not due: " + holdout.keySet().stream()
                .filter(id -> !dueCustomers.contains(id)).map(id -> id + " " + admin().get("/api/v1/journeys/"
                        + "maintenance-reminder/instances?customerId=" + id).body()).toList() + "; due: " + due)
                .isLessThanOrEqualTo(dueByCustomer.size());
        for (String e : once) {
            boolean expected = !e.equals(noConsent) && !e.equals(capped) && !holdout.get(customerByEmail(e));
            assertThat(received(e, REMINDER)).as("reminder to " + e).isEqualTo(expected ? 1 : 0);
        }
        for (String e : emails) {
            if (!dueLater.contains(e)) {
                assertThat(received(e, REMINDER)).as("nothing due for " + e).isZero();
            }
        }
        String reminder = null;
        for (String e : once) {
            for (var m : mailTo(e)) {
                if (m.getSubject().contains(REMINDER[0])) {
                    reminder = (String) m.getContent();
                }
            }
        }
        assertThat(reminder).as("names the purchase day and product")
                .containsPattern("您在 \\d{4}-\\d{2}-\\d{2} 购买的")
                .doesNotContain("购买的家电");

        List<Long> called = new ArrayList<>();
        for (JsonNode task : admin().get("/api/v1/staff-tasks?status=open&limit=1000").json()) {
            if (task.get("journey").asString().equals("maintenance-reminder")) {
                called.add(task.get("customerId").asLong());
            }
        }
        for (String e : once) {
            long id = customerByEmail(e);
            boolean expected = !holdout.get(id) && !booking.contains(e);
            assertThat(called.contains(id)).as("care call for " + e).isEqualTo(expected);
        }
        assertThat(journeys.stats("maintenance-reminder").messages().suppressedByReason())
                .containsKey("consent-withdrawn").containsKey("frequency-cap-day");
    }
}

@OnH2
class MaintenanceReminderPlaybookOnH2Test extends MaintenanceReminderPlaybookTests {}

@OnPostgres
class MaintenanceReminderPlaybookOnPostgresTest extends MaintenanceReminderPlaybookTests {}
