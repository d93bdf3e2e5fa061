package io.rapport.privacy;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import io.rapport.platform.Actor;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Append-only, tamper-evident record of sensitive actions: sign-ins, permission changes, unmasked reads of personal
 * data, exports, consent changes, erasures, configuration changes. Rows are only ever inserted.
 *
 * <p>The entries form a hash chain: each stores the previous entry's hash and its own hash over its content and that
 * previous hash (SHA-256, or HMAC-SHA256 with {@code rapport.privacy.audit.key} so that someone with database access
 * but without the key cannot recompute the chain). Changing, inserting or deleting an entry breaks the next link;
 * cutting entries off the end disagrees with the chain head ({@code privacy_audit_head}), which writers lock so the
 * chain follows the id order. {@link #verify()} walks the whole chain.
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
    static final Field<String> PREV_HASH = field("prev_hash", String.class);
    static final Field<String> HASH = field("entry_hash", String.class);

    static final Table<?> HEAD = table("privacy_audit_head");
    static final Field<Integer> H_ID = field("id", Integer.class);
    static final Field<Long> H_LAST_ID = field("last_id", Long.class);
    static final Field<String> H_LAST_HASH = field("last_hash", String.class);
    static final Field<Long> H_ENTRIES = field("entries", Long.class);

    /** The "previous hash" of the first entry. */
    static final String GENESIS = "0".repeat(64);
    private static final int PAGE = 5000;

    private final DSLContext db;
    private final Clock clock;
    private final byte[] key;

    AuditLog(DSLContext db, Clock clock, org.springframework.core.env.Environment environment) {
        this.db = db;
        this.clock = clock;
        String configured = environment.getProperty("rapport.privacy.audit.key", "");
        this.key = configured.isBlank() ? null : configured.getBytes(StandardCharsets.UTF_8);
    }

    /** One audited action. */
    public record Entry(long id, OffsetDateTime at, String actor, String action, String subjectType, String subjectId,
                        String detail) {}

    /** Search criteria; every one optional. {@code beforeId} pages backwards through the newest-first result. */
    public record Filter(String actor, String action, String subjectType, String subjectId, Instant from, Instant to,
                         Long beforeId, int limit) {}

    /** Where the chain first breaks. */
    public record Break(Long entryId, String reason) {}

    /** The outcome of walking the chain. */
    public record Verification(boolean intact, long entries, Optional<Break> firstBreak, String headHash,
                               Instant verifiedAt) {}

    /** Written in its own transaction so that the record survives even if the caller's work is rolled back. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void record(Actor actor, String action, String subjectType, String subjectId, String detail) {
        Record head = lockHead();
        String prev = head.get(H_LAST_HASH);
        OffsetDateTime at = OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS).withOffsetSameInstant(ZoneOffset.UTC);
        String actorName = cut(actor.name(), 100);
        String cutDetail = cut(detail, 2000);
        String type = cut(subjectType, 40);
        String subject = cut(subjectId, 100);
        String act = cut(action, 60);
        long id = db.insertInto(AUDIT)
                .set(AT, at).set(ACTOR, actorName).set(ACTION, act).set(SUBJECT_TYPE, type)
                .set(SUBJECT_ID, subject).set(DETAIL, cutDetail).set(PREV_HASH, prev)
                .returningResult(ID).fetchOne(ID);
        String hash = hash(id, at, actorName, act, type, subject, cutDetail, prev);
        db.update(AUDIT).set(HASH, hash).where(ID.eq(id)).execute();
        db.update(HEAD).set(H_LAST_ID, id).set(H_LAST_HASH, hash).set(H_ENTRIES, H_ENTRIES.plus(1))
                .where(H_ID.eq(1)).execute();
    }

    /**
     * The chain head, locked for this transaction. Created on first use; entries written before the chain existed
     * (an upgraded installation) are sealed into it then, in id order.
     */
    private Record lockHead() {
        Record head = db.select(H_LAST_ID, H_LAST_HASH, H_ENTRIES).from(HEAD).where(H_ID.eq(1)).forUpdate().fetchOne();
        if (head != null) {
            return head;
        }
        try {
            db.insertInto(HEAD).set(H_ID, 1).set(H_LAST_ID, 0L).set(H_LAST_HASH, GENESIS).set(H_ENTRIES, 0L).execute();
            sealLegacyEntries();
        } catch (org.springframework.dao.DuplicateKeyException | org.jooq.exception.IntegrityConstraintViolationException raced) {
            // another writer created it first
        }
        return db.select(H_LAST_ID, H_LAST_HASH, H_ENTRIES).from(HEAD).where(H_ID.eq(1)).forUpdate().fetchOne();
    }

    private void sealLegacyEntries() {
        String prev = GENESIS;
        long lastId = 0;
        long count = 0;
        for (Record r : db.select(ID, AT, ACTOR, ACTION, SUBJECT_TYPE, SUBJECT_ID, DETAIL).from(AUDIT).orderBy(ID)
                .fetch()) {
            String hash = hash(r.get(ID), r.get(AT), r.get(ACTOR), r.get(ACTION), r.get(SUBJECT_TYPE),
                    r.get(SUBJECT_ID), r.get(DETAIL), prev);
            db.update(AUDIT).set(PREV_HASH, prev).set(HASH, hash).where(ID.eq(r.get(ID))).execute();
            prev = hash;
            lastId = r.get(ID);
            count++;
        }
        db.update(HEAD).set(H_LAST_ID, lastId).set(H_LAST_HASH, prev).set(H_ENTRIES, count).where(H_ID.eq(1)).execute();
    }

    /** Walks the whole chain in id order and reports the first entry that does not fit. */
    public Verification verify() {
        String expectedPrev = GENESIS;
        long entries = 0;
        long lastId = 0;
        Optional<Break> broken = Optional.empty();
        while (broken.isEmpty()) {
            var page = db.select(ID, AT, ACTOR, ACTION, SUBJECT_TYPE, SUBJECT_ID, DETAIL, PREV_HASH, HASH).from(AUDIT)
                    .where(ID.gt(lastId)).orderBy(ID).limit(PAGE).fetch();
            for (Record r : page) {
                long id = r.get(ID);
                if (r.get(HASH) == null) {
                    broken = Optional.of(new Break(id, "entry has no hash: written outside Rapport or its hash removed"));
                    break;
                }
                if (!expectedPrev.equals(r.get(PREV_HASH))) {
                    broken = Optional.of(new Break(id, "link to the previous entry is broken: an entry before it was "
                            + "changed, inserted or deleted"));
                    break;
                }
                String recomputed = hash(id, r.get(AT), r.get(ACTOR), r.get(ACTION), r.get(SUBJECT_TYPE),
                        r.get(SUBJECT_ID), r.get(DETAIL), r.get(PREV_HASH));
                if (!recomputed.equals(r.get(HASH))) {
                    broken = Optional.of(new Break(id, "content does not match its hash: the entry was changed"));
                    break;
                }
                expectedPrev = r.get(HASH);
                lastId = id;
                entries++;
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        Record head = db.select(H_LAST_ID, H_LAST_HASH, H_ENTRIES).from(HEAD).where(H_ID.eq(1)).fetchOne();
        if (broken.isEmpty() && head != null && (head.get(H_LAST_ID) != lastId
                || !head.get(H_LAST_HASH).equals(expectedPrev) || head.get(H_ENTRIES) != entries)) {
            broken = Optional.of(new Break(head.get(H_LAST_ID), "the chain ends at entry " + lastId + " but its head "
                    + "records entry " + head.get(H_LAST_ID) + " (" + head.get(H_ENTRIES) + " entries): entries were "
                    + "removed from the end or the head was changed"));
        }
        if (broken.isEmpty() && head == null && entries > 0) {
            broken = Optional.of(new Break(null, "the chain head is missing"));
        }
        return new Verification(broken.isEmpty(), entries, broken, expectedPrev, clock.instant());
    }

    public List<Entry> search(String subjectType, String subjectId, String action, int limit) {
        return search(new Filter(null, action, subjectType, subjectId, null, null, null, limit));
    }

    public List<Entry> search(Filter filter) {
        Condition condition = DSL.noCondition();
        if (present(filter.actor())) {
            condition = condition.and(ACTOR.eq(filter.actor()));
        }
        if (present(filter.action())) {
            condition = filter.action().endsWith("*")
                    ? condition.and(ACTION.startsWith(filter.action().substring(0, filter.action().length() - 1)))
                    : condition.and(ACTION.eq(filter.action()));
        }
        if (present(filter.subjectType())) {
            condition = condition.and(SUBJECT_TYPE.eq(filter.subjectType()));
        }
        if (present(filter.subjectId())) {
            condition = condition.and(SUBJECT_ID.eq(filter.subjectId()));
        }
        if (filter.from() != null) {
            condition = condition.and(AT.ge(filter.from().atOffset(ZoneOffset.UTC)));
        }
        if (filter.to() != null) {
            condition = condition.and(AT.lt(filter.to().atOffset(ZoneOffset.UTC)));
        }
        if (filter.beforeId() != null) {
            condition = condition.and(ID.lt(filter.beforeId()));
        }
        return db.select(ID, AT, ACTOR, ACTION, SUBJECT_TYPE, SUBJECT_ID, DETAIL).from(AUDIT).where(condition)
                .orderBy(ID.desc()).limit(Math.min(Math.max(filter.limit(), 1), 1000))
                .fetch(r -> new Entry(r.get(ID), r.get(AT), r.get(ACTOR), r.get(ACTION), r.get(SUBJECT_TYPE),
                        r.get(SUBJECT_ID), r.get(DETAIL)));
    }

    /** Length-prefixed fields, so that no two different entries hash the same text. */
    String hash(long id, OffsetDateTime at, String actor, String action, String subjectType, String subjectId,
                String detail, String prev) {
        Instant instant = at.toInstant();
        long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
        StringBuilder text = new StringBuilder(256);
        for (String part : new String[] {Long.toString(id), Long.toString(micros), actor, action, subjectType,
                subjectId, detail, prev}) {
            if (part == null) {
                text.append("-1:|");
            } else {
                text.append(part.length()).append(':').append(part).append('|');
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            if (key != null) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return HexFormat.of().formatHex(mac.doFinal(bytes));
            }
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
