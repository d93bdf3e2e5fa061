package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.scoring.ChurnRiskCrossed;
import io.rapport.scoring.LifecycleStageChanged;
import io.rapport.scoring.RepurchaseProbabilityFell;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Score-crossing triggers: the scoring run's change events (published by scoring only on the crossing, see
 * ScoringTests) enrol customers into journeys whose trigger names that change, under the journey's re-entry rule.
 */
abstract class JourneyScoreTriggerTests extends JourneyTestBase {

    static final ZoneId BRAND = ZoneId.of("Asia/Shanghai");

    @Autowired
    ApplicationEventPublisher events;

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z")); // 10:00 in Shanghai
    }

    long customer(String email) {
        String csv = "customer_id,name,email,time_zone\n" + email + ",客户," + email + ",Asia/Shanghai\n";
        var response = importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isLessThan(300);
        return customerByEmail(email);
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), BRAND);
    }

    void scoreJourney(String code, String trigger, String reentry) {
        template(code + "-t", "marketing", List.of(), "我们想念您 {{customer.name}}");
        saveJourney(code, """
            {"name": "score", "trigger": %s, "holdoutPercent": 0, "reentry": %s,
             "steps": [{"id": "reach", "type": "send", "template": "%s"}]}
            """.formatted(trigger, reentry, code + "-t"));
        journeys.setStatus(code, "active");
    }

    @Test
    void should_enrol_when_the_repurchase_probability_falls_below_the_threshold_once_per_period() throws Exception {
        String email = source + "-fell@example.com";
        long id = customer(email);
        String code = source + "-fell";
        scoreJourney(code, """
            {"type": "score", "score": "repurchase-probability-fell"}""", """
            {"oncePer": "P180D"}""");

        events.publishEvent(new RepurchaseProbabilityFell(id, 0.35, 0.12, 0.2, 90, 1, today()));
        outbox.dispatchDue();
        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(1);
        assertThat(mailTo(email)).hasSize(1);

        clock.advance(Duration.ofDays(30)); // it rose again and fell again within the period: no second rescue
        events.publishEvent(new RepurchaseProbabilityFell(id, 0.25, 0.15, 0.2, 90, 2, today()));
        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(1);

        clock.advance(Duration.ofDays(151)); // 181 days after the first entry
        events.publishEvent(new RepurchaseProbabilityFell(id, 0.22, 0.10, 0.2, 90, 3, today()));
        outbox.dispatchDue();
        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(2);
        assertThat(mailTo(email)).hasSize(2);
    }

    @Test
    void should_enrol_when_the_lifecycle_stage_becomes_dormant_and_not_on_other_stage_changes() throws Exception {
        String email = source + "-dormant@example.com";
        long id = customer(email);
        long other = customer(source + "-other@example.com");
        String code = source + "-dormant";
        scoreJourney(code, """
            {"type": "score", "score": "lifecycle-stage", "to": "dormant"}""", "\"always\"");

        events.publishEvent(new LifecycleStageChanged(other, LifecycleStage.NEW, LifecycleStage.ACTIVE, 1, today()));
        events.publishEvent(new LifecycleStageChanged(other, LifecycleStage.ACTIVE, LifecycleStage.CHURNED, 2, today()));
        assertThat(journeys.stats(code).treatment().entered()).isZero();

        events.publishEvent(new LifecycleStageChanged(id, LifecycleStage.ACTIVE, LifecycleStage.DORMANT, 3, today()));
        events.publishEvent(new LifecycleStageChanged(id, LifecycleStage.ACTIVE, LifecycleStage.DORMANT, 3, today()));
        outbox.dispatchDue();
        assertThat(journeys.stats(code).treatment().entered()).as("the same run's change enrols once").isEqualTo(1);
        assertThat(mailTo(email)).hasSize(1);
        assertThat(mailTo(source + "-other@example.com")).isEmpty();
    }

    @Test
    void should_enrol_on_a_churn_risk_crossing_only_from_the_named_stage_and_once_ever() {
        long id = customer(source + "-risk@example.com");
        String code = source + "-risk";
        scoreJourney(code, """
            {"type": "score", "score": "churn-risk-crossed"}""", "\"once\"");
        String stageCode = source + "-from";
        scoreJourney(stageCode, """
            {"type": "score", "score": "lifecycle-stage", "from": "active", "to": "churned"}""", "\"always\"");

        events.publishEvent(new ChurnRiskCrossed(id, 0.3, 0.7, 0.5, "model", 1, today()));
        clock.advance(Duration.ofDays(400));
        events.publishEvent(new ChurnRiskCrossed(id, 0.2, 0.6, 0.5, "fallback", 2, today()));
        events.publishEvent(new LifecycleStageChanged(id, LifecycleStage.DORMANT, LifecycleStage.CHURNED, 2, today()));

        assertThat(journeys.stats(code).treatment().entered()).isEqualTo(1);
        assertThat(journeys.stats(stageCode).treatment().entered()).as("from dormant, not active").isZero();
    }

    @Test
    void should_reject_a_score_trigger_naming_an_unknown_change_or_stage_with_its_path() {
        var unknown = admin().putJson("/api/v1/journeys/" + source + "-bad1", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "x", "trigger": {"type": "score", "score": "mood-fell"},
                     "steps": [{"id": "e", "type": "exit"}]}"""));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("trigger.score").contains("repurchase-probability-fell");
        var stage = admin().putJson("/api/v1/journeys/" + source + "-bad2", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "x", "trigger": {"type": "score", "score": "lifecycle-stage", "to": "sleepy"},
                     "steps": [{"id": "e", "type": "exit"}]}"""));
        assertThat(stage.status()).isEqualTo(400);
        assertThat(stage.body()).contains("trigger.to").contains("dormant");
    }
}

@OnH2
class JourneyScoreTriggerOnH2Test extends JourneyScoreTriggerTests {}

@OnPostgres
class JourneyScoreTriggerOnPostgresTest extends JourneyScoreTriggerTests {}
