package io.rapport.segment;

import java.util.List;

/** The kinds of value a segment field holds; each allows the operators that make sense for it. */
enum FieldType {
    NUMBER("eq", "ne", "gt", "ge", "lt", "le", "between", "is_set", "is_not_set"),
    /** A count or sum over a behaviour window: never unknown (no rows is zero). */
    COUNT("eq", "ne", "gt", "ge", "lt", "le", "between"),
    TEXT("eq", "ne", "in", "not_in", "starts_with", "is_set", "is_not_set"),
    CHOICE("eq", "ne", "in", "not_in", "is_set", "is_not_set"),
    RFM_CELL("eq", "ne", "in", "not_in"),
    TIMESTAMP("before", "on_or_after", "between", "in_last_days", "more_than_days_ago", "days_ago_between",
            "in_last_hours", "more_than_hours_ago", "is_set", "is_not_set"),
    BIRTHDAY("in_next_days", "month_is", "is_set", "is_not_set"),
    BOOLEAN("is_true", "is_false"),
    TAG("has", "has_not"),
    SEGMENT("in", "not_in"),
    CONSENT("allowed", "not_allowed");

    final List<String> operators;

    FieldType(String... operators) {
        this.operators = List.of(operators);
    }

    boolean allows(String operator) {
        return operators.contains(operator);
    }

    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
