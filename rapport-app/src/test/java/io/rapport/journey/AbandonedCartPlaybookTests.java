package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.channel.ChannelTestSupport;
import io.rapport.channel.SendRequest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The abandoned-cart playbook end to end on the demo brand: demo history imported, the playbook installed and
 * active, carts left by demo customers, the clock moved through two days; the emails GreenMail actually received
 * are checked customer by customer, including those who must get nothing (ordered in time, no consent, over the
 * cap, in quiet hours until the morning, in the holdout).
 */
// the playbook reacts to every cart in the database: this class gets a database of its own
@TestPropertySource(properties = "rapport.test.context=abandoned-cart")
abstract class AbandonedCartPlaybookTests extends PlaybookTestBase {

    int received(String email, String template) throws Exception {
        int count = 0;
        for (MimeMessage m : mailTo(email)) {
            boolean reminder = m.getSubject().contains("购物车") || m.getSubject().contains("cart is waiting");
            boolean coupon = ((String) m.getContent()).contains("CART10");
            if (template.equals("reminder") ? reminder && !coupon : coupon) {
                count++;
            }
        }
        return count;
    }

    @Test
    void should_remind_then_offer_a_coupon_to_demo_customers_who_left_a_cart_and_nobody_else() throws Exception {
        clock.set(T0);
        List<String> emails = importDemo().subList(0, 33);
        String sku = sku();
        var installed = admin().postJson("/api/v1/journeys/playbooks/abandoned-cart?activate=true", "");
        assertThat(installed.status()).as(installed.body()).isEqualTo(200);
        template("promo", "marketing", List.of("n"), "本周活动 {{n}}");

        Set<Integer> orderedInTime = Set.of(0, 1, 2, 3, 4);
        Set<Integer> noConsent = Set.of(5, 6, 7);
        int capped = 8;
        Set<Integer> orderedAfterReminder = Set.of(9, 10);
        Set<Integer> lateEvening = Set.of(30, 31, 32);
        for (int i : noConsent) {
            ChannelTestSupport.marketingConsent(consents, customerByEmail(emails.get(i)), false, "email");
        }
        for (int i = 0; i < 30; i++) {
            event(emails.get(i), "cart_add", T0, source + "-cart-" + i);
        }
        clock.set(T0.plus(Duration.ofHours(2)));
        for (int i : orderedInTime) {
            order(emails.get(i), source + "-early-" + i, clock.instant(), sku);
        }
        clock.set(T0.plus(Duration.ofHours(12))); // 22:00 in Shanghai
        for (int i : lateEvening) {
            event(emails.get(i), "cart_add", clock.instant(), source + "-cart-" + i);
        }
        clock.set(T0.plus(Duration.ofHours(23))); // 09:00 next morning: two offers already today for one customer
        long cappedId = customerByEmail(emails.get(capped));
        for (int n = 1; n <= 2; n++) {
            assertThat(outbox.enqueue(new SendRequest(source + "-promo-" + n, cappedId, "promo",
                    Map.of("n", Integer.toString(n)), "test")).status()).isEqualTo("PENDING");
        }

        // 24 hours after the carts: the 25 without an order enter (holdout included), reminders go out
        advance(Duration.ofHours(1), () -> entered() == 25);
        outbox.dispatchDue();
        Map<Long, Boolean> holdout = holdout();
        for (int i = 0; i < 30; i++) {
            long id = customerByEmail(emails.get(i));
            boolean expected = !orderedInTime.contains(i) && !noConsent.contains(i) && i != capped
                    && !holdout.getOrDefault(id, false);
            assertThat(received(emails.get(i), "reminder")).as("reminder to customer " + i)
                    .isEqualTo(expected ? 1 : 0);
        }
        assertThat(holdout.keySet()).as("nobody who ordered in time entered")
                .doesNotContainAnyElementsOf(orderedInTime.stream().map(i -> customerByEmail(emails.get(i))).toList());

        clock.set(T0.plus(Duration.ofHours(30)));
        for (int i : orderedAfterReminder) {
            order(emails.get(i), source + "-late-" + i, clock.instant(), sku);
        }

        // the late-evening carts fall due at 22:00: they enter, but their reminders wait for the morning
        advance(Duration.ofHours(6), () -> entered() == 28);
        outbox.dispatchDue();
        for (int i : lateEvening) {
            assertThat(received(emails.get(i), "reminder")).as("quiet hours for customer " + i).isZero();
        }
        clock.set(T0.plus(Duration.ofHours(47))); // 09:00
        outbox.dispatchDue();
        Map<Long, Boolean> holdoutNow = holdout();
        for (int i : lateEvening) {
            boolean held = holdoutNow.get(customerByEmail(emails.get(i)));
            assertThat(received(emails.get(i), "reminder")).as("morning reminder to " + i).isEqualTo(held ? 0 : 1);
        }

        // a day after the reminder: the coupon for those still inside
        advance(Duration.ofHours(1), () -> waitingFirstBatch() == 0);
        outbox.dispatchDue();
        outbox.dispatchDue();
        for (int i = 0; i < 30; i++) {
            long id = customerByEmail(emails.get(i));
            boolean expected = !orderedInTime.contains(i) && !noConsent.contains(i)
                    && !orderedAfterReminder.contains(i) && !holdoutNow.getOrDefault(id, false);
            assertThat(received(emails.get(i), "coupon")).as("coupon to customer " + i).isEqualTo(expected ? 1 : 0);
            assertThat(received(emails.get(i), "reminder")).as("never a second reminder").isLessThanOrEqualTo(1);
        }

        var stats = journeys.stats("abandoned-cart");
        long heldOut = holdoutNow.values().stream().filter(h -> h).count();
        assertThat(stats.holdout().entered()).isEqualTo(heldOut);
        assertThat(stats.treatment().entered()).isEqualTo(28 - heldOut);
        long convertedTreatment = orderedAfterReminder.stream()
                .filter(i -> !holdoutNow.get(customerByEmail(emails.get(i)))).count();
        assertThat(stats.treatment().converted()).isEqualTo(convertedTreatment);
        assertThat(stats.holdout().converted()).isEqualTo(orderedAfterReminder.size() - convertedTreatment);
        assertThat(stats.messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
        assertThat(stats.byStatus().get("exited")).isEqualTo(convertedTreatment);
    }

    long entered() {
        return journeys.stats("abandoned-cart").treatment().entered() + journeys.stats("abandoned-cart").holdout()
                .entered();
    }

    /** Instances of the first 25 still waiting for their day to pass. */
    long waitingFirstBatch() {
        return db.fetchCount(org.jooq.impl.DSL.table("journey_instance"), org.jooq.impl.DSL.field("status")
                .eq("active").and(org.jooq.impl.DSL.field("waiting_until", java.time.OffsetDateTime.class)
                        .le(clock.instant().atOffset(java.time.ZoneOffset.UTC))));
    }

    Map<Long, Boolean> holdout() {
        Map<Long, Boolean> result = new HashMap<>();
        admin().get("/api/v1/journeys/abandoned-cart/instances?limit=1000").json()
                .forEach(i -> result.put(i.get("customerId").asLong(), i.get("holdout").asBoolean()));
        return result;
    }
}

@OnH2
class AbandonedCartPlaybookOnH2Test extends AbandonedCartPlaybookTests {}

@OnPostgres
class AbandonedCartPlaybookOnPostgresTest extends AbandonedCartPlaybookTests {}
