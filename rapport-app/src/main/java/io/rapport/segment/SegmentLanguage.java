package io.rapport.segment;

import io.rapport.platform.RapportException;
import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.Purpose;
import io.rapport.segment.SegmentCondition.Window;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads a segment's JSON condition tree and checks it before anything runs: unknown fields, operators that do not fit
 * the field's type, bad values and dates, unknown tags and segments, trees that are too deep or too large. Every
 * problem is a 400 whose {@code path} names the node ({@code $.all[1].any[0].value}). See docs/segments.md.
 */
final class SegmentLanguage {

    /** Most levels in a tree, the root (level 1) and the conditions included: 7 levels of groups around a condition. */
    static final int MAX_DEPTH = 8;
    /** Most leaves in one tree. */
    static final int MAX_CONDITIONS = 100;
    /** Longest text value (city, tag code, SKU ...). */
    static final int MAX_TEXT = 200;
    /** Most items in an {@code in} list. */
    static final int MAX_LIST = 1000;
    /** Largest day or hour count in relative dates and windows (about 100 years of days). */
    static final int MAX_DAYS = 36_600;
    static final BigDecimal MAX_NUMBER = new BigDecimal("1e15");

    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_.]{0,59}");
    private static final Pattern RFM_CELL = Pattern.compile("[1-5]{3}");

    /** What validation needs to know beyond the tree: which tags and segments exist. */
    interface References {
        boolean tagExists(String code);

        boolean segmentExists(long id);
    }

    private final References references;
    private int conditions;

    private SegmentLanguage(References references) {
        this.references = references;
    }

    static SegmentCondition parse(JsonNode tree, References references) {
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            throw problem("missing-definition", "$", "The segment needs a definition: a condition tree such as "
                    + "{\"all\":[{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":2}]}");
        }
        return new SegmentLanguage(references).node(tree, "$", 1);
    }

    private SegmentCondition node(JsonNode node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw problem("tree-too-deep", path, "The condition tree is nested deeper than " + MAX_DEPTH
                    + " levels at " + path);
        }
        if (!node.isObject()) {
            throw problem("invalid-node", path, "Expected an object at " + path + " (a group {\"all\":[...]}, "
                    + "{\"any\":[...]}, {\"not\":{...}} or a condition {\"field\":...})");
        }
        if (node.has("field")) {
            return leaf(node, path);
        }
        if (node.size() != 1) {
            throw problem("invalid-node", path, "A group at " + path + " has exactly one key: all, any or not");
        }
        String key = node.propertyNames().iterator().next();
        JsonNode body = node.get(key);
        return switch (key) {
            case "all", "any" -> {
                if (!body.isArray()) {
                    throw problem("invalid-node", path + "." + key, "'" + key + "' at " + path + " takes an array");
                }
                List<SegmentCondition> items = new ArrayList<>();
                for (int i = 0; i < body.size(); i++) {
                    items.add(node(body.get(i), path + "." + key + "[" + i + "]", depth + 1));
                }
                yield new SegmentCondition.Group(path, key.equals("all"), List.copyOf(items));
            }
            case "not" -> new SegmentCondition.Not(path, node(body, path + ".not", depth + 1));
            default -> throw problem("invalid-node", path + "." + clip(key),
                    "Unknown key '" + clip(key) + "' at " + path + ": a group is all, any or not; a condition has field");
        };
    }

    private SegmentCondition leaf(JsonNode node, String path) {
        if (++conditions > MAX_CONDITIONS) {
            throw problem("too-many-conditions", path, "A segment has at most " + MAX_CONDITIONS + " conditions");
        }
        String fieldName = text(node.get("field"), path + ".field");
        SegmentField field = SegmentField.byKey(fieldName).orElseThrow(() -> problem("unknown-field", path + ".field",
                "Unknown field '" + clip(fieldName) + "' at " + path + ".field; see GET /api/v1/segments/fields"));
        for (String key : node.propertyNames()) {
            if (!Set.of("field", "op", "value").contains(key) && !field.parameters.contains(key)) {
                throw problem("unknown-key", path + "." + clip(key), "Field '" + field.key + "' takes no '" + clip(key)
                        + "' (at " + path + "); it takes " + (field.parameters.isEmpty() ? "only op and value"
                        : "op, value and " + String.join(", ", field.parameters.stream().sorted().toList())));
            }
        }
        String operator = text(node.get("op"), path + ".op");
        if (!field.type.allows(operator)) {
            throw problem("operator-not-allowed", path + ".op", "Operator '" + clip(operator) + "' does not apply to "
                    + field.key + " (a " + field.type.wire() + " field) at " + path + ".op; allowed: "
                    + String.join(", ", field.type.operators));
        }
        Map<String, String> parameters = parameters(node, field, path);
        Optional<Window> window = field.parameters.contains("window")
                ? Optional.of(window(node.get("window"), path + ".window")) : Optional.empty();
        List<Object> values = values(node.get("value"), field, operator, path + ".value");
        return new SegmentCondition.Leaf(path, field, operator, values, parameters, window);
    }

    private Map<String, String> parameters(JsonNode node, SegmentField field, String path) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : field.parameters) {
            if (name.equals("window")) {
                continue;
            }
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                continue;
            }
            String text = text(value, path + "." + name);
            switch (name) {
                case "event" -> {
                    if (!EVENT_TYPE.matcher(text).matches()) {
                        throw problem("invalid-value", path + ".event", "'event' at " + path + " is an event type such "
                                + "as product_view: lower-case letters, digits, _ or ., starting with a letter");
                    }
                }
                case "per" -> {
                    if (!text.equals("sku") && !text.equals("category")) {
                        throw problem("invalid-value", path + ".per", "'per' at " + path + " is sku or category: the "
                                + "condition holds when the count of some single SKU (or category) passes");
                    }
                }
                case "purpose" -> enumValue(Purpose.class, text, path + ".purpose");
                case "channel" -> enumValue(ContactChannel.class, text, path + ".channel");
                default -> { }
            }
            parameters.put(name, name.equals("purpose") || name.equals("channel")
                    ? text.toUpperCase(Locale.ROOT) : text);
        }
        if (field.parameters.contains("event") && field != SegmentField.EVENTS && !parameters.containsKey("event")) {
            throw problem("missing-value", path + ".event", "'" + field.key + "' at " + path + " needs 'event' (an event "
                    + "type such as cart_add, or purchase)");
        }
        if (field == SegmentField.EVENTS && !parameters.containsKey("event")) {
            throw problem("missing-value", path + ".event", "'behaviour.events' at " + path + " needs 'event' (an event "
                    + "type such as product_view)");
        }
        if (parameters.containsKey("per") && (parameters.containsKey("sku") || parameters.containsKey("category"))) {
            throw problem("invalid-value", path + ".per", "Give either 'per' or a 'sku' / 'category' at " + path);
        }
        if (parameters.containsKey("sku") && parameters.containsKey("category")) {
            throw problem("invalid-value", path + ".category", "Give either 'sku' or 'category' at " + path + ", not both");
        }
        if (field == SegmentField.CONSENT) {
            for (String name : List.of("purpose", "channel")) {
                if (!parameters.containsKey(name)) {
                    throw problem("missing-value", path + "." + name, "'consent' at " + path + " needs '" + name + "'");
                }
            }
        }
        return Map.copyOf(parameters);
    }

    private static <E extends Enum<E>> void enumValue(Class<E> type, String text, String path) {
        try {
            Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw problem("invalid-value", path, "'" + clip(text) + "' at " + path + " is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    private Window window(JsonNode node, String path) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw problem("invalid-window", path, "A behaviour condition needs 'window' at " + path + ": one of "
                    + "{\"in_last_days\":7}, {\"days_ago_between\":[300,400]}, {\"between\":[\"2025-01-01\",\"2025-03-31\"]}, "
                    + "{\"anniversary\":{\"months\":12,\"in_next_days\":7}}");
        }
        String kind = node.propertyNames().iterator().next();
        JsonNode body = node.get(kind);
        String at = path + "." + kind;
        return switch (kind) {
            case "in_last_days" -> new Window.InLastDays(days(body, at, 1));
            case "days_ago_between" -> {
                int[] range = dayRange(body, at);
                yield new Window.DaysAgoBetween(range[0], range[1]);
            }
            case "between" -> {
                LocalDate[] range = dateRange(body, at);
                yield new Window.Between(range[0], range[1]);
            }
            case "anniversary" -> {
                if (!body.isObject()) {
                    throw problem("invalid-window", at, "'anniversary' at " + path + " is {\"months\":12,\"in_next_days\":7}");
                }
                int months = integer(body.get("months"), at + ".months", 1, 1200);
                yield new Window.Anniversary(months, integer(body.get("in_next_days"), at + ".in_next_days", 1, 366));
            }
            default -> throw problem("invalid-window", path + "." + clip(kind), "Unknown window '" + clip(kind) + "' at "
                    + path + "; use in_last_days, days_ago_between, between or anniversary");
        };
    }

    private List<Object> values(JsonNode value, SegmentField field, String operator, String path) {
        boolean absent = value == null || value.isNull();
        return switch (operator) {
            case "is_set", "is_not_set", "is_true", "is_false", "allowed", "not_allowed" -> {
                if (!absent) {
                    throw problem("invalid-value", path, "Operator '" + operator + "' takes no value (at " + path + ")");
                }
                yield List.of();
            }
            case "eq", "ne", "gt", "ge", "lt", "le" -> List.of(scalar(value, field, path));
            case "between" -> switch (field.type) {
                case TIMESTAMP -> List.of((Object[]) dateRange(value, path));
                default -> {
                    if (value == null || !value.isArray() || value.size() != 2) {
                        throw problem("invalid-value", path, "'between' at " + path + " takes [low, high]");
                    }
                    BigDecimal low = number(value.get(0), path + "[0]");
                    BigDecimal high = number(value.get(1), path + "[1]");
                    if (low.compareTo(high) > 0) {
                        throw problem("invalid-value", path, "'between' at " + path + " needs low <= high");
                    }
                    yield List.of(low, high);
                }
            };
            case "in", "not_in" -> {
                if (field.type == FieldType.SEGMENT) {
                    yield List.of(segment(value, path));
                }
                if (value == null || !value.isArray() || value.isEmpty() || value.size() > MAX_LIST) {
                    throw problem("invalid-value", path, "'" + operator + "' at " + path + " takes a list of 1 to "
                            + MAX_LIST + " values");
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < value.size(); i++) {
                    items.add(scalar(value.get(i), field, path + "[" + i + "]"));
                }
                yield List.copyOf(items);
            }
            case "starts_with" -> List.of(text(value, path));
            case "before", "on_or_after" -> List.of(date(value, path));
            case "in_last_days", "more_than_days_ago", "in_last_hours", "more_than_hours_ago" ->
                    List.of(days(value, path, operator.equals("in_last_days") ? 1 : 0));
            case "days_ago_between" -> {
                int[] range = dayRange(value, path);
                yield List.of(range[0], range[1]);
            }
            case "in_next_days" -> List.of(integer(value, path, 0, 366));
            case "month_is" -> List.of(integer(value, path, 1, 12));
            case "has", "has_not" -> {
                String code = text(value, path);
                if (!references.tagExists(code)) {
                    throw problem("unknown-tag", path, "Unknown tag '" + clip(code) + "' at " + path
                            + "; see GET /api/v1/tags");
                }
                yield List.of(code);
            }
            default -> throw new IllegalStateException("operator without value rule: " + operator);
        };
    }

    private Object scalar(JsonNode value, SegmentField field, String path) {
        return switch (field.type) {
            case NUMBER, COUNT -> number(value, path);
            case CHOICE -> {
                String text = text(value, path);
                if (!field.choices.isEmpty() && !field.choices.contains(text)) {
                    throw problem("invalid-value", path, "'" + clip(text) + "' at " + path + " is not a value of "
                            + field.key + "; one of " + String.join(", ", field.choices));
                }
                yield text;
            }
            case RFM_CELL -> {
                String text = text(value, path);
                if (!RFM_CELL.matcher(text).matches()) {
                    throw problem("invalid-value", path, "An RFM cell at " + path + " is three digits 1-5 (R, F, M), "
                            + "such as 555");
                }
                yield text;
            }
            default -> text(value, path);
        };
    }

    private long segment(JsonNode value, String path) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw problem("invalid-value", path, "A segment condition at " + path + " takes a segment id (a number)");
        }
        long id = value.asLong();
        if (!references.segmentExists(id)) {
            throw problem("unknown-segment", path, "Segment " + id + " at " + path + " does not exist");
        }
        return id;
    }

    private static String text(JsonNode value, String path) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw problem("missing-value", path, "A value is required at " + path);
        }
        if (!value.isString()) {
            throw problem("invalid-value", path, "Expected text at " + path);
        }
        String text = value.asString();
        if (text.isEmpty()) {
            throw problem("invalid-value", path, "Empty text at " + path);
        }
        if (text.length() > MAX_TEXT) {
            throw problem("value-too-long", path, "Text at " + path + " is longer than " + MAX_TEXT + " characters");
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw problem("invalid-value", path, "Text at " + path + " contains control characters");
        }
        return text;
    }

    private static BigDecimal number(JsonNode value, String path) {
        if (value == null || !value.isNumber()) {
            throw problem("invalid-value", path, "Expected a number at " + path);
        }
        BigDecimal number = value.decimalValue();
        if (number.abs().compareTo(MAX_NUMBER) > 0) {
            throw problem("invalid-value", path, "The number at " + path + " is out of range");
        }
        return number;
    }

    private static int integer(JsonNode value, String path, int min, int max) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
                || value.asLong() < min || value.asLong() > max) {
            throw problem("invalid-value", path, "Expected a whole number from " + min + " to " + max + " at " + path);
        }
        return (int) value.asLong();
    }

    private static int days(JsonNode value, String path, int min) {
        return integer(value, path, min, MAX_DAYS);
    }

    private static int[] dayRange(JsonNode value, String path) {
        if (value == null || !value.isArray() || value.size() != 2) {
            throw problem("invalid-value", path, "Expected [from, to] in days ago at " + path + ", such as [300, 400]");
        }
        int from = days(value.get(0), path + "[0]", 0);
        int to = days(value.get(1), path + "[1]", 0);
        if (from > to) {
            throw problem("invalid-value", path, "Expected [fewer, more] days ago at " + path);
        }
        return new int[] {from, to};
    }

    private static LocalDate[] dateRange(JsonNode value, String path) {
        if (value == null || !value.isArray() || value.size() != 2) {
            throw problem("invalid-value", path, "Expected [first, last] dates at " + path
                    + ", such as [\"2025-01-01\", \"2025-03-31\"]");
        }
        LocalDate first = date(value.get(0), path + "[0]");
        LocalDate last = date(value.get(1), path + "[1]");
        if (first.isAfter(last)) {
            throw problem("invalid-date", path, "The first date at " + path + " is after the last");
        }
        return new LocalDate[] {first, last};
    }

    private static LocalDate date(JsonNode value, String path) {
        String text = text(value, path);
        try {
            LocalDate date = LocalDate.parse(text);
            if (date.getYear() < 1900 || date.getYear() > 2200) {
                throw problem("invalid-date", path, "The date at " + path + " is out of range (1900-2200)");
            }
            return date;
        } catch (DateTimeParseException e) {
            throw problem("invalid-date", path, "'" + clip(text) + "' at " + path
                    + " is not a date (expected YYYY-MM-DD, in the brand's time zone)");
        }
    }

    /** User text echoed in a message: short, so a 1 MB value never comes back in the error. */
    static String clip(String text) {
        String safe = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return safe.replaceAll("\\p{Cntrl}", "?");
    }

    static RapportException problem(String code, String path, String message) {
        return RapportException.badRequest(code, path, message).with("path", path);
    }
}
