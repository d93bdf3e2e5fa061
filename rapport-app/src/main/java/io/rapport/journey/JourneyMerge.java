package io.rapport.journey;

import static io.rapport.journey.JourneyTables.*;

import io.rapport.customer.CustomersMerged;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * When identity resolution merges two profiles, the merged profile's place in journeys moves to the survivor in the
 * merging transaction: its instances (their timers name the instance, not the customer, so they fire as before), its
 * absence watches, its staff tasks and its survey answers. Its finished instances move too, so re-entry rules
 * ("once per 30 days") see one person.
 * <p>
 * Where both profiles are inside the same journey (active or holdout), the <em>earlier entry</em> goes on and the
 * later one ends ({@code exited}, reason {@code merged}): had the profiles been one from the start, the later entry
 * would not have happened, as a customer is inside a journey once at a time. Two instances with the same entry key
 * (the same occasion, a manual enrolment with the same key) cannot both belong to the survivor: the moved one's key
 * gets {@code ~merged:<merged id>} appended.
 */
@Component
class JourneyMerge {

    static final String REASON = "merged";

    private final DSLContext db;
    private final JourneyEngine engine;

    JourneyMerge(DSLContext db, JourneyEngine engine) {
        this.db = db;
        this.engine = engine;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(CustomersMerged merge) {
        long survivor = merge.survivorId();
        long merged = merge.mergedId();
        Map<Long, List<Record>> inside = new LinkedHashMap<>();
        db.select(I_ID, I_JOURNEY, I_ENTERED).from(INSTANCE).where(I_CUSTOMER.in(survivor, merged))
                .and(I_STATUS.in("active", "holdout")).orderBy(I_ID).forUpdate().fetch()
                .forEach(r -> inside.computeIfAbsent(r.get(I_JOURNEY), j -> new ArrayList<>()).add(r));
        for (List<Record> both : inside.values()) {
            both.sort(Comparator.comparing((Record r) -> r.get(I_ENTERED)).thenComparing(r -> r.get(I_ID)));
            both.subList(1, both.size()).forEach(later -> engine.exit(later.get(I_ID), REASON));
        }
        Set<String> survivorKeys = new HashSet<>();
        db.select(I_JOURNEY, I_ENTRY).from(INSTANCE).where(I_CUSTOMER.eq(survivor))
                .forEach(r -> survivorKeys.add(r.get(I_JOURNEY) + "|" + r.get(I_ENTRY)));
        List<Long> sameKey = db.select(I_ID, I_JOURNEY, I_ENTRY).from(INSTANCE).where(I_CUSTOMER.eq(merged)).fetch()
                .stream().filter(r -> survivorKeys.contains(r.get(I_JOURNEY) + "|" + r.get(I_ENTRY)))
                .map(r -> r.get(I_ID)).toList();
        if (!sameKey.isEmpty()) {
            String suffix = "~merged:" + merged;
            db.update(INSTANCE).set(I_ENTRY, DSL.concat(DSL.substring(I_ENTRY, 1, 200 - suffix.length()),
                    DSL.inline(suffix))).where(I_ID.in(sameKey)).execute();
        }
        db.update(INSTANCE).set(I_CUSTOMER, survivor).where(I_CUSTOMER.eq(merged)).execute();
        db.update(WATCH).set(W_CUSTOMER, survivor).where(W_CUSTOMER.eq(merged)).execute();
        db.update(StaffTasks.TASK).set(StaffTasks.T_CUSTOMER, survivor).where(StaffTasks.T_CUSTOMER.eq(merged))
                .execute();
        db.update(Surveys.ANSWER).set(Surveys.A_CUSTOMER, survivor).where(Surveys.A_CUSTOMER.eq(merged)).execute();
    }
}
