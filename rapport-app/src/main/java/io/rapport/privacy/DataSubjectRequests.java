package io.rapport.privacy;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;
import static io.rapport.privacy.ConsentTables.*;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Data-subject requests: received with the deadline of their regime, verified (who is asking is the customer), then
 * carried out — export of everything held, rectification, erasure across every {@link PersonalDataHolder},
 * restriction of processing, objection to profiling — and closed with a report of what was done. Each step is
 * audited; nothing is carried out before verification.
 */
@Service
public class DataSubjectRequests {

    static final Table<?> REQUEST = table("privacy_request");
    static final Field<Long> R_ID = field("id", Long.class);
    static final Field<Long> R_CUSTOMER = field("customer_id", Long.class);
    static final Field<String> R_TYPE = field("request_type", String.class);
    static final Field<String> R_REGIME = field("regime", String.class);
    static final Field<String> R_STATUS = field("status", String.class);
    static final Field<String> R_VIA = field("requested_via", String.class);
    static final Field<String> R_DETAILS = field("details", String.class);
    static final Field<OffsetDateTime> R_RECEIVED = field("received_at", OffsetDateTime.class);
    static final Field<LocalDate> R_DUE = field("due_on", LocalDate.class);
    static final Field<String> R_CREATED_BY = field("created_by", String.class);
    static final Field<OffsetDateTime> R_VERIFIED_AT = field("verified_at", OffsetDateTime.class);
    static final Field<String> R_VERIFIED_BY = field("verified_by", String.class);
    static final Field<String> R_VERIFICATION = field("verification", String.class);
    static final Field<OffsetDateTime> R_CLOSED_AT = field("closed_at", OffsetDateTime.class);
    static final Field<String> R_CLOSED_BY = field("closed_by", String.class);
    static final Field<String> R_OUTCOME = field("outcome", String.class);
    static final Field<LocalDate> R_ORIGINAL_DUE = field("original_due_on", LocalDate.class);
    static final Field<OffsetDateTime> R_EXTENDED_AT = field("extended_at", OffsetDateTime.class);
    static final Field<String> R_EXTENDED_BY = field("extended_by", String.class);
    static final Field<String> R_EXTENSION_REASON = field("extension_reason", String.class);

    /** Where a request stands. */
    public enum Status { RECEIVED, VERIFIED, COMPLETED, REJECTED }

    private final DSLContext db;
    private final Clock clock;
    private final DataSubjects subjects;
    private final List<PersonalDataHolder> holders;
    private final AuditLog audit;
    private final PrivacyProperties properties;
    private final ObjectMapper json;
    private final ZoneId zone;
    private final org.springframework.context.ApplicationEventPublisher events;

    DataSubjectRequests(DSLContext db, Clock clock, DataSubjects subjects, List<PersonalDataHolder> holders,
                        AuditLog audit, PrivacyProperties properties, ObjectMapper json, RapportProperties rapport,
                        org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.db = db;
        this.clock = clock;
        this.subjects = subjects;
        this.holders = holders;
        this.audit = audit;
        this.properties = properties;
        this.json = json;
        this.zone = rapport.timeZone();
    }

    /**
     * A new request.
     *
     * @param receivedAt when the customer asked (the deadline runs from then); left out: now
     * @param fields     for RECTIFICATION: the corrected profile fields
     */
    public record NewRequest(Long customerId, String type, String regime, String requestedVia, Instant receivedAt,
                             Map<String, String> fields) {}

    /** What was done, one line per holder or step. */
    public record Step(String category, String action, long rows, String description) {}

    /** A request as shown. Personal values (rectified fields) are never shown, only which fields. */
    public record Request(long id, long customerId, RequestType type, Regime regime, Status status, String requestedVia,
                          Instant receivedAt, LocalDate dueOn, boolean overdue, String createdBy, Instant verifiedAt,
                          String verifiedBy, String verification, Instant closedAt, String closedBy,
                          List<String> fields, List<Step> outcome, String rejection, Optional<Extension> extension) {}

    /** A deadline extension: the deadline before it, when, by whom and why (the reason the person is told). */
    public record Extension(LocalDate originalDueOn, Instant extendedAt, String extendedBy, String reason) {}

    /** Everything held about a customer. */
    public record ExportDocument(long customerId, long requestId, Instant generatedAt,
                                 List<PersonalDataHolder.Export> parts) {}

    @Transactional
    public Request create(NewRequest request, Actor actor) {
        if (request.customerId() == null) {
            throw RapportException.badRequest("invalid-field", "customerId", "customerId is required");
        }
        long id = subjects.current(request.customerId())
                .orElseThrow(() -> RapportException.notFound("customer", request.customerId()));
        RequestType type = parse(RequestType.class, request.type(), "type", "unknown-request-type");
        Regime regime = parse(Regime.class, request.regime(), "regime", "unknown-regime");
        boolean erased = db.fetchExists(SUBJECT, S_CUSTOMER.eq(id).and(S_ERASED.isNotNull()));
        if (erased && type != RequestType.ACCESS) {
            throw new RapportException(HttpStatus.CONFLICT, "customer-already-erased",
                    "Customer " + id + " was already erased");
        }
        String details = null;
        if (type == RequestType.RECTIFICATION) {
            if (request.fields() == null || request.fields().isEmpty()) {
                throw RapportException.badRequest("invalid-field", "fields", "A rectification names the fields to correct");
            }
            details = json.writeValueAsString(request.fields());
            if (details.length() > 4000) {
                throw RapportException.badRequest("invalid-field", "fields", "The corrections are too long");
            }
        }
        Instant received = request.receivedAt() == null ? clock.instant() : request.receivedAt();
        if (received.isAfter(clock.instant().plusSeconds(300))) {
            throw RapportException.badRequest("invalid-field", "receivedAt", "receivedAt lies in the future");
        }
        LocalDate due = regime.dueOn(received.atZone(zone).toLocalDate(), new HashSet<>(properties.holidays()));
        long requestId = db.insertInto(REQUEST)
                .set(R_CUSTOMER, id).set(R_TYPE, type.name()).set(R_REGIME, regime.name())
                .set(R_STATUS, Status.RECEIVED.name()).set(R_VIA, cut(request.requestedVia(), 40))
                .set(R_DETAILS, details).set(R_RECEIVED, received.atOffset(java.time.ZoneOffset.UTC))
                .set(R_DUE, due).set(R_CREATED_BY, actor.name())
                .returningResult(R_ID).fetchOne(R_ID);
        audit.record(actor, "subject.request", "customer", Long.toString(id),
                type + " request #" + requestId + " under " + regime + ", due " + due);
        return find(requestId);
    }

    /** Confirms that the person asking is the customer (how: e.g. "code sent to the email on file"). */
    @Transactional
    public Request verify(long requestId, String method, Actor actor) {
        Record r = lock(requestId);
        requireStatus(r, Status.RECEIVED);
        if (method == null || method.isBlank()) {
            throw RapportException.badRequest("invalid-field", "method", "Say how the requester's identity was verified");
        }
        db.update(REQUEST).set(R_STATUS, Status.VERIFIED.name()).set(R_VERIFIED_AT, OffsetDateTime.now(clock))
                .set(R_VERIFIED_BY, actor.name()).set(R_VERIFICATION, cut(method, 300))
                .where(R_ID.eq(requestId)).execute();
        audit.record(actor, "subject.verify", "customer", Long.toString(r.get(R_CUSTOMER)),
                "request #" + requestId + " verified: " + cut(method, 200));
        return find(requestId);
    }

    @Transactional
    public Request reject(long requestId, String reason, Actor actor) {
        Record r = lock(requestId);
        requireOpen(r);
        if (reason == null || reason.isBlank()) {
            throw RapportException.badRequest("invalid-field", "reason", "Say why the request is rejected");
        }
        close(requestId, Status.REJECTED, List.of(new Step("request", "rejected", 0, cut(reason, 500))), actor);
        audit.record(actor, "subject.reject", "customer", Long.toString(r.get(R_CUSTOMER)),
                "request #" + requestId + " rejected");
        return find(requestId);
    }

    /**
     * Extends the deadline of an open request once, where its regime allows (GDPR two months, CCPA 45 days), and only
     * before the deadline has passed: the person must be told of the extension and its reason within the first
     * period. PIPL allows none.
     */
    @Transactional
    public Request extend(long requestId, String reason, Actor actor) {
        Record r = lock(requestId);
        requireOpen(r);
        Regime regime = Regime.valueOf(r.get(R_REGIME));
        LocalDate due = r.get(R_DUE);
        LocalDate extended = regime.extendedDueOn(due).orElseThrow(() -> new RapportException(HttpStatus.CONFLICT,
                "extension-not-allowed", "Request #" + requestId + " falls under " + regime
                        + ", which allows no deadline extension; it must be answered by " + due));
        if (r.get(R_ORIGINAL_DUE) != null) {
            throw new RapportException(HttpStatus.CONFLICT, "request-already-extended", "The deadline of request #"
                    + requestId + " was already extended once, from " + r.get(R_ORIGINAL_DUE) + " to " + due);
        }
        if (LocalDate.now(clock.withZone(zone)).isAfter(due)) {
            throw new RapportException(HttpStatus.CONFLICT, "deadline-passed", "The deadline of request #" + requestId
                    + " passed on " + due + "; an extension must be decided and told within the first period");
        }
        if (reason == null || reason.isBlank()) {
            throw RapportException.badRequest("invalid-field", "reason",
                    "Say why more time is needed: the person is told the reason");
        }
        db.update(REQUEST).set(R_ORIGINAL_DUE, due).set(R_DUE, extended)
                .set(R_EXTENDED_AT, OffsetDateTime.now(clock)).set(R_EXTENDED_BY, actor.name())
                .set(R_EXTENSION_REASON, cut(reason.strip(), 500)).where(R_ID.eq(requestId)).execute();
        audit.record(actor, "subject.extend", "customer", Long.toString(r.get(R_CUSTOMER)), "request #" + requestId
                + " under " + regime + ": deadline " + due + " extended to " + extended + ": " + cut(reason, 200));
        return find(requestId);
    }

    /** Carries out a verified request and closes it with the report of what was done. */
    @Transactional
    public Request complete(long requestId, Actor actor) {
        Record r = lock(requestId);
        requireStatus(r, Status.VERIFIED);
        long customer = r.get(R_CUSTOMER);
        RequestType type = RequestType.valueOf(r.get(R_TYPE));
        List<Step> steps = new ArrayList<>();
        switch (type) {
            case ACCESS -> {
                for (PersonalDataHolder.Export part : parts(customer)) {
                    steps.add(new Step(part.category(), "exported", part.summary().size(), part.description()));
                }
            }
            case RECTIFICATION -> {
                Map<String, String> fields = json.readValue(r.get(R_DETAILS), new TypeReference<Map<String, String>>() {});
                List<String> changed;
                try {
                    changed = subjects.rectify(customer, fields);
                } catch (IllegalArgumentException e) {
                    throw RapportException.badRequest("invalid-rectification", "fields", e.getMessage());
                }
                steps.add(new Step("profile", "rectified", changed.size(), "corrected: " + String.join(", ", changed)));
                // the corrected values were personal data in transit; keep only which fields changed
                db.update(REQUEST).set(R_DETAILS, json.writeValueAsString(Map.of("fields", changed)))
                        .where(R_ID.eq(requestId)).execute();
            }
            case ERASURE -> steps.addAll(erase(customer, actor));
            case RESTRICTION -> {
                limit(customer, S_RESTRICTED, ProcessingLimited.Limit.RESTRICTED);
                steps.add(new Step("processing", "restricted", 1,
                        "kept but no longer used: no messages, no profiling, no sharing"));
            }
            case OBJECTION -> {
                limit(customer, S_PROFILING_OBJECTION, ProcessingLimited.Limit.PROFILING_OBJECTION);
                steps.add(new Step("profiling", "stopped", 1, "left out of scoring and segments from now on"));
            }
        }
        close(requestId, Status.COMPLETED, steps, actor);
        audit.record(actor, "subject." + type.name().toLowerCase(Locale.ROOT), "customer", Long.toString(customer),
                "request #" + requestId + " completed: " + steps.stream().map(s -> s.category() + " " + s.action()
                        + " " + s.rows()).reduce((a, b) -> a + "; " + b).orElse("nothing held"));
        return find(requestId);
    }

    /** Erases the customer in every holder in this transaction (all or nothing), then marks them erased. */
    private List<Step> erase(long customer, Actor actor) {
        if (db.fetchExists(SUBJECT, S_CUSTOMER.eq(customer).and(S_ERASED.isNotNull()))) {
            throw new RapportException(HttpStatus.CONFLICT, "customer-already-erased",
                    "Customer " + customer + " was already erased");
        }
        List<Step> steps = new ArrayList<>();
        for (PersonalDataHolder holder : holders) {
            PersonalDataHolder.Erasure done = holder.erase(customer);
            steps.add(new Step(done.category(), "erased", done.rows(), done.description()));
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (db.update(SUBJECT).set(S_ERASED, now).set(S_UPDATED, now).where(S_CUSTOMER.eq(customer)).execute() == 0) {
            db.insertInto(SUBJECT).set(S_CUSTOMER, customer).set(S_ERASED, now).set(S_UPDATED, now).execute();
        }
        events.publishEvent(new ProcessingLimited(customer, ProcessingLimited.Limit.ERASED, now.toInstant()));
        return steps;
    }

    /** Erases a customer whose retention period ran out (the retention job), audited like an erasure request. */
    @Transactional
    public void eraseForRetention(long customer, Actor actor) {
        List<Step> steps = erase(customer, actor);
        audit.record(actor, "subject.erasure", "customer", Long.toString(customer), "retention period ran out: "
                + steps.stream().map(s -> s.category() + " " + s.rows()).reduce((a, b) -> a + "; " + b).orElse(""));
    }

    /** Sets the flag; publishes {@link ProcessingLimited} when it was not set before. */
    private void limit(long customer, Field<Boolean> flag, ProcessingLimited.Limit limit) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (db.fetchExists(SUBJECT, S_CUSTOMER.eq(customer).and(flag.isTrue()))) {
            return;
        }
        if (db.update(SUBJECT).set(flag, true).set(S_UPDATED, now).where(S_CUSTOMER.eq(customer)).execute() == 0) {
            db.insertInto(SUBJECT).set(S_CUSTOMER, customer).set(flag, true).set(S_UPDATED, now).execute();
        }
        events.publishEvent(new ProcessingLimited(customer, limit, now.toInstant()));
    }

    /**
     * Everything held about the customer of an access request (verified or completed). Only callers who may see
     * personal data get it; each export is audited.
     */
    public ExportDocument export(long requestId, Actor actor) {
        if (!actor.maySeePersonalData()) {
            throw new RapportException(HttpStatus.FORBIDDEN, "pii-not-allowed",
                    "Your role may not see unmasked personal data, so it may not export it");
        }
        Request request = find(requestId);
        if (request.type() != RequestType.ACCESS) {
            throw new RapportException(HttpStatus.CONFLICT, "not-an-access-request",
                    "Request #" + requestId + " is a " + request.type() + " request; only access requests export data");
        }
        if (request.status() != Status.VERIFIED && request.status() != Status.COMPLETED) {
            throw new RapportException(HttpStatus.CONFLICT, "request-not-verified",
                    "Request #" + requestId + " is " + request.status() + "; data is exported only after verification");
        }
        ExportDocument document = new ExportDocument(request.customerId(), requestId, clock.instant(),
                parts(request.customerId()));
        audit.record(actor, "export", "customer", Long.toString(request.customerId()),
                "data-subject export for request #" + requestId + " (" + document.parts().size() + " parts)");
        return document;
    }

    /** The export as a readable summary (plain text, the person's language left to the brand's cover letter). */
    public String summary(ExportDocument document) {
        StringBuilder text = new StringBuilder();
        text.append("Personal data held by this company about customer #").append(document.customerId())
                .append("\nGenerated ").append(document.generatedAt()).append(" for request #")
                .append(document.requestId()).append("\n");
        for (PersonalDataHolder.Export part : document.parts()) {
            text.append("\n== ").append(part.category()).append(" ==\n").append(part.description()).append('\n');
            part.summary().forEach(line -> text.append("  - ").append(line).append('\n'));
        }
        return text.toString();
    }

    private List<PersonalDataHolder.Export> parts(long customer) {
        return holders.stream().sorted(java.util.Comparator.comparing(PersonalDataHolder::category))
                .map(h -> h.export(customer)).toList();
    }

    public Request find(long requestId) {
        Record r = db.selectFrom(REQUEST).where(R_ID.eq(requestId)).fetchOne();
        if (r == null) {
            throw RapportException.notFound("request", requestId);
        }
        return view(r);
    }

    /** Requests, newest first; {@code open} only those not closed; {@code customerId} one customer's. */
    public List<Request> list(Boolean open, Long customerId, int limit) {
        Condition condition = DSL.noCondition();
        if (Boolean.TRUE.equals(open)) {
            condition = condition.and(R_STATUS.in(Status.RECEIVED.name(), Status.VERIFIED.name()));
        }
        if (customerId != null) {
            condition = condition.and(R_CUSTOMER.eq(customerId));
        }
        return db.selectFrom(REQUEST).where(condition).orderBy(R_ID.desc()).limit(Math.min(Math.max(limit, 1), 500))
                .fetch().stream().map(this::view).toList();
    }

    private Request view(Record r) {
        Status status = Status.valueOf(r.get(R_STATUS.getName(), String.class));
        LocalDate due = r.get(R_DUE.getName(), LocalDate.class);
        boolean open = status == Status.RECEIVED || status == Status.VERIFIED;
        List<String> fields = List.of();
        String details = r.get(R_DETAILS.getName(), String.class);
        if (details != null) {
            Map<String, Object> map = json.readValue(details, new TypeReference<LinkedHashMap<String, Object>>() {});
            fields = map.containsKey("fields") && map.size() == 1 && map.get("fields") instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList() : List.copyOf(map.keySet());
        }
        List<Step> outcome = List.of();
        String rejection = null;
        String outcomeText = r.get(R_OUTCOME.getName(), String.class);
        if (outcomeText != null) {
            outcome = json.readValue(outcomeText, new TypeReference<List<Step>>() {});
            if (status == Status.REJECTED && !outcome.isEmpty()) {
                rejection = outcome.getFirst().description();
            }
        }
        return new Request(r.get(R_ID.getName(), Long.class), r.get(R_CUSTOMER.getName(), Long.class),
                RequestType.valueOf(r.get(R_TYPE.getName(), String.class)),
                Regime.valueOf(r.get(R_REGIME.getName(), String.class)), status, r.get(R_VIA.getName(), String.class),
                instant(r, R_RECEIVED), due, open && LocalDate.now(clock.withZone(zone)).isAfter(due),
                r.get(R_CREATED_BY.getName(), String.class), instant(r, R_VERIFIED_AT),
                r.get(R_VERIFIED_BY.getName(), String.class), r.get(R_VERIFICATION.getName(), String.class),
                instant(r, R_CLOSED_AT), r.get(R_CLOSED_BY.getName(), String.class), fields, outcome, rejection,
                Optional.ofNullable(r.get(R_ORIGINAL_DUE.getName(), LocalDate.class)).map(original -> new Extension(
                        original, instant(r, R_EXTENDED_AT), r.get(R_EXTENDED_BY.getName(), String.class),
                        r.get(R_EXTENSION_REASON.getName(), String.class))));
    }

    private static Instant instant(Record r, Field<OffsetDateTime> f) {
        OffsetDateTime value = r.get(f.getName(), OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private void close(long requestId, Status status, List<Step> steps, Actor actor) {
        db.update(REQUEST).set(R_STATUS, status.name()).set(R_CLOSED_AT, OffsetDateTime.now(clock))
                .set(R_CLOSED_BY, actor.name()).set(R_OUTCOME, cut(json.writeValueAsString(steps), 8000))
                .where(R_ID.eq(requestId)).execute();
    }

    private Record lock(long requestId) {
        Record r = db.select(R_ID, R_CUSTOMER, R_TYPE, R_STATUS, R_DETAILS, R_REGIME, R_DUE, R_ORIGINAL_DUE).from(REQUEST).where(R_ID.eq(requestId))
                .forUpdate().fetchOne();
        if (r == null) {
            throw RapportException.notFound("request", requestId);
        }
        return r;
    }

    private static void requireStatus(Record r, Status expected) {
        Status status = Status.valueOf(r.get(R_STATUS));
        if (status == expected) {
            return;
        }
        if (status == Status.RECEIVED) {
            throw new RapportException(HttpStatus.CONFLICT, "request-not-verified",
                    "Request #" + r.get(R_ID) + " must be verified first");
        }
        throw new RapportException(HttpStatus.CONFLICT, "request-" + status.name().toLowerCase(Locale.ROOT),
                "Request #" + r.get(R_ID) + " is already " + status.name().toLowerCase(Locale.ROOT));
    }

    private static void requireOpen(Record r) {
        Status status = Status.valueOf(r.get(R_STATUS));
        if (status != Status.RECEIVED && status != Status.VERIFIED) {
            throw new RapportException(HttpStatus.CONFLICT, "request-" + status.name().toLowerCase(Locale.ROOT),
                    "Request #" + r.get(R_ID) + " is already " + status.name().toLowerCase(Locale.ROOT));
        }
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, String field, String code) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw RapportException.badRequest(code, field, "Unknown " + field + " '" + value + "'; known: "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

}
