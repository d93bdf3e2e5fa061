package io.rapport.channel;

import java.util.Map;
import java.util.Optional;

/**
 * One message to send: the template decides channel and purpose. {@code dedupeKey} is the caller's idempotency
 * key (e.g. {@code journey:12:v3:customer:981:step:reminder}): the same key twice is one message.
 * {@code origin} says who asked (a journey step, an API user) and is shown in the outbox view.
 */
public record SendRequest(String dedupeKey, long customerId, String template, Map<String, String> variables,
                          String origin, Optional<String> language) {

    public SendRequest {
        variables = variables == null ? Map.of() : Map.copyOf(variables);
        language = language == null ? Optional.empty() : language;
    }

    public SendRequest(String dedupeKey, long customerId, String template, Map<String, String> variables,
                       String origin) {
        this(dedupeKey, customerId, template, variables, origin, Optional.empty());
    }
}
