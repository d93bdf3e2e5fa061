package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.loyalty.Members;
import io.rapport.loyalty.Rewards;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A coupon a journey issued is quoted by a later message: its code and expiry day, kept with the instance. */
abstract class JourneyCouponVariableTests extends JourneyTestBase {

    @Autowired
    Members members;
    @Autowired
    Rewards rewards;

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    String journey(long stock) {
        String reward = source.substring(0, 12) + "-g" + stock;
        rewards.save(new Rewards.Reward(reward, "Gift", "coupon", 500, Optional.of(stock), Optional.empty(),
                Optional.empty(), 30, Optional.of(new BigDecimal("20.00")), true));
        template(source + "-code", "service", List.of("code", "until"),
                "您的券码 {{code}}，有效期至 {{until}}。");
        String code = source + "-coupon" + stock;
        saveJourney(code, """
            {"name": "coupon then message", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [
               {"id": "gift", "type": "coupon", "reward": "%s"},
               {"id": "day", "type": "wait", "duration": "P1D"},
               {"id": "tell", "type": "send", "template": "%s",
                "variables": {"code": "{{coupon.code}}", "until": "{{ coupon.expires }}"}}]}
            """.formatted(reward, source + "-code"));
        journeys.setStatus(code, "active");
        return code;
    }

    @Test
    void should_quote_the_issued_coupon_code_and_expiry_in_a_later_message() throws Exception {
        long customer = importedCustomer("coupon");
        members.enrol(customer);
        long instance = enrolByApi(journey(5), customer, "1");
        Rewards.Coupon coupon = rewards.coupons(customer).getFirst();

        advance(Duration.ofDays(1), () -> stepsTaken(instance).contains("tell"));
        outbox.dispatchDue();

        var mail = mailTo(source + "-coupon@example.com");
        assertThat(mail).hasSize(1);
        String body = ((String) mail.getFirst().getContent()).strip();
        String expires = coupon.expiresAt().atZoneSameInstant(java.time.ZoneId.of("Asia/Shanghai")).toLocalDate()
                .toString();
        assertThat(body).startsWith("您的券码 " + coupon.code() + "，有效期至 " + expires + "。");
        assertThat(db.select(DSL.field("variables", String.class)).from("journey_instance")
                .where(DSL.field("id").eq(instance)).fetchOne().value1()).contains(coupon.code());
    }

    @Test
    void should_send_no_message_quoting_a_coupon_that_was_refused() {
        long customer = importedCustomer("nostock");
        members.enrol(customer);
        long instance = enrolByApi(journey(0), customer, "1");
        advance(Duration.ofDays(1), () -> stepsTaken(instance).contains("tell"));
        assertThat(stepOutcomes(instance)).first().asString().startsWith("refused:");
        assertThat(stepOutcomes(instance)).last().isEqualTo("skipped:no-coupon.code");
        assertThat(outbox.list(Optional.empty(), Optional.of("journey:" + source + "-coupon0:"), 10)).isEmpty();
    }

    @Test
    void should_issue_no_coupon_when_the_message_right_after_it_would_be_suppressed() throws Exception {
        String reward = source.substring(0, 12) + "-told";
        rewards.save(new Rewards.Reward(reward, "10 % off", "coupon", 0, Optional.empty(), Optional.empty(),
                Optional.empty(), 7, Optional.empty(), true));
        template(source + "-promo", "marketing", List.of("code"), "您的优惠码 {{code}}。");
        String code = source + "-told";
        saveJourney(code, """
            {"name": "coupon and its message", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [
               {"id": "code", "type": "coupon", "reward": "%s"},
               {"id": "tell", "type": "send", "template": "%s", "variables": {"code": "{{coupon.code|SHARED10}}"}}]}
            """.formatted(reward, source + "-promo"));
        journeys.setStatus(code, "active");
        long optedOut = importedCustomer("optout");
        long optedIn = importedCustomer("optin");
        members.enrol(optedOut);
        members.enrol(optedIn);
        io.rapport.channel.ChannelTestSupport.marketingConsent(consents, optedOut, false, "email");

        long untold = enrolByApi(code, optedOut, "1");
        long told = enrolByApi(code, optedIn, "1");
        outbox.dispatchDue();

        assertThat(stepOutcomes(untold)).as("no coupon that no message would tell of")
                .containsExactly("skipped:consent-withdrawn", "suppressed:consent-withdrawn");
        assertThat(rewards.coupons(optedOut)).isEmpty();
        assertThat(mailTo(source + "-optout@example.com")).isEmpty();

        Rewards.Coupon issued = rewards.coupons(optedIn).getFirst();
        assertThat(stepOutcomes(told).getFirst()).startsWith("coupon " + reward + " " + issued.code());
        var mail = mailTo(source + "-optin@example.com");
        assertThat(mail).hasSize(1);
        assertThat((String) mail.getFirst().getContent()).contains("您的优惠码 " + issued.code() + "。");
    }

    @Test
    void should_quote_the_fallback_not_an_earlier_coupon_when_the_latest_coupon_step_was_refused() throws Exception {
        long customer = importedCustomer("second");
        members.enrol(customer);
        String first = source.substring(0, 12) + "-first";
        String second = source.substring(0, 12) + "-second";
        rewards.save(new Rewards.Reward(first, "15 % off", "coupon", 0, Optional.empty(), Optional.empty(),
                Optional.empty(), 14, Optional.empty(), true));
        rewards.save(new Rewards.Reward(second, "25 % off", "coupon", 0, Optional.empty(), Optional.empty(),
                Optional.empty(), 7, Optional.empty(), false));
        template(source + "-offer", "service", List.of("code"), "最后的优惠码 {{code}}。");
        String code = source + "-two";
        saveJourney(code, """
            {"name": "two coupons", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [
               {"id": "first", "type": "coupon", "reward": "%s"},
               {"id": "second", "type": "coupon", "reward": "%s"},
               {"id": "tell", "type": "send", "template": "%s", "variables": {"code": "{{coupon.code|SHARED25}}"}}]}
            """.formatted(first, second, source + "-offer"));
        journeys.setStatus(code, "active");
        long instance = enrolByApi(code, customer, "1");
        outbox.dispatchDue();

        assertThat(stepOutcomes(instance).get(1)).isEqualTo("refused:reward-inactive");
        String issued = rewards.coupons(customer).getFirst().code();
        var mail = mailTo(source + "-second@example.com");
        assertThat(mail).hasSize(1);
        assertThat((String) mail.getFirst().getContent()).contains("最后的优惠码 SHARED25。").doesNotContain(issued);
    }

    @Test
    void should_reject_quoting_a_coupon_without_a_coupon_step_or_an_unknown_journey_variable() {
        template(source + "-code", "service", List.of("code", "until"), "{{code}} {{until}}");
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "tell", "type": "send", "template": "%s",
                                "variables": {"code": "{{coupon.code}}", "until": "{{coupon.when}}"}}]}"""
                        .formatted(source + "-code")));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("problems").findValuesAsString("path"))
                .containsExactlyInAnyOrder("steps[0].variables.code", "steps[0].variables.until");
    }
}

@OnH2
class JourneyCouponVariableOnH2Test extends JourneyCouponVariableTests {}

@OnPostgres
class JourneyCouponVariableOnPostgresTest extends JourneyCouponVariableTests {}
