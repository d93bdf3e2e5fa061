package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The warranty-ending playbook end to end on the demo brand: for six weeks the daily date check finds the demo
 * customers whose kept purchase's warranty (purchase day plus the product's warranty months) ends in 30 days, sends
 * the extended-service offer naming the product and the end date, and a last call two weeks later unless they
 * ordered. Nobody else gets an offer; nobody without consent, over the cap or in the holdout, and a late check's
 * offers wait for the morning.
 */
@TestPropertySource(properties = "rapport.test.context=warranty-ending")
abstract class WarrantyEndingPlaybookTests extends PlaybookTestBase {

    static final String[] OFFER = {"保修即将到期", "the warranty of your"};
    static final String[] LAST_CALL = {"延保优惠即将结束", "extended-warranty offer ends soon"};

    @Autowired
    JourneyEngine engine;

    int offers(String email) throws Exception {
        return received(email, OFFER);
    }

    @Test
    void should_offer_extended_service_30_days_before_the_warranty_of_a_demo_purchase_ends() throws Exception {
        clock.set(T0);
        List<String> emails = importDemo();
        String sku = sku();
        install("warranty-ending");
        Map<String, Integer> warranty = new java.util.HashMap<>();
        rows(io.rapport.analytics.synthetic.DemoDataFiles.PRODUCTS).forEach(p -> warranty.put(p.get("sku"),
                p.get("warranty_months").isBlank() ? 0 : Integer.parseInt(p.get("warranty_months"))));
        List<Bought> bought = keptPurchases(p -> !p.get("warranty_months").isBlank()
                && Integer.parseInt(p.get("warranty_months")) > 0 && p.get("consumable_for").isBlank());
        LocalDate first = LocalDate.ofInstant(T0, ZoneId.of("Asia/Shanghai")).plusDays(1);
        int days = 42;
        Map<String, Set<LocalDate>> due = new LinkedHashMap<>();
        Set<String> dueLater = new HashSet<>();
        Map<String, Set<LocalDate>> dueAll = new LinkedHashMap<>();
        Set<String> dueCustomers = new HashSet<>();
        for (Bought b : bought) {
            LocalDate day = b.day().plusMonths(warranty.get(b.sku())).minusDays(30);
            if (!day.isBefore(first) && day.isBefore(first.plusDays(days))) {
                due.computeIfAbsent(b.email(), k -> new HashSet<>()).add(day);
            }
            // the hourly check also runs while the clock moves on after the window
            if (!day.isBefore(first) && !day.isAfter(first.plusDays(days + 15))) {
                dueLater.add(b.email());
                dueAll.computeIfAbsent(b.email(), k -> new HashSet<>()).add(day);
                dueCustomers.add(b.customer());
            }
        }
        List<String> once = due.entrySet().stream().filter(e -> dueAll.get(e.getKey()).size() == 1
                && emails.contains(e.getKey())).map(Map.Entry::getKey).toList();
        assertThat(once).hasSizeGreaterThanOrEqualTo(5);
        // the guards are tried on customers outside the holdout (the engine's deterministic split)
        List<String> outsideHoldout = once.stream().filter(e -> JourneyEngine.bucket("warranty-ending:holdout:"
                + customerByEmail(e), 100) >= 10).toList();
        String noConsent = outsideHoldout.get(0);
        String capped = outsideHoldout.stream().skip(1).filter(e -> !due.get(e).contains(first)).findFirst()
                .orElseThrow();
        Set<String> ordering = new HashSet<>(once.stream().filter(e -> !e.equals(noConsent) && !e.equals(capped)
                && due.get(e).iterator().next().plusDays(3).isBefore(first.plusDays(days))).limit(2).toList());
        noConsent(noConsent);
        List<String> atNight = due.entrySet().stream().filter(e -> e.getValue().contains(first))
                .map(Map.Entry::getKey).filter(emails::contains).toList();

        dailyDateChecks(engine, first, days, atNight, capped, due.get(capped).iterator().next(), day -> {
            for (String e : ordering) {
                if (due.get(e).contains(day.minusDays(3))) { // bought the extended warranty three days later
                    order(e, source + "-ew-" + e, clock.instant(), sku);
                }
            }
        }, OFFER);
        clock.set(clock.instant().plus(Duration.ofDays(15)));
        awaitTimers(() -> dueTimers() == 0);
        outbox.dispatchDue();

        Map<Long, Boolean> holdout = holdout("warranty-ending");
        assertThat(holdout.size()).as("nobody else entered").isLessThanOrEqualTo(dueCustomers.size());
        for (String e : once) {
            long id = customerByEmail(e);
            boolean treated = !holdout.get(id);
            boolean offered = treated && !e.equals(noConsent) && !e.equals(capped);
            assertThat(offers(e)).as("offer to " + e).isEqualTo(offered ? 1 : 0);
            boolean lastCall = treated && !e.equals(noConsent) && !ordering.contains(e);
            assertThat(received(e, LAST_CALL)).as("last call to " + e).isEqualTo(lastCall ? 1 : 0);
        }
        for (String e : emails) {
            if (!dueLater.contains(e)) {
                assertThat(received(e, OFFER)).as("no warranty ending for " + e).isZero();
            }
        }
        String offer = null;
        for (String e : once) {
            for (var m : mailTo(e)) {
                if (m.getSubject().contains(OFFER[0])) {
                    offer = (String) m.getContent();
                }
            }
        }
        assertThat(offer).as("an offer names the end date").containsPattern("保修将于 \\d{4}-\\d{2}-\\d{2} 到期");
        assertThat(journeys.stats("warranty-ending").messages().suppressedByReason())
                .containsKey("consent-withdrawn").containsKey("frequency-cap-day");
    }
}

@OnH2
class WarrantyEndingPlaybookOnH2Test extends WarrantyEndingPlaybookTests {}

@OnPostgres
class WarrantyEndingPlaybookOnPostgresTest extends WarrantyEndingPlaybookTests {}
