package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.loyalty.Members;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The birthday playbook end to end on the demo brand: the daily date check runs for three weeks, each demo customer
 * whose birthday is 7 days ahead (in their own zone) gets the greeting with the gift code; loyalty members get the
 * version with birthday-month double points. Nobody else gets one, and nobody without consent, over the daily cap or
 * in the holdout; a check that runs late in the evening holds the greetings until the morning.
 */
@TestPropertySource(properties = "rapport.test.context=birthday")
abstract class BirthdayPlaybookTests extends PlaybookTestBase {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final String[] GREETING = {"送您一份生日礼", "A gift for you"};
    static final String[] MEMBER_GREETING = {"生日月双倍积分", "double points"};

    @Autowired
    JourneyEngine engine;
    @Autowired
    Members members;

    @Test
    void should_greet_demo_customers_a_week_before_their_birthday_and_members_with_double_points() throws Exception {
        clock.set(T0);
        List<String> emails = importDemo();
        install("birthday");
        LocalDate first = LocalDate.ofInstant(T0, SHANGHAI).plusDays(1);
        int days = 21;
        // whose birthday (from the demo file) falls 7 days after each checked day
        Map<LocalDate, List<String>> byDay = new TreeMap<>();
        for (Map<String, String> c : rows(DemoDataFiles.CUSTOMERS)) {
            String email = c.get("email").toLowerCase(java.util.Locale.ROOT);
            if (!emails.contains(email) || c.get("birthday").isBlank()) {
                continue;
            }
            LocalDate birthday = LocalDate.parse(c.get("birthday"));
            for (int d = 0; d < days; d++) {
                LocalDate occasion = first.plusDays(d + 7);
                if (birthday.getMonth() == occasion.getMonth()
                        && birthday.getDayOfMonth() == occasion.getDayOfMonth()) {
                    byDay.computeIfAbsent(first.plusDays(d), k -> new ArrayList<>()).add(email);
                }
            }
        }
        List<String> born = byDay.values().stream().flatMap(List::stream).toList();
        assertThat(born).hasSizeGreaterThanOrEqualTo(8);
        Set<String> noConsent = Set.of(born.get(1), born.get(4));
        String capped = born.get(2);
        Set<String> memberEmails = Set.of(born.get(0), born.get(3), born.get(5), born.get(6), born.get(7));
        for (String e : memberEmails) {
            members.enrol(customerByEmail(e));
        }
        noConsent.forEach(this::noConsent);

        LocalDate late = byDay.keySet().iterator().next();
        for (int d = 0; d < days; d++) {
            LocalDate day = first.plusDays(d);
            List<String> today = byDay.getOrDefault(day, List.of());
            if (day.equals(late)) {
                // the check ran only at 21:30 that day: greetings wait for the end of quiet hours
                clock.set(day.atTime(LocalTime.of(21, 30)).atZone(SHANGHAI).toInstant());
                engine.runDateTriggers();
                outbox.dispatchDue();
                for (String e : today) {
                    assertThat(received(e, GREETING) + received(e, MEMBER_GREETING)).as("at night " + e).isZero();
                }
                clock.set(day.plusDays(1).atTime(LocalTime.of(9, 0)).atZone(SHANGHAI).toInstant());
                outbox.dispatchDue();
                continue;
            }
            clock.set(day.atTime(LocalTime.of(9, 0)).atZone(SHANGHAI).toInstant());
            assertThat(engine.runDateTriggers()).as("before 10:00 on " + day).isZero();
            if (today.contains(capped)) {
                capToday(capped);
            }
            clock.set(day.atTime(LocalTime.of(10, 0)).atZone(SHANGHAI).toInstant());
            engine.runDateTriggers();
            engine.runDateTriggers();
            outbox.dispatchDue();
        }

        Map<Long, Boolean> holdout = holdout("birthday");
        assertThat(entered("birthday")).as("every customer with a birthday in the window, with email or not")
                .isGreaterThanOrEqualTo(born.size());
        for (String e : born) {
            long id = customerByEmail(e);
            assertThat(holdout).as("entered: " + e).containsKey(id);
            boolean expected = !noConsent.contains(e) && !e.equals(capped) && !holdout.get(id);
            // members: those enrolled here, and those the loyalty programme enrolled when their demo orders came in
            boolean member = members.find(id).isPresent();
            if (memberEmails.contains(e)) {
                assertThat(member).isTrue();
            }
            assertThat(received(e, MEMBER_GREETING)).as("member greeting to " + e)
                    .isEqualTo(expected && member ? 1 : 0);
            assertThat(received(e, GREETING)).as("greeting to " + e).isEqualTo(expected && !member ? 1 : 0);
        }
        for (String e : emails) {
            if (!born.contains(e)) {
                assertThat(received(e, GREETING) + received(e, MEMBER_GREETING)).as("no birthday: " + e).isZero();
            }
        }
        assertThat(journeys.stats("birthday").messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
    }
}

@OnH2
class BirthdayPlaybookOnH2Test extends BirthdayPlaybookTests {}

@OnPostgres
class BirthdayPlaybookOnPostgresTest extends BirthdayPlaybookTests {}
