package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.customer.CustomerSegmentSource;
import io.rapport.customer.CustomersMerged;
import io.rapport.customer.ProfileChanged;
import io.rapport.privacy.ConsentChanged;
import io.rapport.privacy.ProcessingLimited;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Segment membership: who is in which segment, every entry and exit (recorded and published), the incremental update
 * for the customers an event may have changed, and the full re-evaluation that checks it.
 */
@Service
class Memberships {

    private static final Logger log = LoggerFactory.getLogger(Memberships.class);
    static final int BATCH = 1000;

    private final DSLContext db;
    private final SegmentStore store;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    /** Customers evaluated one by one ({@link #customersChanged}) since start, each counted once per evaluation. */
    private final LongAdder evaluatedCustomers = new LongAdder();

    Memberships(DSLContext db, SegmentStore store, Clock clock, ApplicationEventPublisher events) {
        this.db = db;
        this.store = store;
        this.clock = clock;
        this.events = events;
    }

    /** Differences one evaluation found (and applied). */
    record Difference(long segmentId, int entries, int exits, boolean explained) {}

    /**
     * Re-evaluates every dynamic segment for these customers only (one query per segment and batch of customers,
     * restricted to their ids), in the caller's transaction, and records the differences. Customers whose profile
     * change is waiting for the end of the transaction ({@link #profileChanged}) are evaluated now instead, once.
     */
    @Transactional
    public List<Difference> customersChanged(Collection<Long> customerIds, String cause) {
        if (customerIds.isEmpty()) {
            return List.of();
        }
        PendingProfiles.of(this, false).ifPresent(p -> p.customers.removeAll(customerIds));
        List<SegmentStore.Evaluable> segments = store.dynamicSegments();
        if (segments.isEmpty()) {
            return List.of();
        }
        List<Long> ids = new ArrayList<>(new TreeSet<>(customerIds));
        evaluatedCustomers.add(ids.size());
        List<Difference> differences = new ArrayList<>();
        OffsetDateTime at = now();
        SegmentCompiler.Context context = store.context();
        evaluate(ids, segments, context, cause, at, differences);
        return differences;
    }

    private void evaluate(List<Long> ids, List<SegmentStore.Evaluable> segments, SegmentCompiler.Context context,
                          String cause, OffsetDateTime at, List<Difference> differences) {
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<Long> batch = List.copyOf(ids.subList(from, Math.min(ids.size(), from + BATCH)));
            for (SegmentStore.Evaluable segment : segments) {
                long segmentId = segment.row().id();
                SegmentCompiler.Compiled compiled = SegmentCompiler.compile(segment.condition(), context,
                        java.util.Optional.empty(), java.util.Optional.of(batch));
                Set<Long> now = new HashSet<>(SegmentCompiler.from(db, compiled)
                        .where(SegmentCompiler.where(compiled))
                        .and(CustomerSegmentSource.id().in(batch))
                        .fetch(CustomerSegmentSource.id()));
                Set<Long> before = new HashSet<>(db.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(segmentId))
                        .and(M_CUSTOMER.in(batch)).fetch(M_CUSTOMER));
                List<Long> entries = now.stream().filter(c -> !before.contains(c)).sorted().toList();
                List<Long> exits = before.stream().filter(c -> !now.contains(c)).sorted().toList();
                if (!entries.isEmpty() || !exits.isEmpty()) {
                    apply(segmentId, entries, exits, cause, at);
                    differences.add(new Difference(segmentId, entries.size(), exits.size(), true));
                }
            }
        }
    }

    /**
     * Evaluates one dynamic segment for every customer and applies the differences. {@code explained} says whether the
     * cause accounts for differences (time passing, new scores, an edit); unexplained ones are drift.
     */
    @Transactional
    public Difference refresh(SegmentStore.Evaluable segment, String cause, boolean explained) {
        long segmentId = segment.row().id();
        var matching = SegmentCompiler.from(db, segment.compiled()).where(SegmentCompiler.where(segment.compiled()));
        var members = DSL.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(segmentId));
        List<Long> entries = db.fetch(matching.except(members)).getValues(0, Long.class);
        List<Long> exits = db.fetch(DSL.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(segmentId))
                .except(SegmentCompiler.from(db, segment.compiled()).where(SegmentCompiler.where(segment.compiled()))))
                .getValues(0, Long.class);
        OffsetDateTime at = now();
        apply(segmentId, entries.stream().sorted().toList(), exits.stream().sorted().toList(), cause, at);
        db.update(DEFINITION).set(D_REFRESHED_AT, at).set(D_TIME_RELATIVE, segment.compiled().timeRelative())
                .where(D_ID.eq(segmentId)).execute();
        return new Difference(segmentId, entries.size(), exits.size(), explained);
    }

    /** Replaces a static segment's members (snapshot or upload); dependents follow for the customers that moved. */
    @Transactional
    public Difference replaceStatic(long segmentId, Collection<Long> customers, String cause) {
        Set<Long> wanted = new TreeSet<>(customers);
        Set<Long> before = new HashSet<>(db.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(segmentId)).fetch(M_CUSTOMER));
        List<Long> entries = wanted.stream().filter(c -> !before.contains(c)).toList();
        List<Long> exits = before.stream().filter(c -> !wanted.contains(c)).sorted().toList();
        apply(segmentId, entries, exits, cause, now());
        db.update(DEFINITION).set(D_REFRESHED_AT, now()).where(D_ID.eq(segmentId)).execute();
        Set<Long> moved = new TreeSet<>(entries);
        moved.addAll(exits);
        customersChanged(moved, cause);
        return new Difference(segmentId, entries.size(), exits.size(), true);
    }

    /**
     * The customer leaves every segment, static snapshots and uploaded lists included (an erased person is nobody's
     * audience any more); exits are recorded and published like any other, and member counts follow.
     */
    @Transactional
    public List<Long> leaveAll(long customerId, String cause) {
        List<Long> segments = db.select(M_SEGMENT).from(MEMBER).where(M_CUSTOMER.eq(customerId)).orderBy(M_SEGMENT)
                .fetch(M_SEGMENT);
        OffsetDateTime at = now();
        for (long segmentId : segments) {
            apply(segmentId, List.of(), List.of(customerId), cause, at);
            db.update(DEFINITION).set(D_MEMBERS, DSL.greatest(D_MEMBERS.minus(1L), DSL.inline(0L)))
                    .where(D_ID.eq(segmentId)).execute();
        }
        return segments;
    }

    private void apply(long segmentId, List<Long> entries, List<Long> exits, String cause, OffsetDateTime at) {
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<Long> batch = entries.subList(from, Math.min(entries.size(), from + BATCH));
            var members = db.insertInto(MEMBER, M_SEGMENT, M_CUSTOMER, M_SINCE);
            var changes = db.insertInto(CHANGE, C_SEGMENT, C_CUSTOMER, C_CHANGE, C_AT, C_CAUSE);
            for (long customer : batch) {
                members = members.values(segmentId, customer, at);
                changes = changes.values(segmentId, customer, "entry", at, cause);
            }
            members.execute();
            changes.execute();
        }
        for (int from = 0; from < exits.size(); from += BATCH) {
            List<Long> batch = exits.subList(from, Math.min(exits.size(), from + BATCH));
            db.deleteFrom(MEMBER).where(M_SEGMENT.eq(segmentId)).and(M_CUSTOMER.in(batch)).execute();
            var changes = db.insertInto(CHANGE, C_SEGMENT, C_CUSTOMER, C_CHANGE, C_AT, C_CAUSE);
            for (long customer : batch) {
                changes = changes.values(segmentId, customer, "exit", at, cause);
            }
            changes.execute();
        }
        Instant instant = at.toInstant();
        entries.forEach(c -> events.publishEvent(new SegmentEntered(segmentId, c, instant, cause)));
        exits.forEach(c -> events.publishEvent(new SegmentExited(segmentId, c, instant, cause)));
    }

    /** Today's size of every segment, with today's entries and exits, into the size history. */
    @Transactional
    public void recordSizes() {
        LocalDate today = store.today();
        OffsetDateTime dayStart = today.atStartOfDay(store.zone()).toInstant().atOffset(ZoneOffset.UTC);
        var sizes = db.select(M_SEGMENT, DSL.count()).from(MEMBER).groupBy(M_SEGMENT).fetchMap(M_SEGMENT, DSL.count());
        for (SegmentStore.Row row : store.all()) {
            long size = sizes.getOrDefault(row.id(), 0);
            int entries = db.fetchCount(CHANGE, C_SEGMENT.eq(row.id()).and(C_CHANGE.eq("entry")).and(C_AT.ge(dayStart)));
            int exits = db.fetchCount(CHANGE, C_SEGMENT.eq(row.id()).and(C_CHANGE.eq("exit")).and(C_AT.ge(dayStart)));
            db.insertInto(SIZE_DAY, SZ_SEGMENT, SZ_DAY, SZ_SIZE, SZ_ENTRIES, SZ_EXITS)
                    .values(row.id(), today, size, (long) entries, (long) exits)
                    .onConflict(SZ_SEGMENT, SZ_DAY).doUpdate()
                    .set(SZ_SIZE, size).set(SZ_ENTRIES, (long) entries).set(SZ_EXITS, (long) exits)
                    .execute();
            db.update(DEFINITION).set(D_MEMBERS, size).where(D_ID.eq(row.id())).execute();
        }
    }

    /**
     * The merged profile leaves every segment; the survivor takes its place in static segments (a list the brand
     * uploaded meant the person) and is re-evaluated for the dynamic ones.
     */
    @EventListener
    @Order(1)
    @Transactional(propagation = Propagation.MANDATORY)
    public void merged(CustomersMerged merge) {
        OffsetDateTime at = now();
        Set<Long> staticSegments = new HashSet<>(db.select(D_ID).from(DEFINITION).where(D_KIND.eq("static")).fetch(D_ID));
        for (Long segmentId : db.select(M_SEGMENT).from(MEMBER).where(M_CUSTOMER.eq(merge.mergedId())).fetch(M_SEGMENT)) {
            if (staticSegments.contains(segmentId)) {
                apply(segmentId, List.of(), List.of(merge.mergedId()), "merge", at);
                if (!db.fetchExists(MEMBER, M_SEGMENT.eq(segmentId).and(M_CUSTOMER.eq(merge.survivorId())))) {
                    apply(segmentId, List.of(merge.survivorId()), List.of(), "merge", at);
                }
            }
        }
        customersChanged(List.of(merge.mergedId(), merge.survivorId()), "merge");
    }

    /**
     * A consent change (grant or withdrawal of a purpose, on a channel or all) re-evaluates the customer's dynamic
     * segments in the ledger's transaction, so a withdrawn customer leaves consent-based audiences at once (a
     * {@link SegmentExited} recorded) and a re-grant brings them back. Separate PIPL consents (partner or sensitive
     * field scopes) are not segment conditions and are ignored.
     */
    @EventListener
    @Order(1)
    @Transactional(propagation = Propagation.MANDATORY)
    public void consentChanged(ConsentChanged change) {
        if (change.scope().isEmpty()) {
            customersChanged(List.of(change.customerId()), "consent");
        }
    }

    /**
     * Profiles created or changed by an import, the event API or a rectification: their dynamic segments are
     * re-evaluated in the writing transaction, so profile conditions (city, gender, birthday, identities present)
     * hold at once rather than after the nightly refresh.
     *
     * <p>The evaluation waits for the end of the transaction (just before its commit): an orders or events chunk
     * first resolves its customers, which publishes this for the customers it creates or gives new identifiers, and
     * then stores their orders or events, which re-evaluates the same customers ({@link BehaviourCounters}). Those are
     * evaluated once, then, with that chunk's cause ({@code order}, {@code event}); the rest (a customers file, a
     * rectification) with cause {@code profile} before the commit. Journeys that start on the resulting
     * {@link SegmentEntered} listen after the commit, so they see no difference.
     */
    @EventListener
    @Order(1)
    @Transactional(propagation = Propagation.MANDATORY)
    public void profileChanged(ProfileChanged change) {
        var pending = PendingProfiles.of(this, true);
        if (pending.isPresent()) {
            pending.get().customers.addAll(change.customerIds());
        } else {
            customersChanged(change.customerIds(), "profile");
        }
    }

    /** Customers evaluated one by one since start (one per customer and evaluation): the incremental update's work. */
    long evaluatedCustomers() {
        return evaluatedCustomers.sum();
    }

    /**
     * The profile changes of the current transaction not evaluated yet; evaluated before it commits. Kept as a
     * synchronization of the transaction (not a bound resource), so a transaction suspended for an inner one keeps
     * its own.
     */
    private static final class PendingProfiles implements TransactionSynchronization {

        private final Memberships memberships;
        final Set<Long> customers = new TreeSet<>();

        private PendingProfiles(Memberships memberships) {
            this.memberships = memberships;
        }

        /** The current transaction's, registered first when {@code create}; empty outside a synchronized transaction. */
        static java.util.Optional<PendingProfiles> of(Memberships memberships, boolean create) {
            if (!TransactionSynchronizationManager.isSynchronizationActive()) {
                return java.util.Optional.empty();
            }
            for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
                if (s instanceof PendingProfiles p && p.memberships == memberships) {
                    return java.util.Optional.of(p);
                }
            }
            if (!create) {
                return java.util.Optional.empty();
            }
            var p = new PendingProfiles(memberships);
            TransactionSynchronizationManager.registerSynchronization(p);
            return java.util.Optional.of(p);
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            if (!customers.isEmpty()) {
                List<Long> ids = List.copyOf(customers);
                customers.clear();
                memberships.customersChanged(ids, "profile");
            }
        }
    }

    /**
     * Erasure, restriction or objection to profiling: the customer leaves every dynamic segment at once (the compiled
     * conditions exclude them, see {@link SegmentCompiler}); an erased customer also leaves static lists, which
     * otherwise keep who the brand put there (sends to them are still refused by the contact policy).
     */
    @EventListener
    @Order(1)
    @Transactional(propagation = Propagation.MANDATORY)
    public void processingLimited(ProcessingLimited limited) {
        if (limited.limit() == ProcessingLimited.Limit.ERASED) {
            OffsetDateTime at = now();
            for (Long segmentId : db.select(M_SEGMENT).from(MEMBER).join(DEFINITION).on(D_ID.eq(M_SEGMENT))
                    .where(M_CUSTOMER.eq(limited.customerId())).and(D_KIND.eq("static")).fetch(M_SEGMENT)) {
                apply(segmentId, List.of(), List.of(limited.customerId()), "privacy", at);
            }
        }
        customersChanged(List.of(limited.customerId()), "privacy");
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    static Logger log() {
        return log;
    }
}
