package io.rapport.channel;

import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.Purpose;
import java.util.Map;
import java.util.Optional;

/**
 * A call of one of the brand's own systems about a customer (a journey's {@code webhook} step): a signed JSON POST
 * to the configured endpoint {@code endpoint} ({@code rapport.channel.webhooks.<endpoint>}), queued in the outbox
 * like any message (retries with backoff, dead letter, manual retry). The body is {@code fields} plus
 * {@code customer}: the id only, or with {@code masked} the customer's masked name, city and birthday as well.
 * When {@code consentChannel} is given, the customer's consent for {@code purpose} on it is asked when the call is
 * queued and again right before each attempt; a refusal is recorded as a suppressed row. {@code dedupeKey} makes a repeated call one call.
 */
public record WebhookCall(String dedupeKey, long customerId, String endpoint, Map<String, Object> fields,
                          boolean masked, Purpose purpose, Optional<ContactChannel> consentChannel, String origin) {

    public WebhookCall {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        consentChannel = consentChannel == null ? Optional.empty() : consentChannel;
    }

    /** The outbox recipient of a call to an endpoint: how the gateway adapter tells it from a webhook template. */
    static final String RECIPIENT_PREFIX = "endpoint:";
}
