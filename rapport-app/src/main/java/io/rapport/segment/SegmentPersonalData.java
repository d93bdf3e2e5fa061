package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.privacy.PersonalDataHolder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * The segment capability's part of data-subject exports and erasures: the segments the customer is in (dynamic,
 * static snapshots and uploaded lists alike) with their entries and exits, their tags with the reasons given, and
 * the behaviour counters kept for segment conditions. Erasure takes the customer out of every segment (exits
 * recorded, counts follow), deletes their tags and tag history (the reasons are free text) and the behaviour
 * counters; membership changes keep only ids, so segment sizes over time stay as they were. Segment CSV exports are
 * streamed to the caller and never stored, so there are no export rows to erase.
 */
@Component
class SegmentPersonalData implements PersonalDataHolder {

    private final DSLContext db;
    private final Memberships memberships;

    SegmentPersonalData(DSLContext db, Memberships memberships) {
        this.db = db;
        this.memberships = memberships;
    }

    @Override
    public String category() {
        return "segments-and-tags";
    }

    @Override
    public Export export(long customerId) {
        var segments = db.select(D_ID, D_NAME, D_KIND, M_SINCE).from(MEMBER).join(DEFINITION).on(D_ID.eq(M_SEGMENT))
                .where(M_CUSTOMER.eq(customerId)).orderBy(D_ID).fetch();
        var changes = db.select(C_SEGMENT, C_CHANGE, C_AT, C_CAUSE).from(CHANGE).where(C_CUSTOMER.eq(customerId))
                .orderBy(C_ID).fetch();
        var tags = db.select(CT_TAG, CT_VALUE, CT_BY, CT_AT, CT_REASON).from(CUSTOMER_TAG)
                .where(CT_CUSTOMER.eq(customerId)).orderBy(CT_TAG).fetch();
        var tagHistory = db.select(TH_TAG, TH_VALUE, TH_CHANGE, TH_AT, TH_ACTOR, TH_REASON).from(TAG_HISTORY)
                .where(TH_CUSTOMER.eq(customerId)).orderBy(TH_ID).fetch();
        int counters = db.fetchCount(BEHAVIOUR, B_CUSTOMER.eq(customerId));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("segments", segments.intoMaps());
        data.put("segmentChanges", changes.intoMaps());
        data.put("tags", tags.intoMaps());
        data.put("tagHistory", tagHistory.intoMaps());
        data.put("behaviourCounterRows", counters);
        List<String> summary = Stream.concat(
                segments.stream().map(r -> "In " + r.get(D_KIND) + " segment \"" + r.get(D_NAME) + "\" since "
                        + r.get(M_SINCE).toLocalDate()),
                tags.stream().map(r -> "Tag " + r.get(CT_TAG) + (r.get(CT_VALUE).isEmpty() ? "" : " = " + r.get(CT_VALUE))
                        + (r.get(CT_REASON) == null ? "" : " (" + r.get(CT_REASON) + ")"))).toList();
        return new Export(category(), "The audiences (segments) we put you in for offers and messages, the tags we "
                + "gave you and why, and daily counts of your activity used for that.", data,
                summary.isEmpty() ? List.of("In no segment, no tags") : summary);
    }

    @Override
    public Erasure erase(long customerId) {
        List<Long> left = memberships.leaveAll(customerId, "erasure");
        int tags = db.deleteFrom(CUSTOMER_TAG).where(CT_CUSTOMER.eq(customerId)).execute();
        int history = db.deleteFrom(TAG_HISTORY).where(TH_CUSTOMER.eq(customerId)).execute();
        int counters = db.deleteFrom(BEHAVIOUR).where(B_CUSTOMER.eq(customerId)).execute()
                + db.deleteFrom(LAST_EVENT).where(L_CUSTOMER.eq(customerId)).execute()
                + db.deleteFrom(HOUR).where(H_CUSTOMER.eq(customerId)).execute()
                + db.deleteFrom(TRAITS).where(T_CUSTOMER.eq(customerId)).execute();
        return new Erasure(category(), left.size() + tags + history + counters, "left " + left.size()
                + " segment(s) incl. static lists; " + tags + " tag(s) and " + history + " tag change(s) deleted; "
                + counters + " behaviour counter row(s) deleted");
    }
}
