package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.loyalty.Members;
import io.rapport.loyalty.Points;
import io.rapport.loyalty.Rewards;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Points and coupon steps act through the loyalty module's API, once per visit of the step, and a refusal by
 * loyalty (not a member, out of stock) is the step's outcome, not the journey's failure.
 */
abstract class JourneyLoyaltyStepTests extends JourneyTestBase {

    @Autowired
    Members members;
    @Autowired
    Points points;
    @Autowired
    Rewards rewards;
    @Autowired
    JourneyEngine engine;
    @Autowired
    TransactionTemplate transaction;

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z")); // 10:00 in Shanghai
    }

    /** An imported customer (the brand markets on legitimate interests here). */
    long customer(String name) {
        String email = source + "-" + name + "@example.com";
        String csv = "customer_id,name,email,time_zone\n" + source + "-" + name + ",客户," + email + ",Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .status()).isLessThan(300);
        return customerByEmail(email);
    }

    String reward(String suffix, long stock) {
        String code = source.substring(0, 12) + "-" + suffix;
        rewards.save(new Rewards.Reward(code, "Gift " + suffix, "coupon", 500, Optional.of(stock), Optional.empty(),
                Optional.empty(), 30, Optional.of(new BigDecimal("20.00")), true));
        return code;
    }

    String journey(String reward) {
        template(source + "-thanks", "service", List.of(), "谢谢");
        String code = source + "-gift";
        saveJourney(code, """
            {"name": "gift", "trigger": {"type": "manual"}, "reentry": "always", "holdoutPercent": 0,
             "steps": [
               {"id": "bonus", "type": "points", "points": 100},
               {"id": "gift", "type": "coupon", "reward": "%s"},
               {"id": "thanks", "type": "send", "template": "%s"}]}
            """.formatted(reward, source + "-thanks"));
        journeys.setStatus(code, "active");
        return code;
    }

    long enrol(String code, long customerId) {
        var response = admin().postJson("/api/v1/journeys/" + code + "/enrolments",
                Map.of("customerId", customerId, "key", source));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("instanceId").asLong();
    }

    List<String> outcomes(long instanceId) {
        return db.select(DSL.field("outcome", String.class)).from("journey_step_log")
                .where(DSL.field("instance_id").eq(instanceId)).orderBy(DSL.field("id")).fetch().getValues(0,
                        String.class);
    }

    @Test
    void should_grant_points_and_a_coupon_once_per_visit_even_when_the_visit_runs_again() {
        long customer = customer("member");
        members.enrol(customer);
        String code = journey(reward("ok", 5));
        long instance = enrol(code, customer);
        assertThat(points.balance(customer).points()).isEqualTo(100);
        assertThat(rewards.coupons(customer)).hasSize(1);

        // the same visit again (as after a crash between the grant and the end of the advance): same key, no grant
        transaction.executeWithoutResult(s -> {
            db.update(DSL.table("journey_instance")).set(DSL.field("status"), "active")
                    .set(DSL.field("current_step"), "bonus").setNull(DSL.field("finished_at"))
                    .where(DSL.field("id").eq(instance)).execute();
            engine.advance(instance);
        });

        assertThat(points.balance(customer).points()).isEqualTo(100);
        assertThat(points.history(customer, 0, 10)).hasSize(1)
                .allSatisfy(e -> assertThat(e.source()).isEqualTo(StepActions.SOURCE));
        assertThat(rewards.coupons(customer)).hasSize(1);
        assertThat(rewards.coupons(customer).getFirst().points()).as("a gift costs no points").isZero();
        assertThat(outcomes(instance)).element(3).isEqualTo("points 100 already granted");
        assertThat(outcomes(instance)).element(4).asString().endsWith("already issued");
        assertThat(points.ledgerSums(customer).points()).isEqualTo(100);
    }

    @Test
    void should_record_the_refusal_and_go_on_when_loyalty_refuses_the_grant() throws Exception {
        long stranger = customer("stranger");
        long member = customer("member");
        members.enrol(member);
        String code = journey(reward("none", 0));

        long strangerInstance = enrol(code, stranger);
        long memberInstance = enrol(code, member);

        assertThat(outcomes(strangerInstance)).startsWith("refused:member-not-found", "refused:member-not-found");
        assertThat(outcomes(memberInstance)).startsWith("points 100 granted", "refused:reward-out-of-stock");
        assertThat(points.balance(member).points()).as("the grant before the refusal is kept").isEqualTo(100);
        assertThat(rewards.coupons(member)).isEmpty();
        assertThat(journeys.stats(code).byStatus().get("completed")).isEqualTo(2);
        outbox.dispatchDue();
        assertThat(mailTo(source + "-stranger@example.com")).as("the step after the refusal ran").hasSize(1);
        assertThat(mailTo(source + "-member@example.com")).hasSize(1);
    }

    @Test
    void should_reject_a_grant_step_without_points_or_with_an_unknown_reward() {
        var noPoints = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "a", "type": "points", "points": 0}]}"""));
        assertThat(noPoints.status()).isEqualTo(400);
        assertThat(noPoints.json().get("field").asString()).isEqualTo("steps[0].points");
        var unknown = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "a", "type": "coupon", "reward": "NOPE-%s"}]}""".formatted(source)));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("field").asString()).isEqualTo("steps[0].reward");
        assertThat(unknown.json().get("detail").asString()).contains("unknown reward");
    }
}

@OnH2
class JourneyLoyaltyStepOnH2Test extends JourneyLoyaltyStepTests {}

@OnPostgres
class JourneyLoyaltyStepOnPostgresTest extends JourneyLoyaltyStepTests {}
