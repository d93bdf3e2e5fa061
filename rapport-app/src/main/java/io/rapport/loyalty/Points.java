package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Points for other modules and for the API: grant (journeys, tasks, campaigns), manual adjustments by staff, balances,
 * points expiring soon and the history. Every call with the same idempotency key is done once; a replay answers
 * with the balance as it is and {@code replayed = true}.
 */
@Service
public class Points {

    private final DSLContext db;
    private final PointsLedger ledger;
    private final Programme programme;
    private final Tiers tiers;

    private final ExpressLedger express;
    private final TransactionTemplate transaction;

    Points(DSLContext db, PointsLedger ledger, ExpressLedger express, Programme programme, Tiers tiers,
           TransactionTemplate transaction) {
        this.db = db;
        this.ledger = ledger;
        this.express = express;
        this.programme = programme;
        this.tiers = tiers;
        this.transaction = transaction;
    }

    /**
     * A member's points. {@code points} is what they can spend; under the {@code ALLOW} policy it is negative while a
     * return's reversal is not yet covered, under {@code DEBT} that shortfall is {@code debt} instead.
     */
    public record Balance(long customerId, long points, long pending, long debt) {}

    /** The outcome of a points operation. */
    public record Movement(long customerId, String idempotencyKey, String kind, long points, Balance balance,
                           boolean replayed) {}

    /** One ledger part as shown in histories and searches. */
    public record Entry(long id, long customerId, String idempotencyKey, int part, String kind, String source,
                        long points, long pendingPoints, long debtPoints, Long lotId, String reference, String reason,
                        String actor, OffsetDateTime at) {}

    /**
     * Grants points to a member (non-qualifying: they do not count towards tiers), e.g. a journey's reward.
     * 400 {@code invalid-points} unless points ≥ 1; 404 {@code member-not-found}.
     */
    public Movement grant(long customerId, long points, String source, String idempotencyKey) {
        return earn(customerId, points, source, idempotencyKey, "grant", null, "system");
    }

    /** Earns points into a new lot; in a transaction of its own unless the caller has one. */
    Movement earn(long customerId, long points, String source, String key, String kind, String reason, String actor) {
        requirePositive(points);
        String validSource = source(source);
        String clientKey = key(key);
        return once(() -> earnExpress(customerId, points, validSource, clientKey, kind, reason, actor),
                () -> earnLocked(customerId, points, validSource, clientKey, kind, reason, actor));
    }

    /**
     * Runs a keyed operation in a transaction, once. When it is the transaction's owner and the operation's writes hit
     * its key, written meanwhile by another transaction (the same request sent twice: the copy waited for the member's
     * lock behind the first, whose key the lock query could not see yet), it runs the operation again in a new
     * transaction, which sees the key and answers with the first attempt's result (or a 409 if the key was used for
     * something else). Inside a caller's transaction the 409 is left to the caller: that transaction is spoiled.
     *
     * <p>Without a caller's transaction the {@code express} form is tried first ({@link ExpressLedger}: one round trip
     * on PostgreSQL); it answers null when the operation needs the general path, and raises the same race.
     */
    private Movement once(java.util.function.Supplier<Movement> express,
                          java.util.function.Supplier<Movement> operation) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return operation.get();
        }
        try {
            Movement done = express.get();
            return done != null ? done : transaction.execute(status -> operation.get());
        } catch (PointsLedger.KeyRaced raced) {
            return transaction.execute(status -> operation.get());
        }
    }

    private Movement earnExpress(long customerId, long points, String validSource, String clientKey, String kind,
                                 String reason, String actor) {
        if (!express.available()) {
            return null;
        }
        OffsetDateTime now = ledger.now().atOffset(ZoneOffset.UTC);
        ExpressLedger.Figures after = express.earn(customerId, scoped(customerId, clientKey), kind, validSource, points,
                reason, actor, now, now.plusMonths(programme.settings().expiryMonths()));
        return after == null ? null : new Movement(customerId, clientKey, kind, points, balance(customerId, after), false);
    }

    private Movement earnLocked(long customerId, long points, String validSource, String clientKey, String kind,
                                String reason, String actor) {
        String opKey = scoped(customerId, clientKey);
        PointsLedger.Locked m = ledger.lock(customerId, opKey, true);
        Optional<List<? extends Record>> replay = m.keySeen ? ledger.replay(m, opKey, kind) : Optional.empty();
        if (replay.isPresent()) {
            return movement(m, clientKey, kind, replay.get(), true);
        }
        Instant now = ledger.now();
        ledger.earn(m, new PointsLedger.Earn(kind, validSource, points, false, now, now, null, reason, actor, opKey));
        return new Movement(customerId, clientKey, kind, points, balance(m), false);
    }

    /**
     * A staff adjustment with a reason: positive points are added as a lot, negative ones taken oldest lot first
     * (409 {@code insufficient-points} when the member has fewer). 400 {@code reason-required} without a reason.
     */
    public Movement adjust(long customerId, long points, String reason, String staff, String idempotencyKey) {
        if (reason == null || reason.isBlank()) {
            throw RapportException.badRequest("reason-required", "reason", "A manual adjustment needs a reason");
        }
        if (points == 0) {
            throw RapportException.badRequest("invalid-points", "points", "An adjustment of 0 points changes nothing");
        }
        if (points > 0) {
            return earn(customerId, points, "adjustment", idempotencyKey, "adjust", reason, staff);
        }
        return spend(customerId, -points, "adjust", "adjustment", idempotencyKey, null, reason, staff);
    }

    /**
     * Spends points for a purpose (donation, partner transfer …): a locked, idempotent, all-or-nothing operation, in a
     * transaction of its own unless the caller has one.
     */
    Movement spend(long customerId, long points, String kind, String source, String key, String reference,
                   String reason, String actor) {
        requirePositive(points);
        String clientKey = key(key);
        return once(() -> spendExpress(customerId, points, kind, source, clientKey, reference, reason, actor),
                () -> spendLocked(customerId, points, kind, source, clientKey, reference, reason, actor));
    }

    private Movement spendExpress(long customerId, long points, String kind, String source, String clientKey,
                                  String reference, String reason, String actor) {
        if (!express.available()) {
            return null;
        }
        ExpressLedger.Figures after = express.spend(customerId, scoped(customerId, clientKey), kind, source, points,
                reference, reason, actor, allowNegative(), ledger.now().atOffset(ZoneOffset.UTC));
        return after == null ? null : new Movement(customerId, clientKey, kind, -points, balance(customerId, after),
                false);
    }

    private Movement spendLocked(long customerId, long points, String kind, String source, String clientKey,
                                 String reference, String reason, String actor) {
        String opKey = scoped(customerId, clientKey);
        PointsLedger.Locked m = ledger.lock(customerId, opKey);
        Optional<List<? extends Record>> replay = m.keySeen ? ledger.replay(m, opKey, kind) : Optional.empty();
        if (replay.isPresent()) {
            return movement(m, clientKey, kind, replay.get(), true);
        }
        ledger.spend(m, kind, source, points, opKey, reference, reason, actor);
        return new Movement(customerId, clientKey, kind, -points, balance(m), false);
    }

    /** The balance as of now (due releases and expiries applied first). */
    @Transactional
    public Balance balance(long customerId) {
        return balance(ledger.lock(customerId));
    }

    /** Points of the member's lots that expire within {@code within} from now (pending lots included). */
    public long expiringWithin(long customerId, Duration within) {
        OffsetDateTime now = ledger.now().atOffset(ZoneOffset.UTC);
        Long sum = db.select(DSL.sum(LOT_REMAINING).cast(Long.class)).from(LOT)
                .where(LOT_CUSTOMER.eq(customerId)).and(LOT_STATE.in(PointsLedger.PENDING, PointsLedger.AVAILABLE))
                .and(LOT_REMAINING.gt(0L)).and(LOT_EXPIRES.gt(now)).and(LOT_EXPIRES.le(now.plus(within)))
                .fetchOne(0, Long.class);
        return sum == null ? 0 : sum;
    }

    /** Members with points expiring within {@code within} from now (pending lots included): customer id → points. */
    public void forEachExpiringWithin(Duration within, java.util.function.BiConsumer<Long, Long> action) {
        OffsetDateTime now = ledger.now().atOffset(ZoneOffset.UTC);
        try (var rows = db.select(LOT_CUSTOMER, DSL.sum(LOT_REMAINING).cast(Long.class)).from(LOT)
                .where(LOT_STATE.in(PointsLedger.PENDING, PointsLedger.AVAILABLE)).and(LOT_REMAINING.gt(0L))
                .and(LOT_EXPIRES.gt(now)).and(LOT_EXPIRES.le(now.plus(within)))
                .groupBy(LOT_CUSTOMER).orderBy(LOT_CUSTOMER).fetchSize(5_000).fetchLazy()) {
            rows.forEach(r -> action.accept(r.value1(), r.value2()));
        }
    }

    /** A member's ledger, newest first. */
    public List<Entry> history(long customerId, int page, int size) {
        return search(L_CUSTOMER.eq(customerId), page, size);
    }

    List<Entry> search(Condition condition, int page, int size) {
        return db.select(L_ID, L_CUSTOMER, L_KEY, L_PART, L_KIND, L_SOURCE, L_POINTS, L_PENDING, L_DEBT, L_LOT,
                        L_REFERENCE, L_REASON, L_ACTOR, L_CREATED).from(LEDGER).where(condition)
                .orderBy(L_ID.desc()).limit(size).offset(page * size)
                .fetch(r -> new Entry(r.get(L_ID), r.get(L_CUSTOMER), r.get(L_KEY), r.get(L_PART), r.get(L_KIND),
                        r.get(L_SOURCE), r.get(L_POINTS), r.get(L_PENDING), r.get(L_DEBT), r.get(L_LOT),
                        r.get(L_REFERENCE), r.get(L_REASON), r.get(L_ACTOR), r.get(L_CREATED)));
    }

    /** The member's figures summed from the ledger itself (the cached ones must equal these). */
    public Balance ledgerSums(long customerId) {
        Record r = db.select(DSL.coalesce(DSL.sum(L_POINTS), 0).cast(Long.class),
                        DSL.coalesce(DSL.sum(L_PENDING), 0).cast(Long.class),
                        DSL.coalesce(DSL.sum(L_DEBT), 0).cast(Long.class))
                .from(LEDGER).where(L_CUSTOMER.eq(customerId)).fetchOne();
        return new Balance(customerId, r.get(0, Long.class), r.get(1, Long.class), r.get(2, Long.class));
    }

    /** The member's figures as cached on the member row, without applying anything due. */
    public Balance cached(long customerId) {
        Record r = db.select(M_AVAILABLE, M_PENDING, M_DEBT).from(MEMBER).where(M_CUSTOMER.eq(customerId))
                .fetchOptional().orElseThrow(() -> RapportException.notFound("member", customerId));
        return new Balance(customerId, r.get(M_AVAILABLE), r.get(M_PENDING), r.get(M_DEBT));
    }

    /** Remaining points of the member's available lots (they must equal the available figure). */
    public long lotRemaining(long customerId) {
        Long sum = db.select(DSL.sum(LOT_REMAINING).cast(Long.class)).from(LOT).where(LOT_CUSTOMER.eq(customerId))
                .and(LOT_STATE.eq(PointsLedger.AVAILABLE)).fetchOne(0, Long.class);
        return sum == null ? 0 : sum;
    }

    Balance balance(PointsLedger.Locked m) {
        return balance(m.customerId, m.available, m.pending, m.debt);
    }

    private Balance balance(long customerId, ExpressLedger.Figures after) {
        return balance(customerId, after.available(), after.pending(), after.debt());
    }

    /** Under {@code ALLOW} an uncovered reversal shows as a negative balance, under {@code DEBT} as debt. */
    private Balance balance(long customerId, long available, long pending, long debt) {
        boolean allow = allowNegative();
        return new Balance(customerId, allow ? available - debt : available, pending, allow ? 0 : debt);
    }

    private boolean allowNegative() {
        return programme.settings().negativeBalance() == ProgrammeSettings.NegativeBalance.ALLOW;
    }

    Movement movement(PointsLedger.Locked m, String key, String kind, List<? extends Record> parts, boolean replayed) {
        long points = parts.stream().mapToLong(r -> r.get(L_POINTS) + r.get(L_PENDING)).sum();
        return new Movement(m.customerId, key, kind, points, balance(m), replayed);
    }

    static void requirePositive(long points) {
        if (points < 1) {
            throw RapportException.badRequest("invalid-points", "points",
                    "Points must be a whole number of at least 1, not " + points).with("value", points);
        }
    }

    static String key(String key) {
        if (key == null || key.isBlank() || key.length() > 150) {
            throw RapportException.badRequest("idempotency-key-required", "idempotencyKey",
                    "An idempotency key of 1 to 150 characters is required, so a retried request is done once");
        }
        return key.strip();
    }

    /** Callers' keys are scoped to the member: two members' "r1" are two operations. */
    static String scoped(long customerId, String key) {
        return customerId + ":" + key;
    }

    private static final java.util.regex.Pattern SOURCE = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,19}");

    static String source(String source) {
        if (source == null || !SOURCE.matcher(source).matches()) {
            throw RapportException.badRequest("invalid-source", "source",
                    "Source must be 1-20 lower-case letters, digits or '-' (e.g. journey, campaign, task)");
        }
        return source;
    }

    /** Parses points given as JSON numbers: whole and at least 1, else 400 {@code invalid-points}. */
    static long whole(java.math.BigDecimal points, String field, boolean signed) {
        if (points == null) {
            throw RapportException.badRequest("invalid-points", field, "'" + field + "' is required");
        }
        try {
            long value = points.longValueExact();
            if (!signed) {
                requirePositive(value);
            }
            return value;
        } catch (ArithmeticException fractional) {
            throw RapportException.badRequest("invalid-points", field, "Points must be whole numbers, not "
                    + points.toPlainString()).with("value", points.toPlainString());
        }
    }

}
