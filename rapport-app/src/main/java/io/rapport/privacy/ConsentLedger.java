package io.rapport.privacy;

import static io.rapport.privacy.ConsentTables.*;

import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The append-only consent ledger: every grant and withdrawal per customer × purpose × channel (× partner or sensitive
 * field), with when, where from, which notice the customer saw, and the proof. The current state is derived from it:
 * for each key the event with the latest {@code occurredAt} wins, so a late-imported old event never overrides a newer
 * decision, and history is never overwritten.
 */
@Service
public class ConsentLedger {

    private final DSLContext db;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final PrivacyProperties properties;

    ConsentLedger(DSLContext db, Clock clock, ApplicationEventPublisher events, PrivacyProperties properties) {
        this.db = db;
        this.clock = clock;
        this.events = events;
        this.properties = properties;
    }

    /**
     * One grant or withdrawal to record.
     *
     * @param channel empty: every channel (required for PROFILING and DATA_SHARING, optional for the others)
     * @param scope   {@code ""}, {@link #partnerScope} (DATA_SHARING) or {@link #sensitiveScope} (PROFILING)
     * @param proof   the customer's IP address, the staff id who took the consent, a form id …
     */
    public record Change(Purpose purpose, Optional<ContactChannel> channel, String scope, boolean granted,
                         Instant occurredAt, ConsentSource source, Optional<String> noticeVersion,
                         Optional<String> proof) {
        public Change {
            scope = scope == null ? "" : scope;
            channel = channel == null ? Optional.empty() : channel;
            noticeVersion = noticeVersion == null ? Optional.empty() : noticeVersion.filter(s -> !s.isBlank());
            proof = proof == null ? Optional.empty() : proof.filter(s -> !s.isBlank());
        }

        String channelColumn() {
            return channel.map(Enum::name).orElse(ALL_CHANNELS);
        }
    }

    /** What recording did: nothing (the same event was recorded before), appended, or appended and changed the state. */
    public enum Outcome { DUPLICATE, RECORDED, CHANGED }

    /** One ledger row as stored. {@code channel} is {@code ALL} for consent covering every channel. */
    public record Event(long id, long customerId, String purpose, String channel, String scope, boolean granted,
                        Instant occurredAt, Instant recordedAt, String source, String noticeVersion, String proof,
                        String recordedBy) {}

    /** The current state of one consent key and the basis it is judged on. */
    public record State(String purpose, String channel, String scope, boolean granted, Instant since, long eventId) {}

    public static String partnerScope(String partner) {
        return "partner:" + partner;
    }

    public static String sensitiveScope(String field) {
        return "sensitive:" + field;
    }

    /** Checks a change before anything is written; problems name the offending field. */
    public void validate(Change change) {
        if (change.purpose() == null) {
            throw RapportException.badRequest("unknown-purpose", "purpose", "A purpose is required");
        }
        if (change.occurredAt() == null) {
            throw RapportException.badRequest("invalid-field", "occurredAt", "The time of the consent is required");
        }
        if (change.occurredAt().isAfter(clock.instant().plusSeconds(300))) {
            throw RapportException.badRequest("consent-in-future", "occurredAt",
                    "Consent time " + change.occurredAt() + " lies in the future");
        }
        if (change.source() == null) {
            throw RapportException.badRequest("unknown-consent-source", "source", "A source is required");
        }
        boolean purposeWide = change.purpose() == Purpose.PROFILING || change.purpose() == Purpose.DATA_SHARING;
        if (purposeWide && change.channel().isPresent()) {
            throw RapportException.badRequest("channel-not-applicable", "channel", "Consent for "
                    + change.purpose() + " covers every channel; leave the channel out");
        }
        String scope = change.scope();
        if (scope.isEmpty()) {
            return;
        }
        if (scope.startsWith("partner:")) {
            String partner = scope.substring("partner:".length());
            if (change.purpose() != Purpose.DATA_SHARING) {
                throw RapportException.badRequest("partner-not-applicable", "partner",
                        "A partner applies only to DATA_SHARING consent");
            }
            if (properties.partner(partner).isEmpty()) {
                throw RapportException.badRequest("unknown-partner", "partner", "Unknown partner '" + partner
                        + "'; known partners: " + String.join(", ", properties.partners().keySet()));
            }
        } else if (scope.startsWith("sensitive:")) {
            String field = scope.substring("sensitive:".length());
            if (change.purpose() != Purpose.PROFILING) {
                throw RapportException.badRequest("sensitive-field-not-applicable", "sensitiveField",
                        "Consent for sensitive personal information is recorded under PROFILING");
            }
            if (!properties.sensitiveFields().contains(field)) {
                throw RapportException.badRequest("unknown-sensitive-field", "sensitiveField", "Unknown sensitive field '"
                        + field + "'; known: " + String.join(", ", properties.sensitiveFields()));
            }
        } else {
            throw RapportException.badRequest("invalid-field", "scope", "Unknown consent scope '" + scope + "'");
        }
        if (change.granted() && change.noticeVersion().isEmpty()) {
            // PIPL art. 14, 23, 29, 39: separate consent must be informed by a notice naming the recipient or field
            throw RapportException.badRequest("notice-required", "noticeVersion",
                    "A separate consent (partner or sensitive field) needs the version of the notice the customer saw");
        }
    }

    /**
     * Appends one event for an existing, not erased customer and updates the derived state; publishes
     * {@link ConsentChanged} when the state changed, or when the row's answer stayed but its newer time now outranks an
     * opposite row on all channels (or on one channel), which changes a decision. The caller has checked that the customer exists.
     */
    @Transactional
    public Outcome record(long customerId, Change change, String recordedBy) {
        validate(change);
        if (isErased(customerId)) {
            throw new RapportException(HttpStatus.CONFLICT, "customer-erased",
                    "Customer " + customerId + " was erased; no consent can be recorded");
        }
        OffsetDateTime occurred = change.occurredAt().atOffset(ZoneOffset.UTC);
        String channel = change.channelColumn();
        String purpose = change.purpose().name();
        boolean exists = db.fetchExists(EVENT, E_CUSTOMER.eq(customerId).and(E_PURPOSE.eq(purpose))
                .and(E_CHANNEL.eq(channel)).and(E_SCOPE.eq(change.scope())).and(E_OCCURRED.eq(occurred))
                .and(E_GRANTED.eq(change.granted())));
        if (exists) {
            return Outcome.DUPLICATE;
        }
        long eventId = db.insertInto(EVENT)
                .set(E_CUSTOMER, customerId)
                .set(E_PURPOSE, purpose)
                .set(E_CHANNEL, channel)
                .set(E_SCOPE, change.scope())
                .set(E_GRANTED, change.granted())
                .set(E_OCCURRED, occurred)
                .set(E_RECORDED, OffsetDateTime.now(clock))
                .set(E_SOURCE, change.source().wire())
                .set(E_NOTICE, change.noticeVersion().map(s -> cut(s, 60)).orElse(null))
                .set(E_PROOF, change.proof().map(s -> cut(s, 300)).orElse(null))
                .set(E_BY, cut(recordedBy, 100))
                .returningResult(E_ID).fetchOne(E_ID);
        var key = C_CUSTOMER.eq(customerId).and(C_PURPOSE.eq(purpose)).and(C_CHANNEL.eq(channel))
                .and(C_SCOPE.eq(change.scope()));
        Record current = db.select(C_GRANTED, C_OCCURRED).from(CURRENT).where(key).forUpdate().fetchOne();
        if (current == null) {
            db.insertInto(CURRENT).set(C_CUSTOMER, customerId).set(C_PURPOSE, purpose).set(C_CHANNEL, channel)
                    .set(C_SCOPE, change.scope()).set(C_GRANTED, change.granted()).set(C_OCCURRED, occurred)
                    .set(C_EVENT, eventId).execute();
        } else if (!occurred.isBefore(current.get(C_OCCURRED))) {
            db.update(CURRENT).set(C_GRANTED, change.granted()).set(C_OCCURRED, occurred).set(C_EVENT, eventId)
                    .where(key).execute();
            if (current.get(C_GRANTED) == change.granted()) {
                if (overtakes(customerId, change, current.get(C_OCCURRED), occurred)) {
                    publish(customerId, change);
                }
                return Outcome.RECORDED;
            }
        } else {
            return Outcome.RECORDED;
        }
        publish(customerId, change);
        return Outcome.CHANGED;
    }

    /**
     * Whether a newer event with the row's unchanged answer now outranks an opposite row on the other side of the
     * channel split (all channels vs one channel) that was between the old and the new time: the row's answer stays,
     * but {@link ConsentPolicy}'s "latest of this channel and all channels" decision flips.
     */
    private boolean overtakes(long customerId, Change change, OffsetDateTime before, OffsetDateTime now) {
        if (!change.scope().isEmpty() || !now.isAfter(before)) {
            return false;
        }
        var others = change.channel().isPresent() ? C_CHANNEL.eq(ALL_CHANNELS) : C_CHANNEL.ne(ALL_CHANNELS);
        return db.fetchExists(CURRENT, C_CUSTOMER.eq(customerId).and(C_PURPOSE.eq(change.purpose().name()))
                .and(C_SCOPE.eq("")).and(others).and(C_GRANTED.eq(!change.granted()))
                .and(C_OCCURRED.between(before, now)));
    }

    private void publish(long customerId, Change change) {
        events.publishEvent(new ConsentChanged(customerId, change.purpose(), change.channel(), change.scope(),
                change.granted(), change.occurredAt(), change.source().wire()));
    }

    /** Every event recorded for the customer, oldest first. */
    public List<Event> history(long customerId) {
        return db.select(E_ID, E_CUSTOMER, E_PURPOSE, E_CHANNEL, E_SCOPE, E_GRANTED, E_OCCURRED, E_RECORDED, E_SOURCE,
                        E_NOTICE, E_PROOF, E_BY)
                .from(EVENT).where(E_CUSTOMER.eq(customerId)).orderBy(E_OCCURRED, E_ID)
                .fetch(r -> new Event(r.get(E_ID), r.get(E_CUSTOMER), r.get(E_PURPOSE), r.get(E_CHANNEL), r.get(E_SCOPE),
                        r.get(E_GRANTED), r.get(E_OCCURRED).toInstant(), r.get(E_RECORDED).toInstant(),
                        r.get(E_SOURCE), r.get(E_NOTICE), r.get(E_PROOF), r.get(E_BY)));
    }

    /** The current state of every consent key the customer has an event for. */
    public List<State> current(long customerId) {
        return db.select(C_PURPOSE, C_CHANNEL, C_SCOPE, C_GRANTED, C_OCCURRED, C_EVENT).from(CURRENT)
                .where(C_CUSTOMER.eq(customerId)).orderBy(C_PURPOSE, C_SCOPE, C_CHANNEL)
                .fetch(r -> new State(r.get(C_PURPOSE), r.get(C_CHANNEL), r.get(C_SCOPE), r.get(C_GRANTED),
                        r.get(C_OCCURRED).toInstant(), r.get(C_EVENT)));
    }

    /**
     * Carries a merged profile's consent over to the survivor: for each key where the merged profile's latest event is
     * newer than the survivor's, the survivor's ledger gets that decision appended (source {@code merge}, proof naming
     * the merged profile). The merged profile's own history stays as it was.
     */
    @Transactional
    public void carryOver(long survivorId, long mergedId) {
        Map<List<String>, State> survivor = new HashMap<>();
        current(survivorId).forEach(s -> survivor.put(List.of(s.purpose(), s.channel(), s.scope()), s));
        List<State> toCarry = new ArrayList<>();
        for (State theirs : current(mergedId)) {
            State mine = survivor.get(List.of(theirs.purpose(), theirs.channel(), theirs.scope()));
            if (mine == null || theirs.since().isAfter(mine.since())) {
                toCarry.add(theirs);
            }
        }
        for (State s : toCarry) {
            Event origin = db.select(E_NOTICE).from(EVENT).where(E_ID.eq(s.eventId()))
                    .fetchOne(r -> new Event(s.eventId(), mergedId, s.purpose(), s.channel(), s.scope(), s.granted(),
                            s.since(), s.since(), "merge", r.get(E_NOTICE), null, "system"));
            Change change = new Change(Purpose.valueOf(s.purpose()),
                    ALL_CHANNELS.equals(s.channel()) ? Optional.empty() : Optional.of(ContactChannel.valueOf(s.channel())),
                    s.scope(), s.granted(), s.since(), ConsentSource.MERGE,
                    Optional.ofNullable(origin == null ? null : origin.noticeVersion()),
                    Optional.of("merged from customer " + mergedId + " (event " + s.eventId() + ")"));
            if (!isErased(survivorId)) {
                record(survivorId, change, "system");
            }
        }
    }

    boolean isErased(long customerId) {
        return db.fetchExists(SUBJECT, S_CUSTOMER.eq(customerId).and(S_ERASED.isNotNull()));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
