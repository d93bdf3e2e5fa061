package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.scoring.ChurnReasonKind;
import io.rapport.scoring.CustomerScores;
import io.rapport.scoring.RepurchaseProbabilityFell;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The 5-step rescue end to end on the demo brand: a real scoring run stores each demo customer's churn reasons; the
 * run's "repurchase probability fell below 20%" events (publishing them only on the crossing is ScoringTests'
 * business) enrol demo customers in the evening. At 10:00 each gets the message for the kind of their most telling
 * churn reason, three days later a coupon, after a week a care-call task is opened for staff, after two weeks the
 * final offer, three days later the satisfaction survey, whose link (followed from the received email over HTTP)
 * records a score that sets the outcome tag (4-5 satisfied, 1-3 unhappy, a week without an answer: no answer); an
 * order ends the rescue. Nobody without consent, over the cap or in the holdout gets a message.
 */
@TestPropertySource(properties = "rapport.test.context=rescue")
abstract class RescuePlaybookTests extends PlaybookTestBase {

    /** The first message by reason kind (zh-CN subjects of the playbook's templates). */
    static final Map<String, String> MESSAGE = Map.of("interval", "该给家电换滤芯", "order-value", "高性价比好物",
            "service", "我们想听听您的意见", "returns", "我们想听听您的意见", "frequency", "最近好吗",
            "engagement", "最近好吗", "other", "最近好吗");
    static final String[] COUPON = {"专属优惠"};
    static final String[] FINAL = {"最后的礼物"};
    static final String[] SURVEY = {"请为我们打个分"};

    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    CustomerScores scores;
    @Autowired
    io.rapport.segment.Tags tagCatalogue;

    @Test
    void should_rescue_demo_customers_by_their_churn_reason_with_coupon_care_call_and_final_offer() throws Exception {
        clock.set(T0.minus(Duration.ofHours(13))); // 21:00 in Shanghai, the evening before
        List<String> emails = importDemo();
        String sku = sku();
        LocalDate asOf = LocalDate.of(2026, 3, 9);
        var run = admin().postJson("/api/v1/scoring/runs?wait=true&asOf=" + asOf, "");
        assertThat(run.status()).as(run.body()).isLessThan(300);
        install("rescue");

        // up to four customers per reason kind, from the scores the run stored
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (String e : emails) {
            String kind = ChurnReasonKind.top(scores.current(customerByEmail(e))).orElse("none");
            List<String> group = byKind.computeIfAbsent(kind, k -> new ArrayList<>());
            if (group.size() < 4) {
                group.add(e);
            }
        }
        byKind.remove("none");
        assertThat(byKind.keySet()).as("reason kinds among demo customers").hasSizeGreaterThanOrEqualTo(2);
        List<String> chosen = byKind.values().stream().flatMap(List::stream).toList();
        assertThat(chosen).hasSizeGreaterThanOrEqualTo(8);
        String noConsent = chosen.get(0);
        String capped = chosen.get(1);
        Set<String> ordering = Set.of(chosen.get(2), chosen.get(3));
        noConsent(noConsent);
        for (String e : chosen) {
            events.publishEvent(new RepurchaseProbabilityFell(customerByEmail(e), 0.35, 0.15, 0.2, 90, 1, asOf));
        }
        outbox.dispatchDue();
        assertThat(entered("rescue")).isEqualTo(chosen.size());
        Map<Long, Boolean> holdout = holdout("rescue");

        clock.set(T0.minus(Duration.ofMinutes(1)));
        capToday(capped);
        advance(Duration.ofMinutes(1), () -> dueTimers() == 0); // 10:00: the diagnosis and its message
        outbox.dispatchDue();
        for (var group : byKind.entrySet()) {
            for (String e : group.getValue()) {
                boolean expected = !holdout.get(customerByEmail(e)) && !e.equals(noConsent) && !e.equals(capped);
                assertThat(received(e, MESSAGE.get(group.getKey()))).as(group.getKey() + " message to " + e)
                        .isEqualTo(expected ? 1 : 0);
                Set<String> others = new HashSet<>(MESSAGE.values());
                others.remove(MESSAGE.get(group.getKey()));
                assertThat(received(e, others.toArray(String[]::new))).as("no other message to " + e).isZero();
            }
        }

        clock.set(T0.plus(Duration.ofDays(1)));
        for (String e : ordering) {
            order(e, source + "-back-" + e, clock.instant(), sku);
        }
        advance(Duration.ofDays(2), () -> dueTimers() == 0); // three days after the message: the coupon
        outbox.dispatchDue();
        advance(Duration.ofDays(4), () -> dueTimers() == 0); // a week: the care call
        List<Long> called = new ArrayList<>();
        for (JsonNode task : admin().get("/api/v1/staff-tasks?status=open&limit=1000").json()) {
            if (task.get("journey").asString().equals("rescue")) {
                called.add(task.get("customerId").asLong());
            }
        }
        advance(Duration.ofDays(7), () -> dueTimers() == 0); // two weeks: the final offer
        outbox.dispatchDue();
        for (String e : chosen) {
            long id = customerByEmail(e);
            boolean inside = !holdout.get(id) && !ordering.contains(e);
            boolean reachable = inside && !e.equals(noConsent);
            assertThat(received(e, COUPON)).as("coupon to " + e).isEqualTo(reachable ? 1 : 0);
            assertThat(called.contains(id)).as("care call for " + e).isEqualTo(inside);
            assertThat(received(e, FINAL)).as("final offer to " + e).isEqualTo(reachable ? 1 : 0);
        }
        for (String e : emails) {
            if (!chosen.contains(e)) {
                assertThat(received(e, COUPON)).as("not rescued: " + e).isZero();
            }
        }

        // three days after the final offer: the satisfaction survey; its link is followed from the received email
        List<String> reachable = chosen.stream().filter(e -> !holdout.get(customerByEmail(e))
                && !ordering.contains(e) && !e.equals(noConsent)).toList();
        assertThat(reachable).hasSizeGreaterThanOrEqualTo(3);
        advance(Duration.ofDays(3), () -> dueTimers() == 0);
        outbox.dispatchDue();
        for (String e : chosen) {
            assertThat(received(e, SURVEY)).as("survey to " + e).isEqualTo(reachable.contains(e) ? 1 : 0);
        }
        String happy = reachable.get(0);
        String unhappy = reachable.get(1);
        String happyLink = surveyPath(happy);
        var page = anonymous().getPage(happyLink);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"score-1\"").contains("id=\"score-5\"");
        String action = page.body().replaceAll("(?s).*<form method=\"post\" action=\"([^\"]+)\".*", "$1");
        assertThat(action).isEqualTo(happyLink);
        assertThat(answer(action, "5").statusCode()).isEqualTo(200);
        assertThat(answer(action, "5").statusCode()).as("the same answer again: a repeat").isEqualTo(200);
        var changed = answer(action, "2");
        assertThat(changed.statusCode()).as("the first answer is final").isEqualTo(409);
        assertThat(changed.body()).contains("survey-already-answered");
        assertThat(answer(surveyPath(unhappy), "2").statusCode()).isEqualTo(200);
        assertThat(answer(surveyPath(unhappy), "9").statusCode()).as("scores are 1-5").isEqualTo(400);
        String forged = happyLink.substring(0, happyLink.length() - 3) + (happyLink.endsWith("AAA") ? "BBB" : "AAA");
        assertThat(answer(forged, "1").statusCode()).isEqualTo(400);
        assertThat(anonymous().getPage(happyLink).body()).as("the answer shown again").contains("id=\"survey-done\"");
        assertThat(tags(happy)).as("answered 5: satisfied at once").contains("rescue_satisfied")
                .doesNotContain("rescue_unhappy", "rescue_no_answer");
        assertThat(tags(unhappy)).contains("rescue_unhappy").doesNotContain("rescue_satisfied");
        assertThat(db.fetchCount(org.jooq.impl.DSL.table("ingest_event"), org.jooq.impl.DSL.field("type")
                .eq("survey_answered"))).as("one survey_answered event per answer").isEqualTo(2);

        // a week without an answer: the outcome is "no answer" for everybody else still inside
        advance(Duration.ofDays(7), () -> dueTimers() == 0);
        for (String e : chosen) {
            long id = customerByEmail(e);
            boolean inside = !holdout.get(id) && !ordering.contains(e);
            if (inside && !e.equals(happy) && !e.equals(unhappy)) {
                assertThat(tags(e)).as("no answer from " + e).contains("rescue_no_answer");
            } else if (!inside) {
                assertThat(tags(e)).as("no outcome for " + e).doesNotContain("rescue_satisfied", "rescue_unhappy",
                        "rescue_no_answer");
            }
        }
        assertThat(tags(happy)).doesNotContain("rescue_no_answer");

        var stats = journeys.stats("rescue");
        assertThat(stats.treatment().converted())
                .isEqualTo(ordering.stream().filter(e -> !holdout.get(customerByEmail(e))).count());
        assertThat(stats.messages().suppressedByReason()).containsKey("consent-withdrawn")
                .containsKey("frequency-cap-day");
    }

    /** The path of the survey link in the survey email this customer received. */
    String surveyPath(String email) throws Exception {
        for (jakarta.mail.internet.MimeMessage m : mailTo(email)) {
            if (m.getSubject().contains(SURVEY[0])) {
                var link = java.util.regex.Pattern.compile("https?://\\S+(/survey/\\S+)").matcher((String) m.getContent());
                assertThat(link.find()).as("a survey link in " + m.getContent()).isTrue();
                return link.group(1);
            }
        }
        throw new AssertionError("no survey email to " + email);
    }

    List<String> tags(String email) {
        return tagCatalogue.of(customerByEmail(email)).current().stream()
                .map(io.rapport.segment.Tags.CustomerTag::code).toList();
    }

    @Test
    void should_install_the_outcome_tags_with_the_playbook() {
        install("rescue");
        assertThat(tagCatalogue.catalogue().stream().map(io.rapport.segment.Tags.Tag::code).toList())
                .contains("rescue_satisfied", "rescue_unhappy", "rescue_no_answer");
        install("rescue"); // again: the tags exist, nothing fails
    }

    @Test
    void should_reject_a_survey_condition_naming_a_step_without_a_survey_link() {
        install("rescue");
        var definition = admin().get("/api/v1/journeys/rescue").json().get("definition").asString()
                .replace("\"survey\": \"survey\"", "\"survey\": \"final\"").replace("\"survey\":\"survey\"",
                        "\"survey\":\"final\"");
        var response = admin().putJson("/api/v1/journeys/rescue", definition);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("condition.survey");
    }

    @Test
    void should_name_the_kind_of_each_churn_reason_the_scoring_module_writes() {
        assertThat(ChurnReasonKind.of("rule.overdue")).isEqualTo("interval");
        assertThat(ChurnReasonKind.of("recency_vs_usual_interval.raising")).isEqualTo("interval");
        assertThat(ChurnReasonKind.of("days_since_last_purchase.raising")).isEqualTo("interval");
        assertThat(ChurnReasonKind.of("order_value_trend.down")).isEqualTo("order-value");
        assertThat(ChurnReasonKind.of("spend_trend.down")).isEqualTo("order-value");
        assertThat(ChurnReasonKind.of("rule.one_purchase_day")).isEqualTo("frequency");
        assertThat(ChurnReasonKind.of("order_trend.down")).isEqualTo("frequency");
        assertThat(ChurnReasonKind.of("rule.returns")).isEqualTo("returns");
        assertThat(ChurnReasonKind.of("service_contacts.raising")).isEqualTo("service");
        assertThat(ChurnReasonKind.of("average_sentiment.lowering")).isEqualTo("service");
        assertThat(ChurnReasonKind.of("rule.no_activity")).isEqualTo("engagement");
        assertThat(ChurnReasonKind.of("channel_share.raising")).isEqualTo("engagement");
        assertThat(ChurnReasonKind.of("text")).isEqualTo("other");
    }
}

@OnH2
class RescuePlaybookOnH2Test extends RescuePlaybookTests {}

@OnPostgres
class RescuePlaybookOnPostgresTest extends RescuePlaybookTests {}
