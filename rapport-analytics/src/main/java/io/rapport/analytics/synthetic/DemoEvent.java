package io.rapport.analytics.synthetic;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A behavioural event of a customer: browsing, cart, app use, message engagement, review.
 *
 * @param externalId         unique id of the event at its source
 * @param customerExternalId the customer's {@link DemoCustomer#externalId()}
 * @param type               one of the type constants of this record
 * @param occurredAt         when it happened
 * @param properties         type-specific details (e.g. {@code sku}, {@code category},
 *                           {@code feature}, {@code campaign}); iteration order is stable
 */
public record DemoEvent(
        String externalId,
        String customerExternalId,
        String type,
        Instant occurredAt,
        Map<String, String> properties) {

    public static final String PRODUCT_VIEW = "product_view";
    public static final String CART_ADD = "cart_add";
    public static final String APP_FEATURE_USE = "app_feature_use";
    public static final String MESSAGE_OPEN = "message_open";
    public static final String MESSAGE_CLICK = "message_click";
    public static final String REVIEW = "review";

    public DemoEvent {
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(customerExternalId, "customerExternalId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        // A copy that keeps insertion order: Map.copyOf would iterate in a per-JVM random order,
        // and the generator's output must be byte-for-byte reproducible.
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
