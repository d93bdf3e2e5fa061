package io.rapport.journey;

import io.rapport.customer.CustomerSummaries;
import io.rapport.ingest.OrderLinesStored;
import io.rapport.privacy.PersonalEventProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What a trigger may filter on and a message may name about a purchase or an event: an order's {@code sku},
 * {@code channel} and, when an active journey filters on it, {@code order_count} (the customer's orders after this
 * batch, from the customer summaries already updated in the storing transaction: {@code "1"} is the first order);
 * and the entry context of an event trigger (the event's plain property values).
 */
@Component
class OrderFacts {

    static final String ORDER_COUNT = "order_count";

    private final CustomerSummaries summaries;
    private final Journeys journeys;
    private final ObjectMapper json;
    private final PersonalEventProperties personal;

    OrderFacts(CustomerSummaries summaries, Journeys journeys, ObjectMapper json, PersonalEventProperties personal) {
        this.summaries = summaries;
        this.journeys = journeys;
        this.json = json;
        this.personal = personal;
    }

    /** The order counts of the batch's customers, only when an active journey filters on them (one query). */
    Map<Long, Integer> counts(OrderLinesStored stored) {
        boolean wanted = journeys.active().stream().anyMatch(j -> j.getValue().trigger().filter()
                .containsKey(ORDER_COUNT));
        return wanted ? summaries.orderCounts(stored.lines().stream().map(OrderLinesStored.Line::customerId)
                .distinct().toList()) : Map.of();
    }

    Map<String, String> properties(OrderLinesStored.Line line, Map<Long, Integer> counts) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("sku", String.valueOf(line.sku()));
        properties.put("channel", String.valueOf(line.channel()));
        Integer count = counts.get(line.customerId());
        if (count != null) {
            properties.put(ORDER_COUNT, count.toString());
        }
        return properties;
    }

    /**
     * An event's top-level text and number properties, as entry context (at most 20). Personal properties (email,
     * phone, address …: privacy's declared keys) are left out: the context is a copy no erasure or encryption covers.
     */
    Map<String, String> context(String propertiesJson) {
        Map<String, String> context = new LinkedHashMap<>();
        if (propertiesJson == null || propertiesJson.isBlank()) {
            return context;
        }
        try {
            JsonNode properties = json.readTree(propertiesJson);
            for (var e : properties.properties()) {
                if ((e.getValue().isString() || e.getValue().isNumber()) && context.size() < 20
                        && e.getValue().asString().length() <= 200
                        && !personal.keys().contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                    context.put(e.getKey(), e.getValue().asString());
                }
            }
        } catch (tools.jackson.core.JacksonException notJson) {
            // an event without readable properties enters without context
        }
        return context;
    }
}
