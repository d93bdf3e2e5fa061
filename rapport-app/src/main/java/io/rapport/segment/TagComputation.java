package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.customer.CustomerSegmentSource;
import io.rapport.scoring.ScoreSegmentSource;
import io.rapport.scoring.ScoresRefreshed;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps the computed tags up to date: after each scoring run, nightly and on demand. Each tag is computed for every
 * customer from data the segment package keeps (behaviour counters, engagement hours, order traits) or reads through
 * the published sources (channel orders, scores); only changed values are written, each change into the history.
 */
@Component
class TagComputation {

    private static final Logger log = LoggerFactory.getLogger(TagComputation.class);
    static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    /** Interest weights: a purchase says more than a cart add, a cart add more than a view. */
    static final Map<String, Double> INTEREST_WEIGHTS = Map.of("product_view", 1.0, "cart_add", 3.0,
            BehaviourCounters.PURCHASE, 5.0);
    static final double HALF_LIFE_DAYS = 30;

    private final DSLContext db;
    private final Tags tags;
    private final SegmentStore store;
    private final Memberships memberships;

    TagComputation(DSLContext db, Tags tags, SegmentStore store, Memberships memberships) {
        this.db = db;
        this.tags = tags;
        this.store = store;
        this.memberships = memberships;
    }

    @EventListener
    @Order(0)
    void scoresRefreshed(ScoresRefreshed scores) {
        try {
            computeAll();
        } catch (RuntimeException e) {
            log.warn("computed tags after scoring run {} failed", scores.runId(), e);
        }
    }

    @Scheduled(cron = "${rapport.segment.tags-cron:0 0 3 * * *}", zone = "${rapport.time-zone:Asia/Shanghai}")
    void nightly() {
        computeAll();
    }

    /** Recomputes every computed tag; returns the number of changed customer tags. */
    @Transactional
    public synchronized int computeAll() {
        Set<Long> changed = new TreeSet<>();
        int changes = 0;
        changes += apply("preferred_channel", preferredChannel(), changed);
        changes += apply("best_send_hour", bestSendHour(), changed);
        changes += apply("promotion_sensitivity", promotionSensitivity(), changed);
        changes += apply("category_interest", categoryInterest(), changed);
        changes += apply("price_band", priceBand(), changed);
        changes += apply("value_tier", score(ScoreSegmentSource.spendTier()), changed);
        changes += apply("rfm_segment", score(ScoreSegmentSource.rfmSegment()), changed);
        changes += apply("lifecycle_stage", score(ScoreSegmentSource.lifecycleStage()), changed);
        memberships.customersChanged(changed, "tag");
        log.info("computed tags: {} changes for {} customers", changes, changed.size());
        return changes;
    }

    private int apply(String code, Map<Long, String> values, Set<Long> changed) {
        Map<Long, String> before = new HashMap<>();
        db.select(CT_CUSTOMER, CT_VALUE).from(CUSTOMER_TAG).where(CT_TAG.eq(code))
                .forEach(r -> before.put(r.get(CT_CUSTOMER), r.get(CT_VALUE)));
        int changes = 0;
        for (var entry : values.entrySet()) {
            if (!entry.getValue().equals(before.get(entry.getKey()))
                    && tags.write(entry.getKey(), code, Optional.of(entry.getValue()), "system", "computed")) {
                changed.add(entry.getKey());
                changes++;
            }
        }
        for (Long customer : before.keySet()) {
            if (!values.containsKey(customer) && tags.write(customer, code, Optional.empty(), "system", "computed")) {
                changed.add(customer);
                changes++;
            }
        }
        return changes;
    }

    /** Active customers only: merged profiles carry no tags. */
    private Set<Long> active() {
        return new java.util.HashSet<>(db.select(CustomerSegmentSource.id()).from(CustomerSegmentSource.profiles())
                .where(CustomerSegmentSource.active()).fetch(CustomerSegmentSource.id()));
    }

    /**
     * The channel with the largest share of the customer's orders and interactions together (each order and each
     * non-purchase event with a channel counts one; ties: alphabetical). Order channels come from the customer
     * capability's channel summaries, interactions from the behaviour counters' channel rows.
     */
    Map<Long, String> preferredChannel() {
        Map<Long, Map<String, Long>> counts = new HashMap<>();
        var channels = CustomerSegmentSource.channelOrders().asTable("channel_orders");
        db.selectFrom(channels).forEach(r -> {
            int orders = r.get(2, Integer.class);
            if (orders > 0) {
                counts.computeIfAbsent(r.get(0, Long.class), c -> new HashMap<>()).merge(r.get(1, String.class),
                        (long) orders, Long::sum);
            }
        });
        var interactions = DSL.sum(B_COUNT);
        db.select(B_CUSTOMER, B_VALUE, interactions).from(BEHAVIOUR).where(B_DIMENSION.eq(BehaviourCounters.CHANNEL))
                .groupBy(B_CUSTOMER, B_VALUE).forEach(r -> {
                    long n = r.get(interactions).longValue();
                    if (n > 0) {
                        counts.computeIfAbsent(r.get(B_CUSTOMER), c -> new HashMap<>()).merge(r.get(B_VALUE), n,
                                Long::sum);
                    }
                });
        Map<Long, String> best = new HashMap<>();
        counts.forEach((customer, byChannel) -> byChannel.entrySet().stream()
                .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(
                        java.util.Comparator.reverseOrder())))
                .ifPresent(top -> best.put(customer, top.getKey())));
        best.keySet().retainAll(active());
        return best;
    }

    Map<Long, String> bestSendHour() {
        Map<Long, int[]> perCustomer = new HashMap<>();
        int[] brand = new int[168];
        db.select(H_CUSTOMER, H_HOUR, H_COUNT).from(HOUR).forEach(r -> {
            perCustomer.computeIfAbsent(r.get(H_CUSTOMER), c -> new int[168])[r.get(H_HOUR)] += r.get(H_COUNT);
            brand[r.get(H_HOUR)] += r.get(H_COUNT);
        });
        Map<Long, String> result = new HashMap<>();
        if (perCustomer.isEmpty()) {
            return result;
        }
        String brandHour = label(argMax(brand));
        for (Long customer : active()) {
            int[] hours = perCustomer.get(customer);
            int total = hours == null ? 0 : java.util.Arrays.stream(hours).sum();
            result.put(customer, total >= 3 ? label(argMax(hours)) : brandHour);
        }
        return result;
    }

    private static int argMax(int[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code wed-20}: Wednesday 20:00-20:59 in the brand's time zone. */
    static String label(int hourOfWeek) {
        return DAYS[hourOfWeek / 24] + "-" + String.format(Locale.ROOT, "%02d", hourOfWeek % 24);
    }

    Map<Long, String> promotionSensitivity() {
        Map<Long, String> result = new HashMap<>();
        db.select(T_CUSTOMER, T_LINES, T_PROMOTION).from(TRAITS).where(T_LINES.ge(3)).forEach(r -> {
            double share = r.get(T_PROMOTION) / (double) r.get(T_LINES);
            result.put(r.get(T_CUSTOMER), share >= 0.5 ? "high" : share >= 0.2 ? "medium" : "low");
        });
        result.keySet().retainAll(active());
        return result;
    }

    Map<Long, String> categoryInterest() {
        LocalDate today = store.today();
        Map<Long, Map<String, Double>> scores = new HashMap<>();
        db.select(B_CUSTOMER, B_TYPE, B_VALUE, B_DAY, B_COUNT).from(BEHAVIOUR)
                .where(B_DIMENSION.eq(BehaviourCounters.CATEGORY)).and(B_TYPE.in(INTEREST_WEIGHTS.keySet()))
                .and(B_DAY.ge(today.minusDays(365)))
                .forEach(r -> {
                    double age = Math.max(0, ChronoUnit.DAYS.between(r.get(B_DAY), today));
                    double score = INTEREST_WEIGHTS.get(r.get(B_TYPE)) * r.get(B_COUNT) * Math.pow(0.5, age / HALF_LIFE_DAYS);
                    scores.computeIfAbsent(r.get(B_CUSTOMER), c -> new HashMap<>()).merge(r.get(B_VALUE), score, Double::sum);
                });
        Map<Long, String> result = new HashMap<>();
        scores.forEach((customer, byCategory) -> byCategory.entrySet().stream()
                .max(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey(
                        java.util.Comparator.reverseOrder())))
                .ifPresent(top -> result.put(customer, top.getKey())));
        result.keySet().retainAll(active());
        return result;
    }

    Map<Long, String> priceBand() {
        Map<Long, BigDecimal> perUnit = new HashMap<>();
        db.select(T_CUSTOMER, T_UNITS, T_NET).from(TRAITS).where(T_UNITS.gt(0L)).forEach(r -> perUnit.put(
                r.get(T_CUSTOMER), r.get(T_NET).divide(BigDecimal.valueOf(r.get(T_UNITS)), 4, RoundingMode.HALF_UP)));
        perUnit.keySet().retainAll(active());
        List<BigDecimal> sorted = new ArrayList<>(perUnit.values());
        sorted.sort(null);
        Map<Long, String> result = new HashMap<>();
        if (sorted.isEmpty()) {
            return result;
        }
        BigDecimal lowTop = sorted.get((sorted.size() - 1) / 3);
        BigDecimal midTop = sorted.get((2 * (sorted.size() - 1)) / 3);
        perUnit.forEach((customer, price) -> result.put(customer,
                price.compareTo(lowTop) <= 0 ? "low" : price.compareTo(midTop) <= 0 ? "mid" : "high"));
        return result;
    }

    Map<Long, String> score(org.jooq.Field<String> column) {
        Map<Long, String> result = new HashMap<>();
        db.select(CustomerSegmentSource.id(), column).from(CustomerSegmentSource.profiles())
                .join(ScoreSegmentSource.current()).on(ScoreSegmentSource.scoresOf(CustomerSegmentSource.id()))
                .where(CustomerSegmentSource.active()).and(column.isNotNull())
                .forEach(r -> result.put(r.value1(), r.value2()));
        return result;
    }
}
