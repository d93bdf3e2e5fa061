package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The points ledger's mechanics. Every change of points is appended as ledger parts under one idempotency key; lots
 * record what was earned together and how much of it is left. The member row is the lock: every operation first takes
 * it with {@code SELECT ... FOR UPDATE}, so concurrent operations on one member run one after another and the cached
 * figures on the row always equal the ledger sums. Callers run these methods inside a transaction.
 *
 * <p>Round trips are what a ledger operation costs on a networked database, so writes that depend on nothing read
 * later in the operation (ledger parts, lot updates of a spend, a new lot whose id was reserved by the lock query) are
 * queued on the {@link Locked} member and sent with the member's update in one round trip ({@link #flush}). They are
 * still written inside the transaction and after the member's lock, so the guarantees are those of writing them one
 * by one.
 */
@Component
class PointsLedger {

    static final String PENDING = "pending";
    static final String AVAILABLE = "available";
    static final String EXPIRED = "expired";

    private final DSLContext db;
    private final Clock clock;
    private final Programme programme;
    private volatile String lotSequence;

    PointsLedger(DSLContext db, Clock clock, Programme programme) {
        this.db = db;
        this.clock = clock;
        this.programme = programme;
    }

    /** A member's figures while their row is locked; {@link #save} writes them back. */
    static final class Locked {
        final long customerId;
        final String memberNo;
        String tier;
        long available;
        long pending;
        long debt;
        OffsetDateTime nextRelease;
        OffsetDateTime nextExpiry;
        OffsetDateTime firstOrderAt;
        /** Whether the key given to {@link #lock(long, String)} was already used (then {@link #replay} says how). */
        boolean keySeen;
        /** A lot id taken from the lots' identity sequence by the lock query, for the operation's new lot. */
        Long reservedLotId;
        /** Writes queued until {@link #save}, which sends them with the member's update in one round trip. */
        final List<org.jooq.Query> writes = new ArrayList<>();
        /** The idempotency key of the ledger parts queued last (named when the write hits a used key). */
        String queuedKey;

        Locked(Record r) {
            customerId = r.get(M_CUSTOMER);
            memberNo = r.get(M_NO);
            tier = r.get(M_TIER);
            available = r.get(M_AVAILABLE);
            pending = r.get(M_PENDING);
            debt = r.get(M_DEBT);
            nextRelease = r.get(M_NEXT_RELEASE);
            nextExpiry = r.get(M_NEXT_EXPIRY);
            firstOrderAt = r.get(M_FIRST_ORDER);
        }
    }

    /** One ledger part before it is written. */
    record Part(String kind, String source, long points, long pending, long debt, boolean qualifying, Long lotId,
                String reference, String reason) {}

    /** What an operation requests; {@code availableAt} later than now makes the earned points pending. */
    record Earn(String kind, String source, long points, boolean qualifying, Instant earnedAt, Instant availableAt,
                String reference, String reason, String actor, String key) {}

    Instant now() {
        return clock.instant();
    }

    /** Locks the member row (404 {@code member-not-found} when there is none) and applies due releases and expiries. */
    Locked lock(long customerId) {
        return lock(customerId, null);
    }

    /**
     * Locks the member and, in the same round trip, tells whether an operation with {@code key} was already written
     * ({@link Locked#keySeen}): the common case, a new key, then needs no separate idempotency query.
     */
    Locked lock(long customerId, String key) {
        return lock(customerId, key, false);
    }

    /**
     * As {@link #lock(long, String)}; with {@code newLot} on PostgreSQL the same query also reserves the id of the lot
     * the operation will create, so the lot is written with the operation's other writes, not in a round trip of its own.
     */
    Locked lock(long customerId, String key, boolean newLot) {
        org.jooq.Field<Boolean> seen = key == null ? DSL.inline(false)
                : DSL.field(DSL.exists(DSL.selectOne().from(LEDGER).where(L_KEY.eq(key)).and(L_PART.eq(0))));
        org.jooq.Field<Long> lotId = newLot && postgres()
                ? DSL.field("nextval({0}::regclass)", Long.class, DSL.inline(lotSequence()))
                : DSL.inline(null, Long.class);
        Record row = db.select(M_CUSTOMER, M_NO, M_TIER, M_AVAILABLE, M_PENDING, M_DEBT, M_NEXT_RELEASE, M_NEXT_EXPIRY,
                        M_FIRST_ORDER, seen.as("key_seen"), lotId.as("lot_id")).from(MEMBER)
                .where(M_CUSTOMER.eq(customerId)).forUpdate().fetchOne();
        if (row == null) {
            throw new RapportException(HttpStatus.NOT_FOUND, "member-not-found",
                    "Customer " + customerId + " is not a loyalty member").with("customerId", customerId);
        }
        Locked member = new Locked(row);
        member.keySeen = Boolean.TRUE.equals(row.get("key_seen", Boolean.class));
        member.reservedLotId = row.get("lot_id", Long.class);
        maintain(member, now());
        return member;
    }

    /**
     * The lots' identity sequence, looked up once: naming it in the lock query spares the server a catalogue search
     * ({@code pg_get_serial_sequence}) on every earn.
     */
    private String lotSequence() {
        String name = lotSequence;
        if (name == null) {
            name = db.select(DSL.field("pg_get_serial_sequence('loyalty_lot', 'id')", String.class)).fetchOne(0,
                    String.class);
            lotSequence = name;
        }
        return name;
    }

    /** Releases pending lots whose return window has passed and expires lots past their date, as of {@code now}. */
    boolean maintain(Locked m, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        boolean changed = false;
        if (m.nextRelease != null && !m.nextRelease.isAfter(at) || m.nextExpiry != null && !m.nextExpiry.isAfter(at)) {
            flush(m); // release and expiry read the lots, queued lot writes included
        }
        if (m.nextRelease != null && !m.nextRelease.isAfter(at)) {
            release(m, at);
            changed = true;
        }
        if (m.nextExpiry != null && !m.nextExpiry.isAfter(at)) {
            expire(m, at);
            changed = true;
        }
        if (changed) {
            save(m);
        }
        return changed;
    }

    private void release(Locked m, OffsetDateTime at) {
        List<? extends Record> due = db.select(LOT_ID, LOT_REMAINING, LOT_QUALIFYING).from(LOT)
                .where(LOT_CUSTOMER.eq(m.customerId)).and(LOT_STATE.eq(PENDING)).and(LOT_AVAILABLE_AT.le(at))
                .and(LOT_EXPIRES.gt(at)).orderBy(LOT_ID).fetch();
        for (Record lot : due) {
            long remaining = lot.get(LOT_REMAINING);
            long lotId = lot.get(LOT_ID);
            List<Part> parts = new ArrayList<>();
            parts.add(new Part("release", "return-window", remaining, -remaining, 0, lot.get(LOT_QUALIFYING), lotId,
                    null, "return window passed"));
            long settled = Math.min(remaining, m.debt);
            if (settled > 0) {
                parts.add(new Part("debt-settled", "return-window", -settled, 0, -settled, false, lotId, null,
                        "earned points settle the debt left by a return"));
            }
            db.update(LOT).set(LOT_STATE, AVAILABLE).set(LOT_REMAINING, remaining - settled)
                    .where(LOT_ID.eq(lotId)).execute();
            append(m, "release:" + lotId, parts, "system");
        }
        m.nextRelease = db.select(DSL.min(LOT_AVAILABLE_AT)).from(LOT).where(LOT_CUSTOMER.eq(m.customerId))
                .and(LOT_STATE.eq(PENDING)).fetchOne(0, OffsetDateTime.class);
    }

    private void expire(Locked m, OffsetDateTime at) {
        List<? extends Record> due = db.select(LOT_ID, LOT_REMAINING, LOT_STATE).from(LOT)
                .where(LOT_CUSTOMER.eq(m.customerId)).and(LOT_STATE.in(PENDING, AVAILABLE)).and(LOT_EXPIRES.le(at))
                .orderBy(LOT_EXPIRES, LOT_ID).fetch();
        for (Record lot : due) {
            long remaining = lot.get(LOT_REMAINING);
            long lotId = lot.get(LOT_ID);
            boolean pending = PENDING.equals(lot.get(LOT_STATE));
            db.update(LOT).set(LOT_STATE, EXPIRED).set(LOT_REMAINING, 0L).where(LOT_ID.eq(lotId)).execute();
            if (remaining > 0) {
                append(m, "expire:" + lotId, List.of(new Part("expire", "expiry", pending ? 0 : -remaining,
                        pending ? -remaining : 0, 0, false, lotId, null, "lot expired")), "system");
            }
        }
        m.nextExpiry = db.select(DSL.min(LOT_EXPIRES)).from(LOT).where(LOT_CUSTOMER.eq(m.customerId))
                .and(LOT_STATE.in(PENDING, AVAILABLE)).and(LOT_REMAINING.gt(0L)).fetchOne(0, OffsetDateTime.class);
    }

    /**
     * Expires the due lots of many members at once (the nightly path): the members' rows are locked together in id
     * order, then a handful of set-based statements expire their lots, append one ledger part per lot and update the
     * cached figures. Members with a release due are left to {@link #lock}, which also settles debt. Returns how many
     * members it handled.
     */
    int expireDue(List<Long> customerIds, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        // the id range lets every database walk the primary key; the list then picks the page's members
        long low = java.util.Collections.min(customerIds);
        long high = java.util.Collections.max(customerIds);
        var locked = db.select(M_CUSTOMER, M_AVAILABLE, M_PENDING).from(MEMBER).where(M_CUSTOMER.between(low, high))
                .and(M_CUSTOMER.in(customerIds))
                .and(M_NEXT_EXPIRY.le(at)).and(M_NEXT_RELEASE.isNull().or(M_NEXT_RELEASE.gt(at)))
                .orderBy(M_CUSTOMER).forUpdate().fetch();
        if (locked.isEmpty()) {
            return 0;
        }
        List<Long> ids = locked.map(r -> r.get(M_CUSTOMER));
        var due = db.select(LOT_ID, LOT_CUSTOMER, LOT_REMAINING, LOT_STATE).from(LOT).where(LOT_CUSTOMER.between(low, high))
                .and(LOT_CUSTOMER.in(ids))
                .and(LOT_STATE.in(PENDING, AVAILABLE)).and(LOT_EXPIRES.le(at)).orderBy(LOT_ID).fetch();
        java.util.Map<Long, long[]> expired = new java.util.HashMap<>();
        if (!due.isEmpty()) {
            db.update(LOT).set(LOT_STATE, EXPIRED).set(LOT_REMAINING, 0L)
                    .where(LOT_ID.in(due.map(r -> r.get(LOT_ID)))).execute();
            var insert = db.insertInto(LEDGER, L_CUSTOMER, L_KEY, L_PART, L_KIND, L_SOURCE, L_POINTS, L_PENDING,
                    L_DEBT, L_QUALIFYING, L_LOT, L_REFERENCE, L_REASON, L_ACTOR, L_CREATED);
            boolean any = false;
            for (Record lot : due) {
                long remaining = lot.get(LOT_REMAINING);
                if (remaining == 0) {
                    continue;
                }
                boolean pending = PENDING.equals(lot.get(LOT_STATE));
                long[] sums = expired.computeIfAbsent(lot.get(LOT_CUSTOMER), c -> new long[2]);
                sums[pending ? 1 : 0] += remaining;
                insert = insert.values(lot.get(LOT_CUSTOMER), "expire:" + lot.get(LOT_ID), 0, "expire", "expiry",
                        pending ? 0 : -remaining, pending ? -remaining : 0, 0L, false, lot.get(LOT_ID), null,
                        "lot expired", "system", at);
                any = true;
            }
            if (any) {
                insert.execute();
            }
        }
        java.util.Map<Long, OffsetDateTime> next = new java.util.HashMap<>();
        db.select(LOT_CUSTOMER, DSL.min(LOT_EXPIRES)).from(LOT).where(LOT_CUSTOMER.between(low, high))
                .and(LOT_CUSTOMER.in(ids))
                .and(LOT_STATE.in(PENDING, AVAILABLE)).and(LOT_REMAINING.gt(0L)).groupBy(LOT_CUSTOMER)
                .forEach(r -> next.put(r.value1(), r.value2()));
        List<org.jooq.Query> updates = new ArrayList<>(locked.size());
        for (Record m : locked) {
            long id = m.get(M_CUSTOMER);
            long[] sums = expired.getOrDefault(id, new long[2]);
            updates.add(db.update(MEMBER).set(M_AVAILABLE, m.get(M_AVAILABLE) - sums[0])
                    .set(M_PENDING, m.get(M_PENDING) - sums[1]).set(M_NEXT_EXPIRY, next.get(id))
                    .where(M_CUSTOMER.eq(id)));
        }
        db.batch(updates).execute();
        return locked.size();
    }

    /**
     * The earlier result of an operation with this key, if any: a replay answers with it and changes nothing. A key
     * used for another member or another kind of operation is a 409 {@code idempotency-key-reused}.
     */
    Optional<List<? extends Record>> replay(Locked m, String key, String kind) {
        List<? extends Record> parts = db.select(L_CUSTOMER, L_KIND, L_POINTS, L_PENDING, L_DEBT, L_LOT).from(LEDGER)
                .where(L_KEY.eq(key)).orderBy(L_PART).fetch();
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        Record first = parts.getFirst();
        if (first.get(L_CUSTOMER) != m.customerId || !first.get(L_KIND).equals(kind)) {
            throw new RapportException(HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency key '" + key
                    + "' was already used for another operation (" + first.get(L_KIND) + ")").with("idempotencyKey", key);
        }
        return Optional.of(parts);
    }

    /** Earns points into a new lot (pending until {@code availableAt}); earned points first settle any debt. */
    long earn(Locked m, Earn e) {
        Instant now = now();
        ProgrammeSettings settings = programme.settings();
        OffsetDateTime earnedAt = e.earnedAt().atOffset(ZoneOffset.UTC);
        OffsetDateTime expires = earnedAt.plusMonths(settings.expiryMonths());
        boolean pending = e.availableAt().isAfter(now);
        long settled = pending ? 0 : Math.min(e.points(), m.debt);
        var lot = db.insertInto(LOT).set(LOT_CUSTOMER, m.customerId).set(LOT_SOURCE, e.source())
                .set(LOT_POINTS, e.points()).set(LOT_REMAINING, e.points() - settled)
                .set(LOT_QUALIFYING, e.qualifying()).set(LOT_STATE, pending ? PENDING : AVAILABLE)
                .set(LOT_EARNED, earnedAt).set(LOT_AVAILABLE_AT, e.availableAt().atOffset(ZoneOffset.UTC))
                .set(LOT_EXPIRES, expires);
        Long lotId = m.reservedLotId;
        m.reservedLotId = null;
        if (lotId != null) {
            m.writes.add(lot.set(LOT_ID, lotId)); // the id is known: written with the rest
        } else {
            lotId = lot.returning(LOT_ID).fetchOne(LOT_ID);
        }
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(e.kind(), e.source(), pending ? 0 : e.points(), pending ? e.points() : 0, 0, e.qualifying(),
                lotId, e.reference(), e.reason()));
        if (settled > 0) {
            parts.add(new Part("debt-settled", e.source(), -settled, 0, -settled, false, lotId, e.reference(),
                    "earned points settle the debt left by a return"));
        }
        append(m, e.key(), parts, e.actor());
        if (pending && (m.nextRelease == null || m.nextRelease.isAfter(e.availableAt().atOffset(ZoneOffset.UTC)))) {
            m.nextRelease = e.availableAt().atOffset(ZoneOffset.UTC);
        }
        if (m.nextExpiry == null || m.nextExpiry.isAfter(expires)) {
            m.nextExpiry = expires;
        }
        // a lot that is already past its expiry (an old order imported late) expires at once
        maintain(m, now);
        save(m);
        return lotId;
    }

    /**
     * Spends available points, oldest lot first (by expiry, then age). 409 {@code insufficient-points} when the
     * member's spendable points do not cover it; nothing is written then.
     */
    void spend(Locked m, String kind, String source, long points, String key, String reference, String reason,
               String actor) {
        long spendable = m.available - (programme.settings().negativeBalance()
                == ProgrammeSettings.NegativeBalance.ALLOW ? m.debt : 0);
        if (points > spendable) {
            throw new RapportException(HttpStatus.CONFLICT, "insufficient-points", "Member " + m.memberNo + " has "
                    + Math.max(spendable, 0) + " points available, " + points + " needed")
                    .with("available", Math.max(spendable, 0)).with("needed", points);
        }
        if (postgres() && m.writes.isEmpty()) {
            spendInOneStatement(m, kind, source, points, key, reference, reason, actor);
            return;
        }
        List<Part> parts = new ArrayList<>();
        long left = draw(m, points, null, kind, source, reference, reason, parts);
        if (left > 0) {
            throw new IllegalStateException("member " + m.customerId + ": lots hold less than the cached balance");
        }
        append(m, key, parts, actor);
        save(m);
    }

    /**
     * A spend on PostgreSQL in one statement, so one round trip after the lock, like an earn: the draw is computed by
     * the server from a running sum over the member's available lots in spending order (first to expire first, then
     * oldest), each lot drawn gets its update and its ledger part, and the member's cached figures are written. It
     * runs under the member's lock, after {@link #maintain} (nothing is due, no write is queued), so the lots it reads
     * are the ones {@link #draw} would have read.
     */
    private static final String SPEND = """
            with lots as (
              select id, remaining,
                     (sum(remaining) over (order by expires_at, id rows unbounded preceding))::bigint upto
              from loyalty_lot where customer_id = ? and state = 'available' and remaining > 0),
            """ + PointsLedger.DRAW + """
            update loyalty_member set available = ?, pending = ?, debt = ? where customer_id = ?
            returning (select coalesce(-sum(points), 0) from parts)""";

    /**
     * The draw of a spend from {@code lots} (the member's available lots with the running sum {@code upto} of their
     * points in spending order), as {@code WITH} parts: {@code taken} what each lot gives (binds: the points twice),
     * {@code drawn} the lot updates, {@code parts} the ledger parts (binds: customer, key, kind, source, reference,
     * reason, actor, time) returning their points. Shared by this spend and the express one.
     */
    static final String DRAW = """
            taken as (
              select id, least(remaining, ? - (upto - remaining)) take, row_number() over (order by upto) - 1 part
              from lots where upto - remaining < ?),
            drawn as (
              update loyalty_lot l set remaining = l.remaining - t.take from taken t where l.id = t.id),
            parts as (
              insert into loyalty_ledger (customer_id, op_key, part, kind, source, points, pending_points, debt_points,
                                          qualifying, lot_id, reference, reason, actor, created_at)
              select ?, ?, t.part, ?, ?, -t.take, 0, 0, false, t.id, ?, ?, ?, ?::timestamptz from taken t
              returning points)
            """;

    private void spendInOneStatement(Locked m, String kind, String source, long points, String key, String reference,
                                     String reason, String actor) {
        m.available -= points;
        Long drawn;
        try {
            drawn = db.resultQuery(SPEND, m.customerId, points, points, m.customerId, key, kind, source,
                    DSL.val(reference, String.class), DSL.val(reason, String.class), actor,
                    now().atOffset(ZoneOffset.UTC), m.available, m.pending, m.debt, m.customerId)
                    .fetchOne(0, Long.class);
        } catch (DuplicateKeyException e) {
            throw keyRaced(key);
        }
        if (drawn == null || drawn != points) {
            throw new IllegalStateException("member " + m.customerId + ": lots hold less than the cached balance");
        }
    }

    private boolean postgres() {
        return db.dialect().family() == org.jooq.SQLDialect.POSTGRES;
    }

    /**
     * Reverses points of an order (a return): from the order's own lot first (pending or available), then from other
     * available lots oldest first; what is left (already spent) becomes debt, or under {@code ALLOW} a negative balance.
     */
    void reverse(Locked m, long points, Long orderLot, String key, String reference, String actor) {
        List<Part> parts = new ArrayList<>();
        long left = points;
        if (orderLot != null) {
            Record lot = db.select(LOT_REMAINING, LOT_STATE).from(LOT).where(LOT_ID.eq(orderLot)).fetchOne();
            if (lot != null && !EXPIRED.equals(lot.get(LOT_STATE)) && lot.get(LOT_REMAINING) > 0) {
                long take = Math.min(left, lot.get(LOT_REMAINING));
                boolean pending = PENDING.equals(lot.get(LOT_STATE));
                db.update(LOT).set(LOT_REMAINING, LOT_REMAINING.minus(take)).where(LOT_ID.eq(orderLot)).execute();
                parts.add(new Part("reverse", "return", pending ? 0 : -take, pending ? -take : 0, 0, true, orderLot,
                        reference, "return of a rewarded order"));
                left -= take;
            }
        }
        left = draw(m, left, orderLot, "reverse", "return", reference, "return of a rewarded order", parts);
        if (left > 0) {
            parts.add(new Part("reverse-debt", "return", 0, 0, left, false, null, reference,
                    "points of the returned order were already spent"));
        }
        append(m, key, parts, actor);
        save(m);
    }

    /**
     * Moves every open lot and the debt of {@code from} to {@code to} (a customer merge): each lot is recreated on the
     * survivor with its dates and state, the move is written on both sides of the ledger, and both caches follow.
     */
    void moveAll(Locked from, Locked to, String key) {
        List<Part> out = new ArrayList<>();
        List<Part> in = new ArrayList<>();
        var lots = db.select(LOT_ID, LOT_SOURCE, LOT_REMAINING, LOT_QUALIFYING, LOT_STATE, LOT_EARNED, LOT_AVAILABLE_AT,
                        LOT_EXPIRES).from(LOT).where(LOT_CUSTOMER.eq(from.customerId))
                .and(LOT_STATE.in(PENDING, AVAILABLE)).and(LOT_REMAINING.gt(0L)).orderBy(LOT_ID).fetch();
        for (Record lot : lots) {
            long remaining = lot.get(LOT_REMAINING);
            boolean pending = PENDING.equals(lot.get(LOT_STATE));
            Long moved = db.insertInto(LOT, LOT_CUSTOMER, LOT_SOURCE, LOT_POINTS, LOT_REMAINING, LOT_QUALIFYING,
                            LOT_STATE, LOT_EARNED, LOT_AVAILABLE_AT, LOT_EXPIRES)
                    .values(to.customerId, lot.get(LOT_SOURCE), remaining, remaining, lot.get(LOT_QUALIFYING),
                            lot.get(LOT_STATE), lot.get(LOT_EARNED), lot.get(LOT_AVAILABLE_AT), lot.get(LOT_EXPIRES))
                    .returning(LOT_ID).fetchOne(LOT_ID);
            db.update(LOT).set(LOT_REMAINING, 0L).set(LOT_STATE, "moved").where(LOT_ID.eq(lot.get(LOT_ID))).execute();
            out.add(new Part("merge-out", "merge", pending ? 0 : -remaining, pending ? -remaining : 0, 0, false,
                    lot.get(LOT_ID), "customer " + to.customerId, "merged into customer " + to.customerId));
            in.add(new Part("merge-in", "merge", pending ? 0 : remaining, pending ? remaining : 0, 0, false, moved,
                    "customer " + from.customerId, "merged from customer " + from.customerId));
            if (pending && (to.nextRelease == null || to.nextRelease.isAfter(lot.get(LOT_AVAILABLE_AT)))) {
                to.nextRelease = lot.get(LOT_AVAILABLE_AT);
            }
            if (to.nextExpiry == null || to.nextExpiry.isAfter(lot.get(LOT_EXPIRES))) {
                to.nextExpiry = lot.get(LOT_EXPIRES);
            }
        }
        if (from.debt > 0) {
            out.add(new Part("merge-out", "merge", 0, 0, -from.debt, false, null, "customer " + to.customerId,
                    "debt merged into customer " + to.customerId));
            in.add(new Part("merge-in", "merge", 0, 0, from.debt, false, null, "customer " + from.customerId,
                    "debt merged from customer " + from.customerId));
        }
        if (!out.isEmpty()) {
            append(from, key + ":out", out, "system");
            append(to, key + ":in", in, "system");
        }
        if (to.firstOrderAt == null || from.firstOrderAt != null && from.firstOrderAt.isBefore(to.firstOrderAt)) {
            to.firstOrderAt = from.firstOrderAt;
        }
        from.nextRelease = null;
        from.nextExpiry = null;
        save(from);
        save(to);
    }

    /** Takes points from available lots oldest first, except {@code skipLot}; returns what could not be taken. */
    private long draw(Locked m, long points, Long skipLot, String kind, String source, String reference, String reason,
                      List<Part> parts) {
        long left = points;
        if (left <= 0) {
            return 0;
        }
        var lots = db.select(LOT_ID, LOT_REMAINING).from(LOT).where(LOT_CUSTOMER.eq(m.customerId))
                .and(LOT_STATE.eq(AVAILABLE)).and(LOT_REMAINING.gt(0L))
                .and(skipLot == null ? DSL.noCondition() : LOT_ID.ne(skipLot))
                .orderBy(LOT_EXPIRES, LOT_ID).fetch();
        for (Record lot : lots) {
            if (left == 0) {
                break;
            }
            long take = Math.min(left, lot.get(LOT_REMAINING));
            m.writes.add(db.update(LOT).set(LOT_REMAINING, lot.get(LOT_REMAINING) - take)
                    .where(LOT_ID.eq(lot.get(LOT_ID))));
            parts.add(new Part(kind, source, -take, 0, 0, false, lot.get(LOT_ID), reference, reason));
            left -= take;
        }
        return left;
    }

    /** Appends parts and applies their sums to the member's figures. */
    private void append(Locked m, String key, List<Part> parts, String actor) {
        for (Part p : parts) {
            m.available += p.points();
            m.pending += p.pending();
            m.debt += p.debt();
        }
        m.writes.add(insertParts(m.customerId, key, parts, actor));
        m.queuedKey = key;
    }

    private org.jooq.Query insertParts(long customerId, String key, List<Part> parts, String actor) {
        OffsetDateTime now = now().atOffset(ZoneOffset.UTC);
        var insert = db.insertInto(LEDGER, L_CUSTOMER, L_KEY, L_PART, L_KIND, L_SOURCE, L_POINTS, L_PENDING, L_DEBT,
                L_QUALIFYING, L_LOT, L_REFERENCE, L_REASON, L_ACTOR, L_CREATED);
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            insert = insert.values(customerId, key, i, p.kind(), p.source(), p.points(), p.pending(), p.debt(),
                    p.qualifying(), p.lotId(), p.reference(), p.reason(), actor, now);
        }
        return insert;
    }

    /** Writes the member's cached figures, together with the operation's queued writes (one batch). */
    void save(Locked m) {
        m.writes.add(db.update(MEMBER).set(M_AVAILABLE, m.available).set(M_PENDING, m.pending).set(M_DEBT, m.debt)
                .set(M_NEXT_RELEASE, m.nextRelease).set(M_NEXT_EXPIRY, m.nextExpiry).set(M_TIER, m.tier)
                .set(M_FIRST_ORDER, m.firstOrderAt)
                .where(M_CUSTOMER.eq(m.customerId)));
        flush(m);
    }

    /**
     * Sends the queued writes in one round trip. On PostgreSQL several writes become one statement, each but the last
     * a data-modifying {@code WITH} part ({@code WITH w0 AS (INSERT …), w1 AS (UPDATE …) UPDATE …}), with bind values,
     * so the server keeps its prepared plan; the queued writes never touch the same row twice and read nothing the
     * others write, which is what such a statement requires. Elsewhere (H2, in process) they go as one JDBC batch.
     */
    void flush(Locked m) {
        if (m.writes.isEmpty()) {
            return;
        }
        List<org.jooq.Query> writes = List.copyOf(m.writes);
        m.writes.clear();
        try {
            if (writes.size() == 1) {
                writes.getFirst().execute();
            } else if (db.dialect().family() == org.jooq.SQLDialect.POSTGRES) {
                StringBuilder sql = new StringBuilder("with ");
                for (int i = 0; i < writes.size() - 1; i++) {
                    sql.append(i == 0 ? "" : ", ").append("w").append(i).append(" as ({").append(i).append("})");
                }
                sql.append(" {").append(writes.size() - 1).append("}");
                db.query(sql.toString(), writes.toArray(org.jooq.QueryPart[]::new)).execute();
            } else {
                db.batch(writes).execute();
            }
        } catch (DuplicateKeyException e) {
            throw keyRaced(m.queuedKey);
        }
    }

    /**
     * The ledger's {@code (op_key, part)} is the only unique key an operation's writes can hit: another transaction
     * wrote the key after this one checked it. Usually that is the same request sent twice, whose second copy waited
     * for the member's lock behind the first (the key check saw the data as of before the wait); {@code Points} then
     * runs the operation again in a new transaction, which sees the key and answers with the replay.
     */
    static KeyRaced keyRaced(String key) {
        return new KeyRaced(key);
    }

    /** A 409 {@code idempotency-key-reused} that a new transaction may answer as a replay (see {@link #keyRaced}). */
    static final class KeyRaced extends RapportException {
        KeyRaced(String key) {
            super(HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency key '" + key
                    + "' was used by another operation at the same time");
            with("idempotencyKey", String.valueOf(key));
        }
    }
}
