package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.customer.CustomerSegmentSource;
import io.rapport.customer.IdentityKind;
import io.rapport.platform.RapportException;
import io.rapport.privacy.ConsentConditions;
import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.Purpose;
import io.rapport.scoring.ScoreSegmentSource;
import io.rapport.segment.SegmentCondition.Days;
import io.rapport.segment.SegmentCondition.Leaf;
import io.rapport.segment.SegmentField.Source;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jooq.AggregateFunction;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.SelectJoinStep;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.http.HttpStatus;

/**
 * Turns a validated condition tree into one jOOQ condition over the customer id, for one SELECT on
 * {@link CustomerSegmentSource#profiles()}. Every user value is a bind value: nothing a user typed is ever part of
 * the SQL text. Relative dates are resolved here, against {@code today} in the brand's time zone.
 */
final class SegmentCompiler {

    /** Most levels of segments inside segments (a condition naming a segment whose condition names a segment ...). */
    static final int MAX_SEGMENT_NESTING = 5;

    /** A segment as the compiler needs it: dynamic ones are compiled inline, static ones read their members. */
    record StoredSegment(long id, boolean dynamic, Optional<SegmentCondition> condition) {}

    /**
     * What compiling needs besides the tree.
     *
     * @param segments   looks up a segment named in a condition
     * @param ruleTags   the segment behind a rule tag (empty for manual and computed tags)
     * @param consent    the consent ledger's conditions, when privacy provides them
     * @param birthdays  birthday and age conditions (the customer capability's, plain or encrypted birthdays)
     */
    record Context(LocalDate today, Instant now, ZoneId zone, Function<Long, Optional<StoredSegment>> segments,
                   Function<String, Optional<Long>> ruleTags, Optional<ConsentConditions> consent,
                   CustomerSegmentSource.Birthdays birthdays) {}

    /**
     * A compiled tree. {@code timeRelative}: membership can change by the passing of time alone (relative dates,
     * windows, age), not only by new data. {@code segments}: segments it reads (inlined or by membership).
     */
    record Compiled(Condition condition, Set<Source> sources, boolean timeRelative, Set<Long> segments) {}

    private final Context context;
    private final EnumSet<Source> sources = EnumSet.noneOf(Source.class);
    private final Set<Long> segments = new HashSet<>();
    private final Deque<Long> inlining = new ArrayDeque<>();
    /** The leaf of the tree being compiled that led into inlined segments: problems are reported at its path. */
    private String outerPath;
    private boolean timeRelative;
    private Optional<java.util.Collection<Long>> only = Optional.empty();

    /** The restriction to {@link #only} on a customer-id column of a sub-select (no restriction without one). */
    private Condition onlyThese(Field<Long> customerId) {
        return only.map(ids -> customerId.in(ids)).orElse(DSL.noCondition());
    }

    private SegmentCompiler(Context context) {
        this.context = context;
    }

    static Compiled compile(SegmentCondition tree, Context context) {
        return compile(tree, context, Optional.empty());
    }

    /** Compiles the tree of segment {@code self}: a reference that leads back to it is a cycle. */
    static Compiled compile(SegmentCondition tree, Context context, Optional<Long> self) {
        return compile(tree, context, self, Optional.empty());
    }

    /**
     * Compiles for a few customers only (the incremental update): the sub-selects over counters and tags are
     * restricted to them too, so the database aggregates their rows, not everybody's.
     */
    static Compiled compile(SegmentCondition tree, Context context, Optional<Long> self,
                            Optional<java.util.Collection<Long>> only) {
        SegmentCompiler compiler = new SegmentCompiler(context);
        compiler.only = only;
        self.ifPresent(compiler.inlining::push);
        Condition condition = compiler.node(tree);
        // A segment is profiling: it holds only customers whose data may be used for it (not erased, not restricted,
        // no objection to profiling), the same rule as ContactPolicy.may(customer, PROFILING).
        if (context.consent().isPresent()) {
            condition = condition.and(context.consent().get().allows(CustomerSegmentSource.id(), Purpose.PROFILING, null));
        }
        return new Compiled(condition, compiler.sources, compiler.timeRelative, Set.copyOf(compiler.segments));
    }

    /** The customers a compiled tree selects (active customers only), with an extra condition (e.g. a batch of ids). */
    static SelectJoinStep<Record1<Long>> from(org.jooq.DSLContext db, Compiled compiled) {
        SelectJoinStep<Record1<Long>> select = db.select(CustomerSegmentSource.id()).from(CustomerSegmentSource.profiles());
        return join(select, compiled);
    }

    static <R extends org.jooq.Record> SelectJoinStep<R> join(SelectJoinStep<R> select, Compiled compiled) {
        SelectJoinStep<R> joined = select;
        if (compiled.sources().contains(Source.SUMMARY)) {
            joined = joined.leftJoin(CustomerSegmentSource.summaries()).on(CustomerSegmentSource.summaryOf());
        }
        if (compiled.sources().contains(Source.SCORES)) {
            joined = joined.leftJoin(ScoreSegmentSource.current())
                    .on(ScoreSegmentSource.scoresOf(CustomerSegmentSource.id()));
        }
        return joined;
    }

    static Condition where(Compiled compiled) {
        return CustomerSegmentSource.active().and(compiled.condition());
    }

    private Condition node(SegmentCondition node) {
        return switch (node) {
            case SegmentCondition.Group group -> {
                List<Condition> items = group.items().stream().map(this::node).toList();
                yield group.all() ? DSL.and(items) : items.isEmpty() ? DSL.falseCondition() : DSL.or(items);
            }
            case SegmentCondition.Not not -> DSL.not(node(not.item()));
            case Leaf leaf -> {
                sources.add(leaf.field().source);
                yield leaf(leaf);
            }
        };
    }

    private Condition leaf(Leaf leaf) {
        Field<Long> id = CustomerSegmentSource.id();
        return switch (leaf.field()) {
            case PROFILE_GENDER -> text(CustomerSegmentSource.gender(), leaf);
            case PROFILE_CITY -> text(CustomerSegmentSource.city(), leaf);
            case PROFILE_COUNTRY -> text(CustomerSegmentSource.country(), leaf);
            case PROFILE_AGE -> age(leaf);
            case PROFILE_BIRTHDAY -> birthday(leaf);
            case PROFILE_REGISTERED_AT -> timestamp(CustomerSegmentSource.registeredAt(), leaf);
            case HAS_EMAIL -> identity(IdentityKind.EMAIL, leaf);
            case HAS_PHONE -> identity(IdentityKind.PHONE, leaf);
            case HAS_MEMBER_NO -> identity(IdentityKind.MEMBER_NO, leaf);
            case HAS_WECHAT -> identity(IdentityKind.WECHAT_UNIONID, leaf);
            case CONSENT -> consent(leaf);
            case ORDER_COUNT -> count(CustomerSegmentSource.orderCount(), leaf);
            case RETURN_COUNT -> count(CustomerSegmentSource.returnCount(), leaf);
            case PURCHASE_DAYS -> count(CustomerSegmentSource.purchaseDays(), leaf);
            case EVENT_COUNT -> count(CustomerSegmentSource.eventCount(), leaf);
            case TOTAL_SPEND -> count(CustomerSegmentSource.totalSpend(), leaf);
            case AVERAGE_ORDER_VALUE -> number(DSL.when(CustomerSegmentSource.orderCount().gt(0),
                    CustomerSegmentSource.totalSpend().div(CustomerSegmentSource.orderCount())), leaf);
            case FIRST_PURCHASE_AT -> timestamp(CustomerSegmentSource.firstPurchaseAt(), leaf);
            case LAST_PURCHASE_AT -> timestamp(CustomerSegmentSource.lastPurchaseAt(), leaf);
            case DAYS_SINCE_LAST_PURCHASE -> daysSince(CustomerSegmentSource.lastPurchaseAt(), leaf);
            case LAST_INTERACTION_AT -> timestamp(CustomerSegmentSource.lastInteractionAt(), leaf);
            case LAST_CHANNEL -> text(CustomerSegmentSource.lastChannel(), leaf);
            case LIFECYCLE_STAGE -> text(ScoreSegmentSource.lifecycleStage(), leaf);
            case RFM_SEGMENT -> text(ScoreSegmentSource.rfmSegment(), leaf);
            case BUSINESS_GROUP -> text(ScoreSegmentSource.businessGroup(), leaf);
            case SPEND_TIER -> text(ScoreSegmentSource.spendTier(), leaf);
            case RFM_CELL -> rfmCell(leaf);
            case RECENCY_SCORE -> number(ScoreSegmentSource.recencyScore(), leaf);
            case FREQUENCY_SCORE -> number(ScoreSegmentSource.frequencyScore(), leaf);
            case MONETARY_SCORE -> number(ScoreSegmentSource.monetaryScore(), leaf);
            case TOP_VALUE -> bool(ScoreSegmentSource.topValue(), leaf);
            case SPEND_12_MONTHS -> number(ScoreSegmentSource.spend12Months(), leaf);
            case LIFETIME_VALUE -> number(ScoreSegmentSource.lifetimeValue(), leaf);
            case P_ALIVE -> number(ScoreSegmentSource.probabilityAlive(), leaf);
            case CHURN_RISK -> number(ScoreSegmentSource.churnRisk(), leaf);
            case REPURCHASE_PROBABILITY -> number(ScoreSegmentSource.repurchaseProbability(), leaf);
            case EXPECTED_PURCHASES -> number(ScoreSegmentSource.expectedPurchases(), leaf);
            case TAG -> tag(leaf);
            case SEGMENT -> segment(leaf);
            case EVENTS -> behaviour(leaf, leaf.parameter("event").orElseThrow(), B_COUNT);
            case PURCHASES -> behaviour(leaf, BehaviourCounters.PURCHASE, B_COUNT);
            case PURCHASE_AMOUNT -> behaviour(leaf, BehaviourCounters.PURCHASE, B_AMOUNT);
            case LAST_EVENT_AT -> lastEvent(leaf);
            case CART_ABANDONED_AT -> cartAbandoned(leaf);
        };
    }

    // ---- plain columns

    private static Condition text(Field<String> field, Leaf leaf) {
        List<String> values = leaf.values().stream().map(String.class::cast).toList();
        return switch (leaf.operator()) {
            case "eq" -> field.isNotNull().and(field.eq(values.getFirst()));
            case "ne" -> field.isNotNull().and(field.ne(values.getFirst()));
            case "in" -> field.isNotNull().and(field.in(values));
            case "not_in" -> field.isNotNull().and(field.notIn(values));
            // a range, not LIKE: no wildcard in the value can mean anything
            case "starts_with" -> field.isNotNull().and(field.ge(values.getFirst()))
                    .and(field.lt(values.getFirst() + Character.MAX_VALUE));
            case "is_set" -> field.isNotNull();
            case "is_not_set" -> field.isNull();
            default -> throw unexpected(leaf);
        };
    }

    /** Summary figures: a customer without a summary row has zero of everything. */
    private static <T extends Number> Condition count(Field<T> field, Leaf leaf) {
        return switch (leaf.operator()) {
            case "is_set" -> field.isNotNull();
            case "is_not_set" -> field.isNull();
            default -> compare(DSL.coalesce(field.cast(BigDecimal.class), BigDecimal.ZERO), leaf);
        };
    }

    private static <T extends Number> Condition number(Field<T> field, Leaf leaf) {
        return switch (leaf.operator()) {
            case "is_set" -> field.isNotNull();
            case "is_not_set" -> field.isNull();
            default -> field.isNotNull().and(compare(field.cast(BigDecimal.class), leaf));
        };
    }

    private static Condition compare(Field<BigDecimal> field, Leaf leaf) {
        List<BigDecimal> values = leaf.values().stream().map(BigDecimal.class::cast).toList();
        return switch (leaf.operator()) {
            case "eq" -> field.eq(values.getFirst());
            case "ne" -> field.ne(values.getFirst());
            case "gt" -> field.gt(values.getFirst());
            case "ge" -> field.ge(values.getFirst());
            case "lt" -> field.lt(values.getFirst());
            case "le" -> field.le(values.getFirst());
            case "between" -> field.between(values.get(0), values.get(1));
            default -> throw unexpected(leaf);
        };
    }

    private static Condition bool(Field<Boolean> field, Leaf leaf) {
        Condition isTrue = field.isNotNull().and(field.eq(true));
        return "is_true".equals(leaf.operator()) ? isTrue : DSL.not(isTrue);
    }

    private static Condition rfmCell(Leaf leaf) {
        List<Condition> cells = new ArrayList<>();
        for (Object value : leaf.values()) {
            String cell = (String) value;
            cells.add(ScoreSegmentSource.recencyScore().eq(cell.charAt(0) - '0')
                    .and(ScoreSegmentSource.frequencyScore().eq(cell.charAt(1) - '0'))
                    .and(ScoreSegmentSource.monetaryScore().eq(cell.charAt(2) - '0')));
        }
        Condition any = ScoreSegmentSource.recencyScore().isNotNull().and(DSL.or(cells));
        return switch (leaf.operator()) {
            case "eq", "in" -> any;
            case "ne", "not_in" -> ScoreSegmentSource.recencyScore().isNotNull().and(DSL.not(DSL.or(cells)));
            default -> throw unexpected(leaf);
        };
    }

    private static Condition identity(IdentityKind kind, Leaf leaf) {
        Field<Long> id = CustomerSegmentSource.id();
        return "is_true".equals(leaf.operator()) ? id.in(CustomerSegmentSource.withIdentity(kind))
                : id.notIn(CustomerSegmentSource.withIdentity(kind));
    }

    // ---- dates in the brand's time zone

    private OffsetDateTime startOf(LocalDate day) {
        return day.atStartOfDay(context.zone()).toInstant().atOffset(ZoneOffset.UTC);
    }

    private LocalDate today() {
        return context.today();
    }

    private Condition timestamp(Field<OffsetDateTime> field, Leaf leaf) {
        List<Object> v = leaf.values();
        return switch (leaf.operator()) {
            case "before" -> field.lt(startOf((LocalDate) v.getFirst()));
            case "on_or_after" -> field.ge(startOf((LocalDate) v.getFirst()));
            case "between" -> field.ge(startOf((LocalDate) v.get(0))).and(field.lt(startOf(((LocalDate) v.get(1)).plusDays(1))));
            case "in_last_days" -> relative(field.ge(startOf(today().minusDays((Integer) v.getFirst() - 1L))));
            case "more_than_days_ago" -> relative(field.lt(startOf(today().minusDays((Integer) v.getFirst()))));
            case "days_ago_between" -> relative(field.ge(startOf(today().minusDays((Integer) v.get(1))))
                    .and(field.lt(startOf(today().minusDays((Integer) v.get(0) - 1L)))));
            case "in_last_hours" -> relative(field.ge(hoursAgo((Integer) v.getFirst())));
            case "more_than_hours_ago" -> relative(field.lt(hoursAgo((Integer) v.getFirst())));
            case "is_set" -> field.isNotNull();
            case "is_not_set" -> field.isNull();
            default -> throw unexpected(leaf);
        };
    }

    private OffsetDateTime hoursAgo(int hours) {
        return context.now().minusSeconds(hours * 3600L).atOffset(ZoneOffset.UTC);
    }

    private Condition relative(Condition condition) {
        timeRelative = true;
        return condition;
    }

    /** Whole calendar days (brand time zone) between the last purchase day and today. */
    private Condition daysSince(Field<OffsetDateTime> last, Leaf leaf) {
        if (leaf.operator().equals("is_set")) {
            return last.isNotNull();
        }
        if (leaf.operator().equals("is_not_set")) {
            return last.isNull();
        }
        timeRelative = true;
        // days since >= n  <=>  last purchase day <= today - n  <=>  last < start of (today - n + 1)
        Function<Long, Condition> atLeast = n -> last.lt(startOf(today().minusDays(n - 1)));
        return last.isNotNull().and(wholeNumber(leaf, atLeast));
    }

    /**
     * Age in whole years on today's date (brand time zone); by birth year alone when birthdays are encrypted (see
     * {@link CustomerSegmentSource.Birthdays#ageAtLeast}).
     */
    private Condition age(Leaf leaf) {
        CustomerSegmentSource.Birthdays birthdays = context.birthdays();
        if (leaf.operator().equals("is_set")) {
            return birthdays.known();
        }
        if (leaf.operator().equals("is_not_set")) {
            return DSL.not(birthdays.known());
        }
        timeRelative = true;
        Function<Long, Condition> atLeast = n -> birthdays.ageAtLeast(n, today());
        return birthdays.known().and(wholeNumber(leaf, atLeast));
    }

    /** A comparison on a whole-number quantity, given the condition "quantity >= n". */
    private static Condition wholeNumber(Leaf leaf, Function<Long, Condition> atLeast) {
        List<BigDecimal> v = leaf.values().stream().map(BigDecimal.class::cast).toList();
        Function<BigDecimal, Long> ceil = x -> x.setScale(0, RoundingMode.CEILING).longValueExact();
        Function<BigDecimal, Long> floor = x -> x.setScale(0, RoundingMode.FLOOR).longValueExact();
        return switch (leaf.operator()) {
            case "ge" -> atLeast.apply(ceil.apply(v.getFirst()));
            case "gt" -> atLeast.apply(floor.apply(v.getFirst()) + 1);
            case "le" -> DSL.not(atLeast.apply(floor.apply(v.getFirst()) + 1));
            case "lt" -> DSL.not(atLeast.apply(ceil.apply(v.getFirst())));
            case "eq" -> v.getFirst().stripTrailingZeros().scale() > 0 ? DSL.falseCondition()
                    : atLeast.apply(v.getFirst().longValueExact()).and(DSL.not(atLeast.apply(v.getFirst().longValueExact() + 1)));
            case "ne" -> v.getFirst().stripTrailingZeros().scale() > 0 ? DSL.trueCondition()
                    : DSL.not(atLeast.apply(v.getFirst().longValueExact())
                            .and(DSL.not(atLeast.apply(v.getFirst().longValueExact() + 1))));
            case "between" -> atLeast.apply(ceil.apply(v.get(0))).and(DSL.not(atLeast.apply(floor.apply(v.get(1)) + 1)));
            default -> throw unexpected(leaf);
        };
    }

    /**
     * Birthdays by month and day. A 29 February birthday is celebrated on 28 February in other years.
     */
    private Condition birthday(Leaf leaf) {
        CustomerSegmentSource.Birthdays birthdays = context.birthdays();
        return switch (leaf.operator()) {
            case "is_set" -> birthdays.known();
            case "is_not_set" -> DSL.not(birthdays.known());
            case "month_is" -> {
                java.time.Month month = java.time.Month.of((Integer) leaf.values().getFirst());
                List<java.time.MonthDay> days = new java.util.ArrayList<>();
                for (int d = 1; d <= month.maxLength(); d++) {
                    days.add(java.time.MonthDay.of(month, d));
                }
                yield birthdays.bornOn(days);
            }
            case "in_next_days" -> {
                timeRelative = true;
                Set<java.time.MonthDay> monthDays = new java.util.LinkedHashSet<>();
                int days = (Integer) leaf.values().getFirst();
                for (LocalDate d = today(); !d.isAfter(today().plusDays(days)); d = d.plusDays(1)) {
                    monthDays.add(java.time.MonthDay.from(d));
                    if (d.getMonthValue() == 2 && d.getDayOfMonth() == 28 && !d.isLeapYear()) {
                        monthDays.add(java.time.MonthDay.of(2, 29));
                    }
                }
                yield birthdays.bornOn(monthDays);
            }
            default -> throw unexpected(leaf);
        };
    }

    // ---- other sources

    private Condition consent(Leaf leaf) {
        ConsentConditions consent = context.consent().orElseThrow(() -> new RapportException(HttpStatus.BAD_REQUEST,
                "consent-unavailable", "Consent conditions need the consent ledger, which this server does not have "
                + "yet (at " + leaf.path() + ")", leaf.path()).with("path", leaf.path()));
        Condition allows = consent.allows(CustomerSegmentSource.id(), Purpose.valueOf(leaf.parameter("purpose").orElseThrow()),
                ContactChannel.valueOf(leaf.parameter("channel").orElseThrow()));
        return "allowed".equals(leaf.operator()) ? allows : DSL.not(allows);
    }

    private Condition tag(Leaf leaf) {
        String code = (String) leaf.values().getFirst();
        Optional<Long> rule = context.ruleTags().apply(code);
        Condition has;
        if (rule.isPresent()) {
            has = segmentMembership(rule.get(), leaf);
        } else {
            Condition which = CT_TAG.eq(code);
            if (leaf.parameter("tag_value").isPresent()) {
                which = which.and(CT_VALUE.eq(leaf.parameter("tag_value").get()));
            }
            has = CustomerSegmentSource.id().in(DSL.select(CT_CUSTOMER).from(CUSTOMER_TAG).where(which)
                    .and(onlyThese(CT_CUSTOMER)));
        }
        return "has".equals(leaf.operator()) ? has : DSL.not(has);
    }

    private Condition segment(Leaf leaf) {
        Condition in = segmentMembership((Long) leaf.values().getFirst(), leaf);
        return "in".equals(leaf.operator()) ? in : DSL.not(in);
    }

    /** A dynamic segment's condition is compiled in place (always current); a static one reads its members. */
    private Condition segmentMembership(long segmentId, Leaf inner) {
        boolean outermost = outerPath == null;
        if (outermost) {
            outerPath = inner.path();
        }
        try {
            return segmentMembership(segmentId, outerPath);
        } finally {
            if (outermost) {
                outerPath = null;
            }
        }
    }

    private Condition segmentMembership(long segmentId, String path) {
        segments.add(segmentId);
        if (inlining.contains(segmentId)) {
            throw SegmentLanguage.problem("segment-cycle", path, "Segments refer to each other in a cycle ("
                    + inlining.stream().map(String::valueOf).reduce((a, b) -> b + " -> " + a).orElse("") + " -> "
                    + segmentId + ") at " + path);
        }
        StoredSegment segment = context.segments().apply(segmentId).orElseThrow(() -> SegmentLanguage.problem(
                "unknown-segment", path, "Segment " + segmentId + " at " + path + " does not exist"));
        if (!segment.dynamic() || segment.condition().isEmpty()) {
            sources.add(Source.SEGMENTS);
            return CustomerSegmentSource.id().in(DSL.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(segmentId))
                    .and(onlyThese(M_CUSTOMER)));
        }
        if (inlining.size() >= MAX_SEGMENT_NESTING) {
            throw SegmentLanguage.problem("segments-too-deep", path, "Segments are nested more than "
                    + MAX_SEGMENT_NESTING + " deep at " + path);
        }
        inlining.push(segmentId);
        try {
            return node(segment.condition().get());
        } finally {
            inlining.pop();
        }
    }

    /**
     * A count or sum over the day counters. Customers without counter rows have zero, so when zero satisfies the
     * comparison the test is "not among the customers whose total fails it"; otherwise "among those whose total
     * passes it". Both are set-based (a semi-join), never a per-customer subquery.
     */
    private Condition behaviour(Leaf leaf, String eventType, Field<? extends Number> measure) {
        SegmentCondition.Window window = leaf.window().orElseThrow();
        if (window.relative()) {
            timeRelative = true;
        }
        Days days = window.days(today());
        Condition rows = B_TYPE.eq(eventType).and(B_DAY.between(days.first(), days.last())).and(onlyThese(B_CUSTOMER));
        AggregateFunction<BigDecimal> total = DSL.sum(measure);
        Condition passes = compare(total, leaf);
        boolean zeroPasses = zeroPasses(leaf);
        if (leaf.parameter("per").isPresent()) {
            // "some single SKU viewed more than 5 times": a customer qualifies through any one group that passes
            if (zeroPasses) {
                throw SegmentLanguage.problem("invalid-value", leaf.path() + ".per", "'per' at " + leaf.path()
                        + " needs a comparison that a count of zero fails (such as gt 5)");
            }
            return CustomerSegmentSource.id().in(DSL.select(B_CUSTOMER).from(BEHAVIOUR)
                    .where(rows.and(B_DIMENSION.eq(leaf.parameter("per").get())))
                    .groupBy(B_CUSTOMER, B_VALUE).having(passes));
        }
        if (leaf.parameter("sku").isPresent()) {
            rows = rows.and(B_DIMENSION.eq(BehaviourCounters.SKU)).and(B_VALUE.eq(leaf.parameter("sku").get()));
        } else if (leaf.parameter("category").isPresent()) {
            rows = rows.and(B_DIMENSION.eq(BehaviourCounters.CATEGORY)).and(B_VALUE.eq(leaf.parameter("category").get()));
        } else {
            rows = rows.and(B_DIMENSION.eq(BehaviourCounters.ALL)).and(B_VALUE.eq(""));
        }
        Select<Record1<Long>> customers = DSL.select(B_CUSTOMER).from(BEHAVIOUR).where(rows).groupBy(B_CUSTOMER)
                .having(zeroPasses ? DSL.not(passes) : passes);
        return zeroPasses ? CustomerSegmentSource.id().notIn(customers) : CustomerSegmentSource.id().in(customers);
    }

    private static boolean zeroPasses(Leaf leaf) {
        List<BigDecimal> v = leaf.values().stream().map(BigDecimal.class::cast).toList();
        int c = BigDecimal.ZERO.compareTo(v.getFirst());
        return switch (leaf.operator()) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            case "between" -> c >= 0 && BigDecimal.ZERO.compareTo(v.get(1)) <= 0;
            default -> throw unexpected(leaf);
        };
    }

    private Condition lastEvent(Leaf leaf) {
        String type = leaf.parameter("event").orElseThrow();
        if (leaf.operator().equals("is_not_set")) {
            return CustomerSegmentSource.id().notIn(DSL.select(L_CUSTOMER).from(LAST_EVENT).where(L_TYPE.eq(type))
                    .and(onlyThese(L_CUSTOMER)));
        }
        return CustomerSegmentSource.id().in(DSL.select(L_CUSTOMER).from(LAST_EVENT)
                .where(L_TYPE.eq(type)).and(timestamp(L_AT, leaf)).and(onlyThese(L_CUSTOMER)));
    }

    /** The last cart add, when no purchase came at or after it. */
    private Condition cartAbandoned(Leaf leaf) {
        Table<?> cart = LAST_EVENT.as("seg_cart");
        Table<?> bought = LAST_EVENT.as("seg_bought");
        Field<Long> cartCustomer = DSL.field(DSL.name("seg_cart", "customer_id"), Long.class);
        Field<OffsetDateTime> cartAt = DSL.field(DSL.name("seg_cart", "last_at"), OffsetDateTime.class);
        Condition abandoned = DSL.field(DSL.name("seg_cart", "event_type"), String.class).eq(BehaviourCounters.CART_ADD)
                .and(onlyThese(cartCustomer))
                .andNotExists(DSL.selectOne().from(bought)
                        .where(DSL.field(DSL.name("seg_bought", "customer_id"), Long.class).eq(cartCustomer))
                        .and(DSL.field(DSL.name("seg_bought", "event_type"), String.class).eq(BehaviourCounters.PURCHASE))
                        .and(DSL.field(DSL.name("seg_bought", "last_at"), OffsetDateTime.class).ge(cartAt)));
        if (leaf.operator().equals("is_not_set")) {
            return CustomerSegmentSource.id().notIn(DSL.select(cartCustomer).from(cart).where(abandoned));
        }
        return CustomerSegmentSource.id().in(DSL.select(cartCustomer).from(cart).where(abandoned)
                .and(timestamp(cartAt, leaf)));
    }

    private static IllegalStateException unexpected(Leaf leaf) {
        return new IllegalStateException("operator " + leaf.operator() + " passed validation for " + leaf.field().key);
    }
}
