package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.channel.ChannelTestSupport;
import io.rapport.channel.SendRequest;
import io.rapport.loyalty.Members;
import io.rapport.loyalty.Rewards;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The abandoned-cart playbook end to end on the demo brand: demo history imported, the playbook installed and
 * active, carts left by demo customers, the clock moved through two days; the emails GreenMail actually received
 * are checked customer by customer, including those who must get nothing (ordered in time, no consent, over the
 * cap, in quiet hours until the morning, in the holdout). The coupon is personal for loyalty members (the playbook's
 * reward, activated by the brand) and the playbook's shared code for the others.
 */
// the playbook reacts to every cart in the database: this class gets a database of its own
@TestPropertySource(properties = "rapport.test.context=abandoned-cart")
abstract class AbandonedCartPlaybookTests extends PlaybookTestBase {

    @Autowired
    Members members;
    @Autowired
    Rewards rewards;

    int received(String email, String template) throws Exception {
        return template.equals("reminder") ? reminders(email) : coupons(email).size();
    }

    int reminders(String email) throws Exception {
        int count = 0;
        for (MimeMessage m : mailTo(email)) {
            if (m.getSubject().contains("购物车还在") || m.getSubject().contains("cart is waiting")) {
                count++;
            }
        }
        return count;
    }

    /** The bodies of the coupon emails the customer received. */
    List<String> coupons(String email) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (MimeMessage m : mailTo(email)) {
            if (m.getSubject().contains("优惠券") || m.getSubject().contains("coupon for your cart")) {
                bodies.add((String) m.getContent());
            }
        }
        return bodies;
    }

    @Test
    void should_remind_then_offer_a_coupon_to_demo_customers_who_left_a_cart_and_nobody_else() throws Exception {
        clock.set(T0);
        List<String> emails = importDemo().subList(0, 33);
        String sku = sku();
        var installed = admin().postJson("/api/v1/journeys/playbooks/abandoned-cart?activate=true", "");
        assertThat(installed.status()).as(installed.body()).isEqualTo(200);
        assertThat(rewards.find("CART10")).as("the playbook's reward, created withdrawn")
                .hasValueSatisfying(r -> assertThat(r.active()).isFalse());
        // the brand checks the reward and activates it: members get personal codes from now on
        var activated = admin().putJson("/api/v1/loyalty/rewards/CART10", Map.of("name", "Abandoned cart: 10% off",
                "couponValidDays", 7, "active", true));
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        template("promo", "marketing", List.of("n"), "本周活动 {{n}}");

        Set<Integer> orderedInTime = Set.of(0, 1, 2, 3, 4);
        Set<Integer> noConsent = Set.of(5, 6, 7);
        int capped = 8;
        Set<Integer> orderedAfterReminder = Set.of(9, 10);
        Set<Integer> lateEvening = Set.of(30, 31, 32);
        for (int i : noConsent) {
            ChannelTestSupport.marketingConsent(consents, customerByEmail(emails.get(i)), false, "email");
        }
        Set<Integer> enrolled = Set.of(6, 12, 13, 14, 15, 16);
        for (int i : enrolled) {
            if (members.find(customerByEmail(emails.get(i))).isEmpty()) {
                members.enrol(customerByEmail(emails.get(i)));
            }
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
        List<String> personal = new ArrayList<>();
        int shared = 0;
        advance(Duration.ofHours(1), () -> waitingFirstBatch() == 0);
        outbox.dispatchDue();
        outbox.dispatchDue();
        for (int i = 0; i < 30; i++) {
            long id = customerByEmail(emails.get(i));
            boolean expected = !orderedInTime.contains(i) && !noConsent.contains(i)
                    && !orderedAfterReminder.contains(i) && !holdoutNow.getOrDefault(id, false);
            assertThat(received(emails.get(i), "coupon")).as("coupon to customer " + i).isEqualTo(expected ? 1 : 0);
            assertThat(received(emails.get(i), "reminder")).as("never a second reminder").isLessThanOrEqualTo(1);
            // a member's code is their own coupon of the reward; a customer outside the programme gets the shared one
            List<Rewards.Coupon> issued = rewards.coupons(id).stream().filter(c -> c.rewardCode().equals("CART10"))
                    .toList();
            if (expected && members.find(id).isPresent()) {
                assertThat(issued).as("one personal coupon for member " + i).hasSize(1);
                assertThat(coupons(emails.get(i)).getFirst()).contains(issued.getFirst().code()).doesNotContain("CART10");
                personal.add(issued.getFirst().code());
            } else if (expected) {
                assertThat(coupons(emails.get(i)).getFirst()).as("shared code to non-member " + i).contains("CART10");
                shared++;
            }
            if (orderedInTime.contains(i)) {
                assertThat(issued).as("no coupon for customer " + i).isEmpty();
            }
        }
        // the coupon step asks the message's consent guard first: a member without consent gets no coupon either
        long withoutConsent = customerByEmail(emails.get(6));
        assertThat(members.find(withoutConsent)).isPresent();
        assertThat(rewards.coupons(withoutConsent)).as("no coupon nobody would tell of").isEmpty();
        assertThat(received(emails.get(6), "coupon")).isZero();
        assertThat(personal).as("personal codes, each different").hasSizeGreaterThanOrEqualTo(2)
                .doesNotHaveDuplicates();
        assertThat(shared).as("non-members with the shared code").isPositive();

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
