package io.rapport.loyalty;

import io.rapport.platform.GroupCommits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The two everyday ledger operations — a grant into a new lot and a spend — on PostgreSQL in one round trip each, when
 * the caller has no transaction of its own. The general path ({@link PointsLedger}) takes the member's lock, reads the
 * figures, writes and commits: three round trips and a commit. On a 2-core machine that is what bounds a ledger (see
 * docs/benchmarks.md), so the common case is sent as one statement (a grant) or one pipelined pair of statements (a
 * spend), run by the server as one transaction, with everything the general path decides in Java decided in SQL.
 *
 * <p>An operation takes the express path only when it would do nothing else on the general path: nothing is due on
 * the member (no pending lot to release, no lot to expire), no debt to settle (a grant), enough points (a spend) and an
 * unused idempotency key. Otherwise the statement changes nothing and returns no row, and the caller runs the
 * general path, which handles all of those (and the 404 of an unknown member) as before. A key written meanwhile by a
 * concurrent copy of the same request makes the ledger insert fail on its unique key: the whole statement is rolled
 * back and the caller's retry replays, as on the general path.
 *
 * <p>Operations arriving together are committed together ({@link GroupCommits}), in one transaction: the batch's
 * members are locked first, in ascending order, so two batches never wait for each other in a cycle; then its grants
 * go in one round trip (a JDBC batch of the same prepared statement), then its spends one after the other, ordered by
 * member; then one commit. A member in a batch twice gets its operations one after the other, each statement seeing
 * the one before. (A request made of several operations' texts was tried first: the server parsed and planned it anew
 * each time, which cost more than the commits saved.) When a batch fails (a key raced, a deadlock with some other
 * transaction, a broken connection), nothing of it was written and each operation is run again on its own, so one
 * operation's failure is its own.
 */
@Component
class ExpressLedger implements DisposableBean {

    /**
     * A grant: the member's row is updated (which locks it) only when the conditions hold; the lot and the ledger part
     * are written from its returned row, so without it nothing is written. {@code least} keeps the earlier expiry.
     * The statement is an insert returning the member's figures (one row, or none when declined), so that a batch of
     * grants can be sent at once ({@code executeBatch}), the rows coming back as generated keys.
     */
    private static final String EARN = """
            with m as (
              update loyalty_member set available = available + ?, next_expiry_at = least(next_expiry_at, ?)
              where customer_id = ? and debt = 0
                and (next_release_at is null or next_release_at > ?) and (next_expiry_at is null or next_expiry_at > ?)
                and not exists (select 1 from loyalty_ledger where op_key = ? and part = 0)
              returning customer_id, available, pending, debt),
            lot as (
              insert into loyalty_lot (customer_id, source, points, remaining, qualifying, state, earned_at,
                                       available_at, expires_at)
              select customer_id, ?, ?, ?, false, 'available', ?, ?, ? from m
              returning id, customer_id)
            insert into loyalty_ledger (customer_id, op_key, part, kind, source, points, pending_points, debt_points,
                                        qualifying, lot_id, reference, reason, actor, created_at)
            select customer_id, ?, 0, ?, ?, ?, 0, 0, false, id, null, ?, ?, ? from lot
            returning (select available from m), (select pending from m), (select debt from m)""";

    /**
     * A spend: the first statement takes the member's lock; the second, which PostgreSQL gives a fresh snapshot in
     * read-committed mode, therefore reads the lots as the last operation on this member left them. It draws them as
     * {@link PointsLedger}'s one-statement spend does (running sum, first to expire first) and divides by zero when
     * the points drawn differ from the points spent, so that the pair is rolled back rather than the cache and the
     * lots disagree.
     */
    private static final String SPEND = """
            select 1 from loyalty_member where customer_id = ? for update;
            with m as (
              update loyalty_member set available = available - ?
              where customer_id = ? and available - debt * ? >= ?
                and (next_release_at is null or next_release_at > ?) and (next_expiry_at is null or next_expiry_at > ?)
                and not exists (select 1 from loyalty_ledger where op_key = ? and part = 0)
              returning customer_id, available, pending, debt),
            lots as (
              select l.id, l.remaining,
                     (sum(l.remaining) over (order by l.expires_at, l.id rows unbounded preceding))::bigint upto
              from loyalty_lot l join m on m.customer_id = l.customer_id
              where l.state = 'available' and l.remaining > 0),
            """ + PointsLedger.DRAW + """
            select available, pending, debt,
                   1 / (case when (select coalesce(-sum(points), 0) from parts) = ? then 1 else 0 end) checked
            from m""";

    private static final Logger log = LoggerFactory.getLogger(ExpressLedger.class);

    private static final String DIVISION_BY_ZERO = "22012";
    private static final String UNIQUE_VIOLATION = "23505";

    private final DSLContext db;
    private final GroupCommits<Operation> commits;
    private volatile boolean grouped = true;
    private final AtomicLong failedBatches = new AtomicLong();

    ExpressLedger(DSLContext db, LoyaltyProperties properties) {
        this.db = db;
        this.commits = new GroupCommits<>("ledger-commit", properties.committers(), properties.maxBatch(), op -> 1,
                this::together);
    }

    @Override
    public void destroy() {
        commits.close();
    }

    /** Whether this database has the express path (PostgreSQL); elsewhere every operation takes the general one. */
    boolean available() {
        return db.dialect().family() == SQLDialect.POSTGRES;
    }

    /** The member's figures after an express operation: available, pending and debt as cached on the member row. */
    record Figures(long available, long pending, long debt) {}

    /**
     * Grants {@code points} into a new available lot expiring at {@code expires}; null when the general path must do
     * it. Throws {@link PointsLedger.KeyRaced} when a concurrent copy wrote the key first.
     */
    Figures earn(long customerId, String opKey, String kind, String source, long points, String reason, String actor,
                 OffsetDateTime now, OffsetDateTime expires) {
        return run(new Operation(EARN, false, customerId, opKey, (statement, i) -> {
            statement.setLong(++i, points);
            statement.setObject(++i, expires);
            statement.setLong(++i, customerId);
            statement.setObject(++i, now);
            statement.setObject(++i, now);
            statement.setString(++i, opKey);
            statement.setString(++i, source);
            statement.setLong(++i, points);
            statement.setLong(++i, points);
            statement.setObject(++i, now);
            statement.setObject(++i, now);
            statement.setObject(++i, expires);
            statement.setString(++i, opKey);
            statement.setString(++i, kind);
            statement.setString(++i, source);
            statement.setLong(++i, points);
            setText(statement, ++i, reason);
            statement.setString(++i, actor);
            statement.setObject(++i, now);
            return i;
        }, new CompletableFuture<>()));
    }

    /**
     * Spends {@code points} from the member's available lots; null when the general path must do it (including when
     * the points do not suffice: it answers the 409). {@code allowNegative} is the programme's {@code ALLOW} policy,
     * under which outstanding debt is not spendable. Throws {@link PointsLedger.KeyRaced} as {@link #earn} does.
     */
    Figures spend(long customerId, String opKey, String kind, String source, long points, String reference,
                  String reason, String actor, boolean allowNegative, OffsetDateTime now) {
        return run(new Operation(SPEND, true, customerId, opKey, (statement, i) -> {
            statement.setLong(++i, customerId);
            statement.setLong(++i, points);
            statement.setLong(++i, customerId);
            statement.setLong(++i, allowNegative ? 1 : 0);
            statement.setLong(++i, points);
            statement.setObject(++i, now);
            statement.setObject(++i, now);
            statement.setString(++i, opKey);
            statement.setLong(++i, points);
            statement.setLong(++i, points);
            statement.setLong(++i, customerId);
            statement.setString(++i, opKey);
            statement.setString(++i, kind);
            statement.setString(++i, source);
            setText(statement, ++i, reference);
            setText(statement, ++i, reason);
            statement.setString(++i, actor);
            statement.setObject(++i, now);
            statement.setLong(++i, points);
            return i;
        }, new CompletableFuture<>()));
    }

    /** Binds an operation's parameters after the {@code from} first ones of the request; answers the last index. */
    private interface Binder {
        int bind(PreparedStatement statement, int from) throws SQLException;
    }

    /** One express operation: its statement(s), their parameters and, once run, its answer. */
    private record Operation(String sql, boolean lockFirst, long customerId, String opKey, Binder binder,
                             CompletableFuture<Figures> done) implements GroupCommits.Pending<Figures> {}

    /** What the committers are doing now (for tests that need operations to have reached the database). */
    GroupCommits.Activity activity() {
        return commits.activity();
    }

    /** Locks a batch's members in one order (ascending ids), so that two batches never wait for each other. */
    private static final String LOCK_ALL = """
            select customer_id from loyalty_member where customer_id = any(?) order by customer_id for update""";

    /** Batches that failed as a whole since the start (each of their operations was then run alone). */
    long failedBatches() {
        return failedBatches.get();
    }

    /** Turns the grouping of commits off or on again (benchmarks compare both in one JVM); on when configured. */
    void grouped(boolean on) {
        grouped = on;
    }

    private Figures run(Operation operation) {
        return grouped && commits.open() ? commits.<Figures>commit(operation) : alone(operation);
    }

    /**
     * Runs the operation's statement(s) in autocommit: the driver sends them in one round trip and the server runs
     * them as one transaction, committed at the end or rolled back as a whole.
     */
    private Figures alone(Operation operation) {
        return db.connectionResult(connection -> {
            if (!connection.getAutoCommit()) {
                return null; // not a connection of its own after all: leave the operation to the general path
            }
            try (PreparedStatement statement = connection.prepareStatement(operation.sql())) {
                operation.binder().bind(statement, 0);
                statement.execute();
                return figures(statement, operation);
            } catch (SQLException e) {
                RuntimeException known = known(e, operation.opKey());
                throw known != null ? known : e;
            }
        });
    }

    /**
     * Runs a batch in one transaction (see the class comment); each operation's future gets its answer. If the batch
     * fails, each operation runs {@link #alone} and gets its own answer or exception.
     */
    private void together(List<Operation> batch) {
        List<Operation> operations = new ArrayList<>(batch);
        operations.sort(Comparator.comparingLong(Operation::customerId)); // stable: a member's own order is kept
        List<Figures> answers = operations.size() == 1 ? null : inOneTransaction(operations);
        for (int i = 0; i < operations.size(); i++) {
            Operation operation = operations.get(i);
            try {
                operation.done().complete(answers != null ? answers.get(i) : alone(operation));
            } catch (RuntimeException e) {
                operation.done().completeExceptionally(e);
            }
        }
    }

    /**
     * The batch's answers, or null when it failed: then nothing of it was written, or (the connection broken after the
     * commit) all of it, in which case each operation run alone finds its key used and the general path replays it.
     */
    private List<Figures> inOneTransaction(List<Operation> operations) {
        try {
            return db.connectionResult(connection -> {
                if (!connection.getAutoCommit()) {
                    return null;
                }
                connection.setAutoCommit(false);
                try {
                    try (PreparedStatement lock = connection.prepareStatement(LOCK_ALL)) {
                        lock.setArray(1, connection.createArrayOf("bigint",
                                operations.stream().map(Operation::customerId).distinct().toArray()));
                        lock.execute();
                    }
                    Figures[] figures = new Figures[operations.size()];
                    grantAll(connection, operations, figures);
                    for (int i = 0; i < operations.size(); i++) {
                        Operation operation = operations.get(i);
                        if (operation.lockFirst()) {
                            try (PreparedStatement statement = connection.prepareStatement(operation.sql())) {
                                operation.binder().bind(statement, 0);
                                statement.execute();
                                figures[i] = figures(statement, operation);
                            }
                        }
                    }
                    connection.commit();
                    return Arrays.asList(figures);
                } catch (SQLException e) {
                    rollBack(connection);
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            });
        } catch (RuntimeException e) {
            failedBatches.incrementAndGet();
            log.debug("a batch of {} express operations failed ({}); each runs alone", operations.size(), e.toString());
            return null;
        }
    }

    /**
     * Sends the batch's grants at once (one round trip): each statement writes one row or none, its figures come back
     * as a generated key row, in order.
     */
    private static void grantAll(Connection connection, List<Operation> operations, Figures[] figures)
            throws SQLException {
        List<Integer> grants = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            if (!operations.get(i).lockFirst()) {
                grants.add(i);
            }
        }
        if (grants.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(EARN, PreparedStatement.RETURN_GENERATED_KEYS)) {
            for (int i : grants) {
                operations.get(i).binder().bind(statement, 0);
                statement.addBatch();
            }
            int[] written = statement.executeBatch();
            ResultSet rows = statement.getGeneratedKeys();
            for (int g = 0; g < grants.size(); g++) {
                if (written[g] == 1 && rows.next()) {
                    figures[grants.get(g)] = new Figures(rows.getLong(1), rows.getLong(2), rows.getLong(3));
                } else if (written[g] != 0) { // the driver could not say (or something else happened): run alone
                    throw new SQLException("grant " + g + " of a batch reported " + written[g] + " rows", "XX000");
                }
            }
        }
    }

    private static void rollBack(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("rollback of a failed batch failed too: {}", e.getMessage()); // the pool drops a broken connection
        }
    }

    /** The figures an operation's statement returned (null: it wrote nothing); the lock's result is skipped. */
    private static Figures figures(PreparedStatement statement, Operation operation) throws SQLException {
        if (operation.lockFirst()) {
            statement.getMoreResults();
        }
        ResultSet rows = statement.getResultSet();
        return rows != null && rows.next() ? new Figures(rows.getLong(1), rows.getLong(2), rows.getLong(3)) : null;
    }

    /** The failure as the callers know it (a raced key, lots short of the cache), or null for any other. */
    private static RuntimeException known(SQLException e, String opKey) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
            return PointsLedger.keyRaced(opKey);
        }
        if (DIVISION_BY_ZERO.equals(e.getSQLState())) {
            return new IllegalStateException("lots hold less than the cached balance (operation " + opKey
                    + "); nothing was written", e);
        }
        return null;
    }

    private static void setText(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
