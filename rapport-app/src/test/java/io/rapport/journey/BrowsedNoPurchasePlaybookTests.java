package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The browsed-without-buying playbook end to end on the demo brand: demo customers view products, some add to the
 * cart or order within 24 h, the clock moves on; the coupons GreenMail actually received are checked customer by
 * customer, including those who must get nothing (cart or order in time, no consent, over the cap, in the holdout)
 * and the late-evening browsers whose coupon waits for the morning.
 */
// the playbook reacts to every product view in the database: this class gets a database of its own
@TestPropertySource(properties = "rapport.test.context=browsed-no-purchase")
abstract class BrowsedNoPurchasePlaybookTests extends PlaybookTestBase {

    static final String CODE = "browsed-no-purchase";

    int coupons(String email) throws Exception {
        return bodies(email).size();
    }

    /** The coupon emails' bodies (the shared code: the playbook's reward is left withdrawn here). */
    List<String> bodies(String email) throws Exception {
        List<String> bodies = new java.util.ArrayList<>();
        for (MimeMessage m : mailTo(email)) {
            if (((String) m.getContent()).contains("LOOK10")) {
                bodies.add((String) m.getContent());
            }
        }
        return bodies;
    }

    void view(String email, String sku, Instant at, String id) {
        var response = admin().postJson("/api/v1/events", Map.of("external_id", id, "source", source,
                "type", "product_view", "occurred_at", at.toString(), "email", email,
                "properties", Map.of("sku", sku, "category", "water_purifier")));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void should_send_a_coupon_to_demo_customers_who_browsed_without_cart_or_order_within_24_hours() throws Exception {
        clock.set(T0);
        List<String> emails = importDemo().subList(0, 33);
        String sku = sku();
        String productName = rows(io.rapport.analytics.synthetic.DemoDataFiles.PRODUCTS).getFirst().get("name");
        install(CODE);

        Set<Integer> cartInTime = Set.of(0, 1);
        Set<Integer> orderedInTime = Set.of(2, 3, 4);
        Set<Integer> noConsent = Set.of(5, 6, 7);
        int capped = 8;
        int viewedTwice = 9;
        Set<Integer> lateEvening = Set.of(30, 31, 32);
        noConsent.forEach(i -> noConsent(emails.get(i)));
        for (int i = 0; i < 30; i++) {
            view(emails.get(i), sku, T0, source + "-view-" + i);
        }
        clock.set(T0.plus(Duration.ofHours(1)));
        view(emails.get(viewedTwice), sku, clock.instant(), source + "-view-again");
        clock.set(T0.plus(Duration.ofHours(2)));
        for (int i : cartInTime) {
            event(emails.get(i), "cart_add", clock.instant(), source + "-cart-" + i);
        }
        for (int i : orderedInTime) {
            order(emails.get(i), source + "-order-" + i, clock.instant(), sku);
        }
        clock.set(T0.plus(Duration.ofHours(12))); // 22:00 in Shanghai
        for (int i : lateEvening) {
            view(emails.get(i), sku, clock.instant(), source + "-view-" + i);
        }
        clock.set(T0.plus(Duration.ofHours(23))); // 09:00: two offers already today for one customer
        capToday(emails.get(capped));

        // 24 hours after the views: the 25 who neither added to the cart nor ordered enter, coupons go out
        advance(Duration.ofHours(1), () -> entered(CODE) == 25);
        outbox.dispatchDue();
        Map<Long, Boolean> holdout = holdout(CODE);
        assertThat(holdout.keySet()).as("nobody with a cart or an order in time entered").doesNotContainAnyElementsOf(
                java.util.stream.Stream.concat(cartInTime.stream(), orderedInTime.stream())
                        .map(i -> customerByEmail(emails.get(i))).toList());
        for (int i = 0; i < 30; i++) {
            boolean expected = !cartInTime.contains(i) && !orderedInTime.contains(i) && !noConsent.contains(i)
                    && i != capped && !holdout.getOrDefault(customerByEmail(emails.get(i)), false);
            assertThat(coupons(emails.get(i))).as("coupon to customer " + i).isEqualTo(expected ? 1 : 0);
            if (expected) {
                // the view carried only the sku: the message names the product from the catalogue
                assertThat(bodies(emails.get(i)).getFirst()).as("product named to " + i).contains(productName);
            }
        }
        // the brand has not activated the playbook's reward: members too get the shared code, the step says why;
        // for customers without consent the coupon step does not even try (the message after it is suppressed)
        List<String> lookCode = db.fetch("select o.outcome from journey_step_log o where o.step_id = 'look-code'")
                .getValues(0, String.class);
        assertThat(lookCode).isNotEmpty()
                .allMatch(o -> o.startsWith("refused:") || o.equals("skipped:consent-withdrawn"))
                .contains("refused:reward-inactive");
        if (noConsent.stream().anyMatch(i -> !holdout.getOrDefault(customerByEmail(emails.get(i)), false))) {
            assertThat(lookCode).contains("skipped:consent-withdrawn");
        }

        // the second view's deadline passes an hour later: the same customer gets no second coupon
        advance(Duration.ofHours(1), () -> dueTimers() == 0);
        outbox.dispatchDue();
        assertThat(coupons(emails.get(viewedTwice))).as("one coupon for two views")
                .isEqualTo(holdout.get(customerByEmail(emails.get(viewedTwice))) ? 0 : 1);
        assertThat(entered(CODE)).isEqualTo(25);

        // the late-evening views fall due at 22:00: they enter, their coupons wait for the morning
        clock.set(T0.plus(Duration.ofHours(36)));
        awaitTimers(() -> entered(CODE) == 28);
        outbox.dispatchDue();
        for (int i : lateEvening) {
            assertThat(coupons(emails.get(i))).as("quiet hours for customer " + i).isZero();
        }
        clock.set(T0.plus(Duration.ofHours(47))); // 09:00
        outbox.dispatchDue();
        Map<Long, Boolean> holdoutNow = holdout(CODE);
        for (int i : lateEvening) {
            boolean held = holdoutNow.get(customerByEmail(emails.get(i)));
            assertThat(coupons(emails.get(i))).as("morning coupon to " + i).isEqualTo(held ? 0 : 1);
        }

        var stats = journeys.stats(CODE);
        long heldOut = holdoutNow.values().stream().filter(h -> h).count();
        assertThat(stats.holdout().entered()).isEqualTo(heldOut);
        assertThat(stats.treatment().entered()).isEqualTo(28 - heldOut);
        assertThat(stats.messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
    }

    @Test
    void should_reject_an_absence_trigger_with_a_bad_event_type_in_its_list_naming_the_index() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad-missing", tools.jackson.databind.json
                .JsonMapper.builder().build().readTree("""
                {"name": "x", "trigger": {"type": "absence", "event": "product_view",
                 "missing": ["cart_add", "Order!"], "within": "PT24H"}, "steps": [{"id": "e", "type": "exit"}]}"""));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("field").asString()).isEqualTo("trigger.missing[1]");
    }
}

@OnH2
class BrowsedNoPurchasePlaybookOnH2Test extends BrowsedNoPurchasePlaybookTests {}

@OnPostgres
class BrowsedNoPurchasePlaybookOnPostgresTest extends BrowsedNoPurchasePlaybookTests {}
