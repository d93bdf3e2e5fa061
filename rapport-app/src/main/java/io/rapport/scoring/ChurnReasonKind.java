package io.rapport.scoring;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a churn reason is about, in a word a retention journey can branch on: the model's feature reasons
 * ({@code order_value_trend.down}) and the fallback's rules ({@code rule.overdue}) grouped by the lever that answers
 * them — {@code interval} (overdue against the usual rhythm, long absence), {@code frequency} (few purchase days or
 * orders, orders falling), {@code order-value} (spend or order value falling), {@code returns}, {@code service}
 * (service contacts, sentiment), {@code engagement} (no app, web or message activity, channel shift), else
 * {@code other}.
 */
public final class ChurnReasonKind {

    /** The kinds, as a journey names them. */
    public static final List<String> KINDS = List.of("interval", "frequency", "order-value", "returns", "service",
            "engagement", "other");

    private static final Map<String, String> BY_FEATURE = Map.ofEntries(
            Map.entry("recency_vs_usual_interval", "interval"),
            Map.entry("days_since_last_purchase", "interval"),
            Map.entry("overdue", "interval"),
            Map.entry("overdue_population", "interval"),
            Map.entry("p_alive", "interval"),
            Map.entry("long_absence", "interval"),
            Map.entry("purchase_days", "frequency"),
            Map.entry("one_purchase_day", "frequency"),
            Map.entry("orders_per_year", "frequency"),
            Map.entry("orders_last_180_days", "frequency"),
            Map.entry("order_trend", "frequency"),
            Map.entry("spend_trend", "order-value"),
            Map.entry("order_value_trend", "order-value"),
            Map.entry("total_spend", "order-value"),
            Map.entry("return_rate", "returns"),
            Map.entry("returns", "returns"),
            Map.entry("service_contacts", "service"),
            Map.entry("average_sentiment", "service"),
            Map.entry("events_last_30_days", "engagement"),
            Map.entry("no_activity", "engagement"),
            Map.entry("channel_share", "engagement"));

    private ChurnReasonKind() {}

    /** The kind of a stored reason code ({@code rule.returns}, {@code spend_trend.down}, {@code text}). */
    public static String of(String code) {
        String c = code.toLowerCase(Locale.ROOT);
        String feature = c.startsWith("rule.") ? c.substring(5) : c;
        int dot = feature.indexOf('.');
        feature = dot < 0 ? feature : feature.substring(0, dot);
        return BY_FEATURE.getOrDefault(feature, "other");
    }

    /** The kind of the customer's most telling churn reason in these scores; empty without scores or reasons. */
    public static Optional<String> top(Optional<CustomerScores.CustomerScore> score) {
        return score.flatMap(s -> s.reasonCodes().stream().findFirst()).map(r -> of(r.code()));
    }
}
