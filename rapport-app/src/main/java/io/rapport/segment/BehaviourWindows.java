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
}
