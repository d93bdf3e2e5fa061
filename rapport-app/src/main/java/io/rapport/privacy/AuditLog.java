package io.rapport.privacy;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import io.rapport.platform.Actor;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Append-only record of sensitive actions: unmasked reads of personal data, exports, merges.
 * Rows are only ever inserted; nothing in Rapport updates or deletes them.
 */
@Service
public class AuditLog {

    static final Table<?> AUDIT = table("privacy_audit");
    static final Field<Long> ID = field("id", Long.class);
    static final Field<OffsetDateTime> AT = field("occurred_at", OffsetDateTime.class);
    static final Field<String> ACTOR = field("actor", String.class);
    static final Field<String> ACTION = field("action", String.class);
    static final Field<String> SUBJECT_TYPE = field("subject_type", String.class);
    static final Field<String> SUBJECT_ID = field("subject_id", String.class);
    static final Field<String> DETAIL = field("detail", String.class);

    private final DSLContext db;
    private final Clock clock;

    AuditLog(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** One audited action. */
    public record Entry(long id, OffsetDateTime at, String actor, String action, String subjectType, String subjectId,
                        String detail) {}

    /** Written in its own transaction so that the record survives even if the caller's work is rolled back. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void record(Actor actor, String action, String subjectType, String subjectId, String detail) {
        db.insertInto(AUDIT)
                .set(AT, OffsetDateTime.now(clock))
                .set(ACTOR, actor.name())
                .set(ACTION, action)
                .set(SUBJECT_TYPE, subjectType)
                .set(SUBJECT_ID, subjectId)
                .set(DETAIL, detail == null || detail.length() <= 2000 ? detail : detail.substring(0, 2000))
                .execute();
    }

    public List<Entry> search(String subjectType, String subjectId, String action, int limit) {
        var condition = org.jooq.impl.DSL.noCondition();
        if (subjectType != null) {
            condition = condition.and(SUBJECT_TYPE.eq(subjectType));
        }
        if (subjectId != null) {
            condition = condition.and(SUBJECT_ID.eq(subjectId));
        }
        if (action != null) {
            condition = condition.and(ACTION.eq(action));
        }
        return db.select(ID, AT, ACTOR, ACTION, SUBJECT_TYPE, SUBJECT_ID, DETAIL).from(AUDIT).where(condition)
                .orderBy(ID.desc()).limit(Math.min(Math.max(limit, 1), 1000))
                .fetch(r -> new Entry(r.get(ID), r.get(AT), r.get(ACTOR), r.get(ACTION), r.get(SUBJECT_TYPE),
                        r.get(SUBJECT_ID), r.get(DETAIL)));
    }
}
