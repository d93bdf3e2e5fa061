package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.channel.ChannelTestSupport;
import io.rapport.channel.Outbox;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhook steps call a configured endpoint of the brand's systems through the outbox: signed like the gateways,
 * retried after a failure, the customer by id (or with masked personal data only), and not at all without consent
 * when the step is for marketing.
 */
abstract class JourneyWebhookStepTests extends JourneyTestBase {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z"));
    }

    /** Calls of this test's journey that reached the endpoint. */
    List<TestGateway.Received> calls(String code) {
        return gateway.received().stream().filter(r -> r.path().equals("/hooks/crm"))
                .filter(r -> r.body().contains("\"journey\":\"" + code + "\"")).toList();
    }

    @Test
    void should_post_a_signed_payload_to_the_endpoint_and_retry_it_after_a_failure() throws Exception {
        long customer = importedCustomer("hook");
        String code = source + "-hook";
        saveJourney(code, """
            {"name": "to the CRM", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [
               {"id": "masked", "type": "webhook", "endpoint": "crm", "payload": "masked"},
               {"id": "ids", "type": "webhook", "endpoint": "crm"}]}""");
        journeys.setStatus(code, "active");
        long instance = enrolByApi(code, customer, "1");
        assertThat(stepOutcomes(instance)).containsExactly("webhook crm pending", "webhook crm pending");

        try {
            gateway.answer(500);
            outbox.dispatchDue();
            assertThat(calls(code)).hasSize(2).allMatch(r -> r.answeredStatus() == 500);
            gateway.answer(200);
            assertThat(outbox.dispatchDue()).as("not before the backoff").isZero();
            clock.advance(Duration.ofMinutes(1));
            assertThat(outbox.dispatchDue()).isEqualTo(2);
        } finally {
            gateway.answer(200);
        }
        List<TestGateway.Received> delivered = calls(code).stream().filter(r -> r.answeredStatus() == 200).toList();
        assertThat(delivered).hasSize(2);
        assertThat(outbox.list(Optional.of("sent"), Optional.of("journey:" + code + ":"), 10)).hasSize(2);

        for (TestGateway.Received call : delivered) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ChannelTestSupport.GATEWAY_SECRET.getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            String signed = call.header("X-Rapport-Timestamp") + "." + call.body();
            assertThat(call.header("X-Rapport-Signature")).isEqualTo("sha256=" + HexFormat.of()
                    .formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8))));
            JsonNode body = JSON.readTree(call.body());
            assertThat(call.header("Idempotency-Key")).isEqualTo(body.get("id").asString());
            assertThat(body.get("instance").asLong()).isEqualTo(instance);
            assertThat(body.get("customer").get("id").asLong()).isEqualTo(customer);
            assertThat(call.body()).doesNotContain("王小明").doesNotContain("@example.com");
        }
        JsonNode masked = JSON.readTree(delivered.stream().filter(r -> r.body().contains("\"step\":\"masked\""))
                .findFirst().orElseThrow().body()).get("customer");
        assertThat(masked.get("name").asString()).startsWith("王").contains("*");
        JsonNode ids = JSON.readTree(delivered.stream().filter(r -> r.body().contains("\"step\":\"ids\""))
                .findFirst().orElseThrow().body()).get("customer");
        assertThat(ids.propertyNames()).containsExactly("id");
    }

    @Test
    void should_not_call_a_marketing_webhook_for_a_customer_who_withdrew_consent_on_its_channel() {
        long withdrew = importedCustomer("nohook");
        long agreed = importedCustomer("okhook");
        ChannelTestSupport.marketingConsent(consents, withdrew, false, "email");
        String code = source + "-mhook";
        saveJourney(code, """
            {"name": "offer via the CRM", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [{"id": "crm", "type": "webhook", "endpoint": "crm", "purpose": "marketing",
                        "consentChannel": "email"}]}""");
        journeys.setStatus(code, "active");
        assertThat(stepOutcomes(enrolByApi(code, withdrew, "1")))
                .containsExactly("webhook crm suppressed:consent-withdrawn");
        assertThat(stepOutcomes(enrolByApi(code, agreed, "1"))).containsExactly("webhook crm pending");
        long changedMind = importedCustomer("latehook");
        assertThat(stepOutcomes(enrolByApi(code, changedMind, "1"))).containsExactly("webhook crm pending");
        ChannelTestSupport.marketingConsent(consents, changedMind, false, "email"); // before the call goes out
        outbox.dispatchDue();
        assertThat(calls(code)).hasSize(1);
        assertThat(calls(code).getFirst().body()).contains("\"id\":" + agreed);
        assertThat(outbox.list(Optional.of("suppressed"), Optional.of("journey:" + code + ":"), 10))
                .extracting(Outbox.Entry::customerId, Outbox.Entry::suppressionReason)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(withdrew, "consent-withdrawn"),
                        org.assertj.core.groups.Tuple.tuple(changedMind, "consent-withdrawn"));
    }

    @Test
    void should_reject_an_unknown_endpoint_and_a_marketing_webhook_without_a_consent_channel() {
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", JSON.readTree("""
                {"name": "bad", "trigger": {"type": "manual"},
                 "steps": [{"id": "a", "type": "webhook", "endpoint": "erp"},
                           {"id": "b", "type": "webhook", "endpoint": "crm", "purpose": "marketing",
                            "payload": "everything"}]}"""));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("field").asString()).isEqualTo("steps[0].endpoint");
        assertThat(response.json().get("detail").asString()).contains("erp").contains("crm");
        assertThat(response.json().get("problems").findValuesAsString("path"))
                .containsExactlyInAnyOrder("steps[0].endpoint", "steps[1].payload", "steps[1].consentChannel");
    }
}

@OnH2
class JourneyWebhookStepOnH2Test extends JourneyWebhookStepTests {}

@OnPostgres
class JourneyWebhookStepOnPostgresTest extends JourneyWebhookStepTests {}
