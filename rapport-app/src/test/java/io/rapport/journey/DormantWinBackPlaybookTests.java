package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.channel.ChannelTestSupport;
import io.rapport.channel.SendRequest;
import io.rapport.scoring.LifecycleStageChanged;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.TestPropertySource;

/**
 * The dormant win-back playbook end to end on the demo brand: a scoring run's "lifecycle stage became dormant"
 * events (the run itself publishing them only on the change is ScoringTests' business) enrol demo customers, the
 * offer waits for their send time, a reminder follows a week later unless they ordered; the emails GreenMail
 * received are checked customer by customer, including those who must get nothing (other stage changes, no
 * consent, over the daily cap, in the holdout).
 */
@TestPropertySource(properties = "rapport.test.context=dormant-win-back")
abstract class DormantWinBackPlaybookTests extends PlaybookTestBase {

    @Autowired
    ApplicationEventPublisher events;

    int received(String email, String kind) throws Exception {
        int count = 0;
        for (MimeMessage m : mailTo(email)) {
            String subject = m.getSubject();
            boolean reminder = subject.contains("即将过期") || subject.contains("expires soon");
            boolean offer = subject.contains("好久不见") || subject.contains("we miss you");
            if (kind.equals("offer") ? offer : reminder) {
                count++;
            }
        }
        return count;
    }

    @Test
    void should_win_back_demo_customers_who_became_dormant_and_nobody_else() throws Exception {
        clock.set(T0.minus(Duration.ofHours(13))); // 21:00 in Shanghai, the evening before
        List<String> emails = importDemo().subList(0, 20);
        String sku = sku();
        var installed = admin().postJson("/api/v1/journeys/playbooks/dormant-win-back?activate=true", "");
        assertThat(installed.status()).as(installed.body()).isEqualTo(200);
        template("promo", "marketing", List.of("n"), "本周活动 {{n}}");

        Set<Integer> otherChange = Set.of(14, 15);
        Set<Integer> noConsent = Set.of(16, 17);
        int capped = 18;
        Set<Integer> orderAfterOffer = Set.of(0, 1, 2);
        for (int i : noConsent) {
            ChannelTestSupport.marketingConsent(consents, customerByEmail(emails.get(i)), false, "email");
        }
        LocalDate asOf = LocalDate.of(2026, 3, 9);
        for (int i = 0; i < 19; i++) {
            long id = customerByEmail(emails.get(i));
            LifecycleStage to = otherChange.contains(i) ? LifecycleStage.CHURNED : LifecycleStage.DORMANT;
            events.publishEvent(new LifecycleStageChanged(id, LifecycleStage.ACTIVE, to, 7, asOf));
        }
        assertThat(entered()).isEqualTo(17);
        // no best_send_hour tag computed yet: everyone waits for the default 10:00 in their own (Shanghai) zone
        outbox.dispatchDue();
        for (int i = 0; i < 19; i++) {
            assertThat(received(emails.get(i), "offer")).as("nothing at night for " + i).isZero();
        }

        clock.set(T0.minus(Duration.ofMinutes(1)));
        long cappedId = customerByEmail(emails.get(capped));
        for (int n = 1; n <= 2; n++) { // two offers already today: the daily cap is reached
            assertThat(outbox.enqueue(new SendRequest(source + "-promo-" + n, cappedId, "promo",
                    Map.of("n", Integer.toString(n)), "test")).status()).isEqualTo("PENDING");
        }
        advance(Duration.ofMinutes(1), () -> dueTimers() == 0); // 10:00
        outbox.dispatchDue();
        outbox.dispatchDue();
        Map<Long, Boolean> holdout = holdout("dormant-win-back");
        for (int i = 0; i < 19; i++) {
            long id = customerByEmail(emails.get(i));
            boolean expected = !otherChange.contains(i) && !noConsent.contains(i) && i != capped
                    && !holdout.getOrDefault(id, false);
            assertThat(received(emails.get(i), "offer")).as("offer to customer " + i).isEqualTo(expected ? 1 : 0);
        }
        assertThat(holdout.keySet()).as("other stage changes enter nobody")
                .doesNotContainAnyElementsOf(otherChange.stream().map(i -> customerByEmail(emails.get(i))).toList());

        clock.set(T0.plus(Duration.ofDays(2)));
        for (int i : orderAfterOffer) {
            order(emails.get(i), source + "-back-" + i, clock.instant(), sku);
        }
        advance(Duration.ofDays(5), () -> dueTimers() == 0); // a week after the offer
        outbox.dispatchDue();
        for (int i = 0; i < 19; i++) {
            long id = customerByEmail(emails.get(i));
            boolean expected = !otherChange.contains(i) && !noConsent.contains(i) && !orderAfterOffer.contains(i)
                    && !holdout.getOrDefault(id, false);
            assertThat(received(emails.get(i), "reminder")).as("reminder to customer " + i)
                    .isEqualTo(expected ? 1 : 0);
        }

        var stats = journeys.stats("dormant-win-back");
        long heldOut = holdout.values().stream().filter(h -> h).count();
        assertThat(stats.holdout().entered()).isEqualTo(heldOut);
        assertThat(stats.treatment().entered()).isEqualTo(17 - heldOut);
        long convertedTreatment = orderAfterOffer.stream()
                .filter(i -> !holdout.get(customerByEmail(emails.get(i)))).count();
        assertThat(stats.treatment().converted()).isEqualTo(convertedTreatment);
        assertThat(stats.messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
    }

    long entered() {
        var stats = journeys.stats("dormant-win-back");
        return stats.treatment().entered() + stats.holdout().entered();
    }
}

@OnH2
class DormantWinBackPlaybookOnH2Test extends DormantWinBackPlaybookTests {}

@OnPostgres
class DormantWinBackPlaybookOnPostgresTest extends DormantWinBackPlaybookTests {}
