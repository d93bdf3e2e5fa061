package io.rapport.segment;

import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.analytics.rfm.BusinessGroup;
import io.rapport.analytics.rfm.RfmSegment;
import io.rapport.analytics.rfm.SpendTier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The field catalogue of the segment language: every field a condition may name, its type, where its data comes from,
 * and the extra parameters it takes ({@code event}, {@code sku}, {@code category}, {@code window}, {@code purpose},
 * {@code channel}, {@code tag_value}, {@code per}).
 */
enum SegmentField {
    PROFILE_GENDER("profile.gender", FieldType.TEXT, Source.PROFILE),
    PROFILE_CITY("profile.city", FieldType.TEXT, Source.PROFILE),
    PROFILE_COUNTRY("profile.country", FieldType.TEXT, Source.PROFILE),
    PROFILE_AGE("profile.age", FieldType.NUMBER, Source.PROFILE),
    PROFILE_BIRTHDAY("profile.birthday", FieldType.BIRTHDAY, Source.PROFILE),
    PROFILE_REGISTERED_AT("profile.registered_at", FieldType.TIMESTAMP, Source.PROFILE),

    HAS_EMAIL("identity.email", FieldType.BOOLEAN, Source.PROFILE),
    HAS_PHONE("identity.phone", FieldType.BOOLEAN, Source.PROFILE),
    HAS_MEMBER_NO("identity.member_no", FieldType.BOOLEAN, Source.PROFILE),
    HAS_WECHAT("identity.wechat", FieldType.BOOLEAN, Source.PROFILE),

    CONSENT("consent", FieldType.CONSENT, Source.CONSENT, Set.of("purpose", "channel")),

    ORDER_COUNT("summary.order_count", FieldType.NUMBER, Source.SUMMARY),
    RETURN_COUNT("summary.return_count", FieldType.NUMBER, Source.SUMMARY),
    PURCHASE_DAYS("summary.purchase_days", FieldType.NUMBER, Source.SUMMARY),
    TOTAL_SPEND("summary.total_spend", FieldType.NUMBER, Source.SUMMARY),
    AVERAGE_ORDER_VALUE("summary.average_order_value", FieldType.NUMBER, Source.SUMMARY),
    EVENT_COUNT("summary.event_count", FieldType.NUMBER, Source.SUMMARY),
    FIRST_PURCHASE_AT("summary.first_purchase_at", FieldType.TIMESTAMP, Source.SUMMARY),
    LAST_PURCHASE_AT("summary.last_purchase_at", FieldType.TIMESTAMP, Source.SUMMARY),
    DAYS_SINCE_LAST_PURCHASE("summary.days_since_last_purchase", FieldType.NUMBER, Source.SUMMARY),
    LAST_INTERACTION_AT("summary.last_interaction_at", FieldType.TIMESTAMP, Source.SUMMARY),
    LAST_CHANNEL("summary.last_channel", FieldType.TEXT, Source.SUMMARY),

    LIFECYCLE_STAGE("score.lifecycle_stage", FieldType.CHOICE, Source.SCORES, names(LifecycleStage.values())),
    RFM_SEGMENT("score.rfm_segment", FieldType.CHOICE, Source.SCORES, names(RfmSegment.values())),
    BUSINESS_GROUP("score.business_group", FieldType.CHOICE, Source.SCORES, names(BusinessGroup.values())),
    SPEND_TIER("score.spend_tier", FieldType.CHOICE, Source.SCORES, names(SpendTier.values())),
    RFM_CELL("score.rfm_cell", FieldType.RFM_CELL, Source.SCORES),
    RECENCY_SCORE("score.recency_score", FieldType.NUMBER, Source.SCORES),
    FREQUENCY_SCORE("score.frequency_score", FieldType.NUMBER, Source.SCORES),
    MONETARY_SCORE("score.monetary_score", FieldType.NUMBER, Source.SCORES),
    TOP_VALUE("score.top_value", FieldType.BOOLEAN, Source.SCORES),
    SPEND_12_MONTHS("score.spend_12_months", FieldType.NUMBER, Source.SCORES),
    LIFETIME_VALUE("score.lifetime_value", FieldType.NUMBER, Source.SCORES),
    P_ALIVE("score.p_alive", FieldType.NUMBER, Source.SCORES),
    CHURN_RISK("score.churn_risk", FieldType.NUMBER, Source.SCORES),
    REPURCHASE_PROBABILITY("score.repurchase_probability", FieldType.NUMBER, Source.SCORES),
    EXPECTED_PURCHASES("score.expected_purchases", FieldType.NUMBER, Source.SCORES),

    TAG("tag", FieldType.TAG, Source.TAGS, Set.of("tag_value")),
    SEGMENT("segment", FieldType.SEGMENT, Source.SEGMENTS),

    EVENTS("behaviour.events", FieldType.COUNT, Source.BEHAVIOUR, Set.of("event", "sku", "category", "per", "window")),
    PURCHASES("behaviour.purchases", FieldType.COUNT, Source.BEHAVIOUR, Set.of("sku", "category", "per", "window")),
    PURCHASE_AMOUNT("behaviour.purchase_amount", FieldType.COUNT, Source.BEHAVIOUR, Set.of("sku", "category", "window")),
    LAST_EVENT_AT("behaviour.last_event_at", FieldType.TIMESTAMP, Source.BEHAVIOUR, Set.of("event")),
    CART_ABANDONED_AT("behaviour.cart_abandoned_at", FieldType.TIMESTAMP, Source.BEHAVIOUR);

    /** Where a field's data lives; the compiler joins or sub-selects only what a tree uses. */
    enum Source { PROFILE, SUMMARY, SCORES, CONSENT, TAGS, SEGMENTS, BEHAVIOUR }

    private static final Map<String, SegmentField> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toMap(f -> f.key, Function.identity()));

    final String key;
    final FieldType type;
    final Source source;
    final Set<String> parameters;
    final List<String> choices;

    SegmentField(String key, FieldType type, Source source) {
        this(key, type, source, Set.of(), List.of());
    }

    SegmentField(String key, FieldType type, Source source, Set<String> parameters) {
        this(key, type, source, parameters, List.of());
    }

    SegmentField(String key, FieldType type, Source source, List<String> choices) {
        this(key, type, source, Set.of(), choices);
    }

    SegmentField(String key, FieldType type, Source source, Set<String> parameters, List<String> choices) {
        this.key = key;
        this.type = type;
        this.source = source;
        this.parameters = parameters;
        this.choices = choices;
    }

    static Optional<SegmentField> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }
}
