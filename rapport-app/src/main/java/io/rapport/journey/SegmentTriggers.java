package io.rapport.journey;

import static io.rapport.journey.JourneyTables.*;

import io.rapport.segment.SegmentEntered;
import io.rapport.segment.SegmentExited;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Segment entry and exit as journey triggers ({@code {"type": "segment", "segment": "VIP", "on": "entry"}}) and as
 * an exit condition ({@code "exitOn": [{"leftSegment": "VIP"}]}). The segment module publishes its changes inside the
 * transaction that recorded them (an event's, a tag's, a scoring run's, a refresh's); journeys react in that same
 * transaction, so a membership change and the enrolment it causes commit together or not at all. Re-entry rules
 * apply as to any trigger: the entry key is the segment, the direction and the instant of the change.
 */
@Component
class SegmentTriggers {

    /** Exits that are the profile going away, not the customer changing: nobody is enrolled on them. */
    static final Set<String> NOT_A_CUSTOMER_CHANGE = Set.of("erasure", "merge", "privacy");

    private final DSLContext db;
    private final Journeys journeys;
    private final JourneyEngine engine;

    SegmentTriggers(DSLContext db, Journeys journeys, JourneyEngine engine) {
        this.db = db;
        this.journeys = journeys;
        this.engine = engine;
    }

    @EventListener
    @Transactional
    public void on(SegmentEntered entered) {
        enrol(entered.segmentId(), "entry", entered.customerId(), entered.at().toEpochMilli());
    }

    @EventListener
    @Transactional
    public void on(SegmentExited exited) {
        String fact = JourneyDefinition.leftSegment(exited.segmentId());
        List<Map.Entry<Journeys.Journey, JourneyDefinition>> active = journeys.active();
        // exits are checked only while an active journey's current definition names the segment (the common case
        // costs no query per membership change)
        if (active.stream().anyMatch(j -> j.getValue().exitOn().contains(fact))) {
            db.select(I_ID, I_JOURNEY, I_VERSION).from(INSTANCE).where(I_CUSTOMER.eq(exited.customerId()))
                    .and(I_STATUS.eq("active")).forUpdate().fetch().forEach(instance -> {
                        if (journeys.definition(instance.get(I_JOURNEY), instance.get(I_VERSION)).exitOn()
                                .contains(fact)) {
                            engine.exit(instance.get(I_ID), "exit:" + fact);
                        }
                    });
        }
        if (!NOT_A_CUSTOMER_CHANGE.contains(exited.cause())) {
            enrol(exited.segmentId(), "exit", exited.customerId(), exited.at().toEpochMilli());
        }
    }

    private void enrol(long segmentId, String on, long customerId, long atMillis) {
        for (var j : journeys.active()) {
            JourneyDefinition.Trigger trigger = j.getValue().trigger();
            if (trigger.segment().filter(s -> s.segmentId() == segmentId && s.on().equals(on)).isPresent()) {
                engine.enrol(j.getKey(), j.getValue(), customerId, "segment:" + segmentId + ":" + on + ":" + atMillis);
            }
        }
    }
}
