package io.rapport.cli;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The events {@code rapport load-events} sends, in the event API's JSON. Event {@code i} depends only on the seed,
 * the run id and {@code i}, so batches can be built by any client in any order and a rerun with the same run id
 * sends exactly the same events (which the server then counts as duplicates).
 */
final class LoadEvents {

    /** Behaviour types the demo brand's shop and app send, with the share of each. */
    private static final String[] TYPES = {"product_view", "product_view", "product_view", "product_view",
        "cart_add", "cart_add", "app_feature_use", "message_open", "message_click", "review"};
    private static final String[] SKUS = {"WP-RO600", "AC-INV35", "RF-FD500", "WM-FL100", "VC-RB900", "AP-FLT01",
        "DW-TB60", "ACC-RFORG"};
    /** Events are spread over the 30 days before the base time. */
    private static final long SPREAD_SECONDS = 30L * 24 * 3600;

    private final List<String> customers;
    private final String source;
    private final String runId;
    private final long seed;
    private final Instant base;

    /**
     * @param customers customer ids of {@code source}; every event names one of them
     * @param base      latest event time; every event lies in the 30 days before it
     */
    LoadEvents(List<String> customers, String source, String runId, long seed, Instant base) {
        if (customers.isEmpty()) {
            throw new IllegalArgumentException("no customers");
        }
        this.customers = List.copyOf(customers);
        this.source = source;
        this.runId = runId;
        this.seed = seed;
        this.base = base;
    }

    /** Events {@code from} to {@code from + count - 1} as one JSON array. */
    String batchJson(long from, int count) {
        var json = new StringBuilder(count * 220);
        json.append('[');
        for (int n = 0; n < count; n++) {
            if (n > 0) {
                json.append(',');
            }
            appendEvent(json, from + n);
        }
        return json.append(']').toString();
    }

    private void appendEvent(StringBuilder json, long i) {
        var random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        String type = TYPES[random.nextInt(TYPES.length)];
        String customer = customers.get(random.nextInt(customers.size()));
        Instant at = base.minusSeconds(random.nextLong(SPREAD_SECONDS));
        json.append("{\"source\":");
        string(json, source);
        json.append(",\"external_id\":");
        string(json, runId + "-" + i);
        json.append(",\"type\":\"").append(type).append("\",\"occurred_at\":\"").append(at).append("\",\"customer_id\":");
        string(json, customer);
        json.append(",\"properties\":{");
        switch (type) {
            case "product_view", "cart_add" -> json.append("\"sku\":\"").append(SKUS[random.nextInt(SKUS.length)])
                    .append("\",\"channel\":\"").append(random.nextBoolean() ? "app" : "shop").append('"');
            case "app_feature_use" -> json.append("\"feature\":\"filter_life_check\"");
            case "message_open", "message_click" -> json.append("\"campaign\":\"load-test\",\"channel\":\"app_push\"");
            default -> json.append("\"sku\":\"").append(SKUS[random.nextInt(SKUS.length)]).append("\",\"rating\":")
                    .append(1 + random.nextInt(5));
        }
        json.append("}}");
    }

    /** A JSON string literal (RFC 8259 escapes). */
    static void string(StringBuilder json, String value) {
        json.append('"');
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
