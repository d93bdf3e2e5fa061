package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The first-use care playbook end to end on the demo brand: deliveries confirmed for demo customers
 * ({@code delivery_confirmed} events naming the product) enrol them, and 3 days later at 10:00 the care guide names
 * their product. A delivery confirmed late in the evening gets its guide at 10:00 the morning after the third day;
 * nobody without consent, over the cap or in the holdout gets one, nor customers with other events.
 */
@TestPropertySource(properties = "rapport.test.context=first-use-care")
abstract class FirstUseCarePlaybookTests extends PlaybookTestBase {

    static final String[] GUIDE = {"新家电用得还顺手吗", "settling in with your new appliance"};

    void delivered(String email, Instant at, String id, String product) {
        var response = admin().postJson("/api/v1/events", Map.of("external_id", id, "source", source,
                "type", "delivery_confirmed", "occurred_at", at.toString(), "email", email,
                "properties", Map.of("sku", "AC-KFR35", "product", product)));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void should_send_the_care_guide_three_days_after_delivery_to_exactly_the_customers_who_received_one()
            throws Exception {
        clock.set(T0);
        List<String> emails = importDemo().subList(0, 24);
        install("first-use-care");
        Set<Integer> noConsent = Set.of(0, 1);
        int capped = 2;
        Set<Integer> otherEvent = Set.of(3, 4);
        Set<Integer> evening = Set.of(20, 21, 22, 23);
        for (int i : noConsent) {
            noConsent(emails.get(i));
        }
        for (int i = 0; i < 20; i++) {
            if (otherEvent.contains(i)) {
                event(emails.get(i), "review", clock.instant(), source + "-review-" + i);
            } else {
                delivered(emails.get(i), clock.instant(), source + "-d-" + i, "空调 " + i);
            }
        }
        delivered(emails.get(5), clock.instant(), source + "-d-5", "空调 5"); // the same delivery reported twice
        clock.set(T0.plus(Duration.ofHours(12))); // 22:00
        for (int i : evening) {
            delivered(emails.get(i), clock.instant(), source + "-d-" + i, "空调 " + i);
        }
        assertThat(entered("first-use-care")).isEqualTo(22);

        clock.set(T0.plus(Duration.ofDays(3)).minus(Duration.ofMinutes(1)));
        capToday(emails.get(capped));
        advance(Duration.ofMinutes(1), () -> dueTimers() == 0); // three days later, 10:00
        outbox.dispatchDue();
        Map<Long, Boolean> holdout = holdout("first-use-care");
        for (int i = 0; i < 24; i++) {
            boolean expected = i < 20 && !otherEvent.contains(i) && !noConsent.contains(i) && i != capped
                    && !holdout.get(customerByEmail(emails.get(i)));
            assertThat(received(emails.get(i), GUIDE)).as("guide on day 3 to " + i).isEqualTo(expected ? 1 : 0);
        }
        advance(Duration.ofHours(12), () -> dueTimers() == 0); // 22:00: the evening deliveries wait for 10:00
        outbox.dispatchDue();
        for (int i : evening) {
            assertThat(received(emails.get(i), GUIDE)).as("not at night " + i).isZero();
        }
        advance(Duration.ofHours(12), () -> dueTimers() == 0);
        outbox.dispatchDue();
        for (int i : evening) {
            boolean expected = !holdout.get(customerByEmail(emails.get(i)));
            assertThat(received(emails.get(i), GUIDE)).as("guide the morning after to " + i)
                    .isEqualTo(expected ? 1 : 0);
        }
        for (int i = 5; i < 24; i++) {
            if (received(emails.get(i), GUIDE) == 1) {
                assertThat((String) mailTo(emails.get(i)).stream().filter(m -> subject(m).contains(GUIDE[0]))
                        .findFirst().orElseThrow().getContent()).as("names the product").contains("空调 " + i);
            }
        }
        assertThat(journeys.stats("first-use-care").messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
    }

    static String subject(jakarta.mail.internet.MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

@OnH2
class FirstUseCarePlaybookOnH2Test extends FirstUseCarePlaybookTests {}

@OnPostgres
class FirstUseCarePlaybookOnPostgresTest extends FirstUseCarePlaybookTests {}
