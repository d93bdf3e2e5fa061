package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import java.time.LocalDate;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

/**
 * Reads the behaviour counters (per customer, event type, SKU / all, and day in the brand's time zone) for other
 * capabilities: "how often did this customer view this product in these days". The counters are written by
 * {@link BehaviourCounters} in the transaction that stores the events, so a caller in that transaction (a journey's
 * event listener) already sees the events just stored.
 */
@Service
public class BehaviourWindows {

    private final DSLContext db;

    BehaviourWindows(DSLContext db) {
        this.db = db;
    }

    /**
     * Events of {@code eventType} of the customer on the days {@code from} to {@code to} (inclusive, brand time
     * zone): all of them, or only those about one SKU when {@code sku} is given.
     */
    public int count(long customerId, String eventType, Optional<String> sku, LocalDate from, LocalDate to) {
        var where = B_CUSTOMER.eq(customerId).and(B_TYPE.eq(eventType)).and(B_DAY.between(from, to))
                .and(sku.map(value -> B_DIMENSION.eq(BehaviourCounters.SKU).and(B_VALUE.eq(value)))
                        .orElse(B_DIMENSION.eq(BehaviourCounters.ALL).and(B_VALUE.eq(""))));
        Integer total = db.select(DSL.sum(B_COUNT).cast(Integer.class)).from(BEHAVIOUR).where(where).fetchOne()
                .value1();
        return total == null ? 0 : total;
    }

    /**
     * The event types seen so far (purchases as {@code purchase}), in order, at most {@code limit}: one index seek per
     * type on the counters' {@code (event_type, ...)} index, so the answer costs as many seeks as there are types
     * rather than a scan of every counter.
     */
    public java.util.List<String> eventTypes(int limit) {
        java.util.List<String> types = new java.util.ArrayList<>();
        String after = null;
        while (types.size() < limit) {
            String next = db.select(DSL.min(B_TYPE)).from(BEHAVIOUR)
                    .where(after == null ? DSL.noCondition() : B_TYPE.gt(after)).fetchOne().value1();
            if (next == null) {
                break;
            }
            types.add(next);
            after = next;
        }
        return types;
    }

    /** A customer, and the SKU when counting events about one product (empty: all the customer's events). */
    public record Key(long customerId, Optional<String> sku) {}

    /**
     * Events of {@code eventType} per day from {@code from} to {@code to} (inclusive, brand time zone) for many
     * customers (and SKUs) at once, in one query: what {@link #count} gives one key, summed over any sub-window.
     */
    public java.util.Map<Key, java.util.Map<LocalDate, Integer>> countsByDay(java.util.Collection<Key> keys,
                                                                           String eventType, LocalDate from,
                                                                           LocalDate to) {
        java.util.Map<Key, java.util.Map<LocalDate, Integer>> result = new java.util.HashMap<>();
        if (keys.isEmpty()) {
            return result;
        }
        java.util.Set<Long> customers = new java.util.TreeSet<>();
        java.util.Set<String> skus = new java.util.TreeSet<>();
        boolean all = false;
        for (Key key : keys) {
            customers.add(key.customerId());
            key.sku().ifPresent(skus::add);
            all |= key.sku().isEmpty();
        }
        org.jooq.Condition dimension = DSL.falseCondition();
        if (!skus.isEmpty()) {
            dimension = dimension.or(B_DIMENSION.eq(BehaviourCounters.SKU).and(B_VALUE.in(skus)));
        }
        if (all) {
            dimension = dimension.or(B_DIMENSION.eq(BehaviourCounters.ALL).and(B_VALUE.eq("")));
        }
        java.util.Set<Key> wanted = new java.util.HashSet<>(keys);
        db.select(B_CUSTOMER, B_DIMENSION, B_VALUE, B_DAY, DSL.sum(B_COUNT).cast(Integer.class)).from(BEHAVIOUR)
                .where(B_CUSTOMER.in(customers)).and(B_TYPE.eq(eventType)).and(B_DAY.between(from, to)).and(dimension)
                .groupBy(B_CUSTOMER, B_DIMENSION, B_VALUE, B_DAY).forEach(r -> {
                    Key key = new Key(r.value1(), r.value2().equals(BehaviourCounters.SKU)
                            ? Optional.of(r.value3()) : Optional.empty());
                    if (wanted.contains(key) && r.value5() != null) {
                        result.computeIfAbsent(key, k -> new java.util.HashMap<>()).merge(r.value4(), r.value5(),
                                Integer::sum);
                    }
                });
        return result;
    }
}
