package io.rapport.ingest;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The JSON shape of one event, shared by the event API and JSON-lines files:
 * <pre>{"external_id":"e-1","type":"product_view","occurred_at":"2025-03-01T10:15:00Z",
 *  "customer_id":"C1","email":"a@b.cn","phone":"+8613812345678","member_no":"M1","device_id":"d1",
 *  "wechat_unionid":"u1","properties":{"sku":"WP-100"}}</pre>
 * {@code source} is given per item on the API (default {@code api}) and by the import job for files.
 */
final class EventJson {

    static final Set<String> SCALARS = Set.of("external_id", "type", "occurred_at", "customer_id", "email", "phone",
            "member_no", "device_id", "wechat_unionid", "source");
    static final int MAX_PROPERTIES_CHARS = 16 * 1024;

    private EventJson() {}

    static IngestRecords.Event read(JsonNode node, long row, String defaultSource, boolean sourceAllowed,
                                    RecordMappers mappers) {
        if (node == null || !node.isObject()) {
            throw new RowProblem(null, null, "an event must be a JSON object");
        }
        Map<String, String> values = new HashMap<>();
        String properties = null;
        for (var entry : node.properties()) {
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            if ("properties".equals(name)) {
                if (!value.isObject() && !value.isNull()) {
                    throw new RowProblem("properties", value.toString(), "'properties' must be a JSON object");
                }
                properties = value.isNull() ? null : value.toString();
                if (properties != null && properties.length() > MAX_PROPERTIES_CHARS) {
                    throw new RowProblem("properties", properties, "'properties' is " + properties.length()
                            + " characters of JSON; the limit is " + MAX_PROPERTIES_CHARS);
                }
            } else if (SCALARS.contains(name)) {
                if ("source".equals(name) && !sourceAllowed) {
                    throw new RowProblem(name, value.toString(), "'source' is set by the import job, not per line");
                }
                if (!value.isNull() && !value.isValueNode()) {
                    throw new RowProblem(name, value.toString(), "'" + name + "' must be a string");
                }
                values.put(name, value.isNull() ? null : value.asString());
            } else {
                throw new RowProblem(name, null, "unknown field '" + name + "'; known fields: properties, "
                        + new java.util.TreeSet<>(SCALARS));
            }
        }
        String source = values.get("source") == null ? defaultSource : values.get("source").strip();
        if (!ImportJobs.SOURCE.matcher(source).matches()) {
            throw new RowProblem("source", source, "'source' must be 1-60 lower-case letters, digits, '_' or '-'");
        }
        return mappers.event(row, source, values, properties);
    }
}
