package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The new-customer programme end to end on the demo brand: first orders of new customers enrol (demo customers
 * ordering again do not), the welcome comes at once (or, for an evening order, the next morning), usage tips a week
 * later at 10:00 and the second-order offer after a month; a second order ends the programme. Nobody without
 * consent, over the cap or in the holdout gets anything.
 */
@TestPropertySource(properties = "rapport.test.context=new-customer")
abstract class NewCustomerPlaybookTests extends PlaybookTestBase {

    static final String[] WELCOME = {"欢迎成为我们的顾客", "welcome"};
    static final String[] TIPS = {"这些小技巧", "tips to get more"};
    static final String[] OFFER = {"送您一张回购券", "a coupon for your next order"};

    String newcomer(int i) {
        return source + "-new-" + i + "@example.com";
    }

    @Test
    void should_welcome_first_time_buyers_teach_them_after_a_week_and_offer_a_second_order_after_a_month()
            throws Exception {
        clock.set(T0);
        List<String> emails = importDemo();
        // demo customers who have bought before (the demo file's sale lines): their next order is no first order
        Set<String> buyers = new java.util.HashSet<>();
        rows(io.rapport.analytics.synthetic.DemoDataFiles.ORDERS).stream().filter(l -> l.get("kind").equals("sale"))
                .forEach(l -> buyers.add(l.get("customer_id")));
        List<String> demo = rows(io.rapport.analytics.synthetic.DemoDataFiles.CUSTOMERS).stream()
                .filter(c -> buyers.contains(c.get("customer_id")))
                .map(c -> c.get("email").toLowerCase(java.util.Locale.ROOT)).filter(emails::contains).limit(5).toList();
        assertThat(demo).hasSize(5);
        String sku = sku();
        install("new-customer");

        int n = 24;
        Set<Integer> noConsent = Set.of(3, 4);
        int capped = 5;
        Set<Integer> secondOrder = Set.of(6, 7); // order again after the tips: no offer
        Set<Integer> evening = Set.of(20, 21, 22, 23);
        for (int i = 0; i < n; i++) {
            if (evening.contains(i)) {
                continue;
            }
            order(newcomer(i), source + "-first-" + i, clock.instant(), sku);
        }
        for (int i = 0; i < demo.size(); i++) {
            order(demo.get(i), source + "-again-" + i, clock.instant(), sku);
        }
        outbox.dispatchDue();
        for (int i : noConsent) {
            noConsent(newcomer(i)); // opted out after the welcome: nothing more
        }
        clock.set(T0.plus(Duration.ofHours(12))); // 22:00 in Shanghai
        for (int i : evening) {
            order(newcomer(i), source + "-first-" + i, clock.instant(), sku);
        }
        outbox.dispatchDue();
        for (int i : evening) {
            assertThat(received(newcomer(i), WELCOME)).as("no welcome at night " + i).isZero();
        }
        clock.set(T0.plus(Duration.ofHours(23))); // 09:00
        outbox.dispatchDue();

        Map<Long, Boolean> holdout = holdout("new-customer");
        assertThat(holdout).hasSize(n);
        for (String e : demo) {
            assertThat(holdout).as("a demo customer's repeat order enrols nobody")
                    .doesNotContainKey(customerByEmail(e));
        }
        for (int i = 0; i < n; i++) {
            boolean held = holdout.get(customerByEmail(newcomer(i)));
            assertThat(received(newcomer(i), WELCOME)).as("welcome " + i).isEqualTo(held ? 0 : 1);
        }

        clock.set(T0.plus(Duration.ofDays(7)).minus(Duration.ofMinutes(1)));
        capToday(newcomer(capped));
        advance(Duration.ofMinutes(1), () -> dueTimers() == 0); // a week later, 10:00
        outbox.dispatchDue();
        advance(Duration.ofHours(12), () -> dueTimers() == 0); // the evening buyers' week ends at 22:00: wait for 10:00
        advance(Duration.ofHours(12), () -> dueTimers() == 0);
        outbox.dispatchDue();
        for (int i = 0; i < n; i++) {
            boolean expected = !holdout.get(customerByEmail(newcomer(i))) && !noConsent.contains(i) && i != capped;
            assertThat(received(newcomer(i), TIPS)).as("tips " + i)
                    .isEqualTo(expected ? 1 : 0);
        }

        clock.set(T0.plus(Duration.ofDays(10)));
        for (int i : secondOrder) {
            order(newcomer(i), source + "-second-" + i, clock.instant(), sku);
        }
        advance(Duration.ofDays(21), () -> dueTimers() == 0); // a month after the first order
        advance(Duration.ofDays(1), () -> dueTimers() == 0);
        outbox.dispatchDue();
        for (int i = 0; i < n; i++) {
            boolean expected = !holdout.get(customerByEmail(newcomer(i))) && !noConsent.contains(i)
                    && !secondOrder.contains(i);
            assertThat(received(newcomer(i), OFFER)).as("offer " + i).isEqualTo(expected ? 1 : 0);
        }
        var stats = journeys.stats("new-customer");
        long converted = secondOrder.stream().filter(i -> !holdout.get(customerByEmail(newcomer(i)))).count();
        assertThat(stats.treatment().converted()).as("the first order is the entry, not a conversion")
                .isEqualTo(converted);
        assertThat(stats.messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
    }
}

@OnH2
class NewCustomerPlaybookOnH2Test extends NewCustomerPlaybookTests {}

@OnPostgres
class NewCustomerPlaybookOnPostgresTest extends NewCustomerPlaybookTests {}
