package io.rapport.journey;

import io.rapport.channel.Outbox;
import io.rapport.channel.SendOutcome;
import io.rapport.channel.WebhookCall;
import io.rapport.platform.RapportException;
import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.Purpose;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code webhook} steps: a call of one of the brand's systems about the customer, queued in the channel outbox in
 * the step's transaction (so it is signed, retried with backoff and dead-lettered like any gateway message), once
 * per visit of the step. The body names the journey, step and instance and the customer by id; with
 * {@code "payload": "masked"} also their masked name, city and birthday, never contact details.
 */
@Component
class WebhookSteps {

    private static final Logger log = LoggerFactory.getLogger(WebhookSteps.class);

    private final Outbox outbox;

    WebhookSteps(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Queues the call; returns the step's outcome ({@code pending}, {@code suppressed:consent-withdrawn} ...). */
    String call(StepActions.Visit visit, JourneyDefinition.Webhook webhook) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", visit.key());
        fields.put("journey", visit.journey());
        fields.put("step", visit.step());
        fields.put("instance", visit.instanceId());
        try {
            SendOutcome queued = outbox.call(new WebhookCall(visit.key(), visit.customerId(), webhook.endpoint(),
                    fields, webhook.payload().equals("masked"),
                    Purpose.valueOf(webhook.purpose().toUpperCase(Locale.ROOT)),
                    webhook.consentChannel().map(ContactChannel::valueOf),
                    JourneyEngine.origin(visit.journey(), visit.step())));
            return "webhook " + webhook.endpoint() + " " + queued.status().toLowerCase(Locale.ROOT)
                    + queued.reason().map(r -> ":" + r).orElse("");
        } catch (RapportException refused) {
            // the endpoint was removed from the configuration since the journey was saved: the customer goes on
            log.warn("Journey {} step {}: webhook not queued: {}", visit.journey(), visit.step(),
                    refused.getMessage());
            return "failed:" + refused.code();
        }
    }
}
