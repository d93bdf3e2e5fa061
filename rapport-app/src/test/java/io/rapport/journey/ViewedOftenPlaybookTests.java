package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.channel.ChannelTestSupport;
import io.rapport.channel.SendRequest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The "viewed the same product more than 5 times in 7 days → buying guide" playbook end to end on the demo brand:
 * demo customers view a product, the guides GreenMail received are checked customer by customer, including those who
 * must get nothing (five views only, views spread over two products, no consent, over the daily cap, in the holdout)
 * and those whose guide waits for the end of quiet hours.
 */
// the playbook reacts to every product view in the database: this class gets a database of its own
@TestPropertySource(properties = "rapport.test.context=viewed-often")
abstract class ViewedOftenPlaybookTests extends PlaybookTestBase {

    void views(String email, String sku, int count, String prefix) {
        for (int i = 0; i < count; i++) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("external_id", source + "-" + prefix + "-" + i);
            event.put("source", source);
            event.put("type", "product_view");
            event.put("occurred_at", clock.instant().minusSeconds(count - i).toString());
            event.put("email", email);
            event.put("properties", Map.of("sku", sku));
            var response = admin().postJson("/api/v1/events", event);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
        }
    }

    int guides(String email) throws Exception {
        int count = 0;
        for (MimeMessage m : mailTo(email)) {
            if (m.getSubject().contains("选购指南") || m.getSubject().contains("buying guide")) {
                count++;
            }
        }
        return count;
    }

    @Test
    void should_send_a_buying_guide_once_to_demo_customers_who_viewed_a_product_more_than_five_times()
            throws Exception {
        clock.set(T0.minus(Duration.ofDays(3)));
        List<String> emails = importDemo().subList(0, 24);
        var installed = admin().postJson("/api/v1/journeys/playbooks/viewed-often?activate=true", "");
        assertThat(installed.status()).as(installed.body()).isEqualTo(200);
        template("promo", "marketing", List.of("n"), "本周活动 {{n}}");
        // products nobody in the demo history viewed, so each customer's count is exactly what this test makes
        String sku = source + "-KETTLE";
        String other = source + "-TOASTER";

        Set<Integer> fiveOnly = Set.of(14, 15);
        int twoProducts = 16;
        Set<Integer> noConsent = Set.of(17, 18);
        int capped = 19;
        Set<Integer> lateEvening = Set.of(20, 21);
        for (int i : noConsent) {
            ChannelTestSupport.marketingConsent(consents, customerByEmail(emails.get(i)), false, "email");
        }
        // three days ago at 10:00: three views each; today at 10:00 three more: the sixth crosses
        for (int i = 0; i < 20; i++) {
            views(emails.get(i), i == twoProducts ? other : sku, fiveOnly.contains(i) ? 2 : 3, "early-" + i);
        }
        clock.set(T0);
        long cappedId = customerByEmail(emails.get(capped));
        for (int n = 1; n <= 2; n++) { // two offers already today: the daily cap is reached
            assertThat(outbox.enqueue(new SendRequest(source + "-promo-" + n, cappedId, "promo",
                    Map.of("n", Integer.toString(n)), "test")).status()).isEqualTo("PENDING");
        }
        for (int i = 0; i < 20; i++) {
            views(emails.get(i), sku, 3, "today-" + i);
        }
        assertThat(entered()).as("five views are not more than five; two products do not add up").isEqualTo(17);
        for (int i = 0; i < 14; i++) { // further views after the crossing
            views(emails.get(i), sku, 2, "again-" + i);
        }
        assertThat(entered()).as("further views enter nobody again").isEqualTo(17);
        outbox.dispatchDue();
        outbox.dispatchDue();

        Map<Long, Boolean> holdout = holdout("viewed-often");
        for (int i = 0; i < 20; i++) {
            long id = customerByEmail(emails.get(i));
            boolean expected = !fiveOnly.contains(i) && i != twoProducts && !noConsent.contains(i) && i != capped
                    && !holdout.getOrDefault(id, false);
            assertThat(guides(emails.get(i))).as("guide to customer " + i).isEqualTo(expected ? 1 : 0);
        }
        assertThat(holdout.keySet()).as("only the customers who crossed entered")
                .doesNotContainAnyElementsOf(fiveOnly.stream().map(i -> customerByEmail(emails.get(i))).toList())
                .doesNotContain(customerByEmail(emails.get(twoProducts)));

        // 22:00 in Shanghai: the late viewers enter now, their guides wait for 09:00
        clock.set(T0.plus(Duration.ofHours(12)));
        for (int i : lateEvening) {
            views(emails.get(i), sku, 6, "late-" + i);
        }
        outbox.dispatchDue();
        for (int i : lateEvening) {
            assertThat(guides(emails.get(i))).as("quiet hours for customer " + i).isZero();
        }
        clock.set(T0.plus(Duration.ofHours(23))); // 09:00 next morning
        outbox.dispatchDue();
        Map<Long, Boolean> holdoutNow = holdout("viewed-often");
        for (int i : lateEvening) {
            boolean held = holdoutNow.get(customerByEmail(emails.get(i)));
            assertThat(guides(emails.get(i))).as("morning guide to " + i).isEqualTo(held ? 0 : 1);
        }

        var stats = journeys.stats("viewed-often");
        long heldOut = holdoutNow.values().stream().filter(h -> h).count();
        assertThat(stats.holdout().entered()).isEqualTo(heldOut);
        assertThat(stats.treatment().entered()).isEqualTo(19 - heldOut);
        assertThat(stats.messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
    }

    long entered() {
        var stats = journeys.stats("viewed-often");
        return stats.treatment().entered() + stats.holdout().entered();
    }
}

@OnH2
class ViewedOftenPlaybookOnH2Test extends ViewedOftenPlaybookTests {}

@OnPostgres
class ViewedOftenPlaybookOnPostgresTest extends ViewedOftenPlaybookTests {}
