package io.rapport.privacy;

import static io.rapport.privacy.ConsentTables.*;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Consent as the API and the console use it: recording grants and withdrawals for a customer (checked to exist),
 * the customer's overview and history, and unsubscribing through a signed link. Every change is audited.
 */
@Service
public class Consents {

    private final ConsentLedger ledger;
    private final ConsentPolicy policy;
    private final DataSubjects subjects;
    private final AuditLog audit;
    private final PrivacyProperties properties;
    private final UnsubscribeTokens tokens;
    private final DSLContext db;
    private final Clock clock;

    Consents(ConsentLedger ledger, ConsentPolicy policy, DataSubjects subjects, AuditLog audit,
             PrivacyProperties properties, UnsubscribeTokens tokens, DSLContext db, Clock clock) {
        this.ledger = ledger;
        this.policy = policy;
        this.subjects = subjects;
        this.audit = audit;
        this.properties = properties;
        this.tokens = tokens;
        this.db = db;
        this.clock = clock;
    }

    /**
     * A grant or withdrawal as the API receives it.
     *
     * @param action         {@code grant} or {@code withdraw}
     * @param channels       channels it applies to; empty or left out: every channel
     * @param partner        DATA_SHARING with one partner (PIPL separate consent)
     * @param sensitiveField PROFILING of one sensitive field (PIPL art. 29)
     * @param occurredAt     when the customer decided; left out: now
     * @param proof          IP address, staff id, form id; left out: the recording user
     */
    public record ChangeRequest(String purpose, String action, List<String> channels, String partner,
                                String sensitiveField, Instant occurredAt, String source, String noticeVersion,
                                String proof) {}

    /** What one request did, per channel. */
    public record RecordResult(long customerId, List<String> recorded, List<String> unchanged, List<String> duplicates) {}

    /** A decision for one cell of the 360 card. */
    public record Cell(boolean allowed, String reason) {
        static Cell of(ContactDecision d) {
            return new Cell(d.allowed(), d.reason().orElse(null));
        }
    }

    /** One purpose: its lawful basis and the decision per channel (one entry, ALL, for purpose-wide consent). */
    public record PurposeRow(String purpose, String lawfulBasis, Map<String, Cell> channels) {}

    /** A partner or sensitive field with its own consent. */
    public record ScopedRow(String code, String label, boolean crossBorder, Cell decision) {}

    /** What the customer agreed to now, and why each answer is what it is. */
    public record Overview(long customerId, List<PurposeRow> purposes, List<ScopedRow> partners,
                           List<ScopedRow> sensitiveFields, boolean doNotSell, boolean restricted,
                           boolean profilingObjection, boolean erased, List<ConsentLedger.State> states) {}

    public Overview overview(long requestedId) {
        long id = existing(requestedId);
        var matrix = policy.matrix(id);
        List<PurposeRow> purposes = new ArrayList<>();
        for (var entry : matrix.entrySet()) {
            Purpose purpose = entry.getKey();
            Map<String, Cell> cells = new java.util.LinkedHashMap<>();
            if (purpose == Purpose.PROFILING || purpose == Purpose.DATA_SHARING) {
                cells.put(ALL_CHANNELS, Cell.of(entry.getValue().get(ContactChannel.EMAIL)));
            } else {
                entry.getValue().forEach((channel, d) -> cells.put(channel.name(), Cell.of(d)));
            }
            purposes.add(new PurposeRow(purpose.name(), properties.basis(purpose).name(), cells));
        }
        List<ScopedRow> partners = properties.partners().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(p -> new ScopedRow(p.getKey(), p.getValue().name(), p.getValue().crossBorder(),
                        Cell.of(policy.mayShareWith(id, p.getKey())))).toList();
        List<ScopedRow> sensitive = properties.sensitiveFields().stream()
                .map(f -> new ScopedRow(f, f, false, Cell.of(policy.mayUseSensitive(id, f)))).toList();
        List<ConsentLedger.State> states = ledger.current(id);
        boolean doNotSell = states.stream().anyMatch(s -> s.purpose().equals(Purpose.DATA_SHARING.name())
                && s.scope().isEmpty() && !s.granted());
        var subject = db.select(S_RESTRICTED, S_PROFILING_OBJECTION, S_ERASED).from(SUBJECT)
                .where(S_CUSTOMER.eq(id)).fetchOne();
        return new Overview(id, purposes, partners, sensitive, doNotSell,
                subject != null && subject.get(S_RESTRICTED), subject != null && subject.get(S_PROFILING_OBJECTION),
                subject != null && subject.get(S_ERASED) != null, states);
    }

    public List<ConsentLedger.Event> history(long requestedId) {
        return ledger.history(existing(requestedId));
    }

    /** Records a request for a customer; 404 for an unknown customer, 400 naming the field for bad input. */
    @Transactional
    public RecordResult record(long requestedId, ChangeRequest request, Actor actor) {
        long id = existing(requestedId);
        List<ConsentLedger.Change> changes = changes(request, actor);
        List<String> recorded = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        for (ConsentLedger.Change change : changes) {
            ledger.validate(change);
        }
        for (ConsentLedger.Change change : changes) {
            String label = change.channelColumn();
            switch (ledger.record(id, change, actor.name())) {
                case CHANGED -> recorded.add(label);
                case RECORDED -> unchanged.add(label);
                case DUPLICATE -> duplicates.add(label);
            }
        }
        if (!recorded.isEmpty() || !unchanged.isEmpty()) {
            ConsentLedger.Change first = changes.getFirst();
            audit.record(actor, first.granted() ? "consent.grant" : "consent.withdraw", "customer", Long.toString(id),
                    first.purpose() + (first.scope().isEmpty() ? "" : " " + first.scope()) + " on "
                            + String.join(",", recorded.isEmpty() ? unchanged : recorded) + " via "
                            + first.source().wire());
        }
        return new RecordResult(id, recorded, unchanged, duplicates);
    }

    /** Turns an API request into ledger changes (one per channel); 400 naming the field for anything unknown. */
    List<ConsentLedger.Change> changes(ChangeRequest request, Actor actor) {
        Purpose purpose = parsePurpose(request.purpose(), "purpose");
        boolean granted = parseAction(request.action(), "action");
        ConsentSource source = request.source() == null || request.source().isBlank() ? ConsentSource.API
                : ConsentSource.parse(request.source(), "source");
        if (request.partner() != null && !request.partner().isBlank() && request.sensitiveField() != null
                && !request.sensitiveField().isBlank()) {
            throw RapportException.badRequest("invalid-field", "partner", "Give a partner or a sensitive field, not both");
        }
        String scope = request.partner() != null && !request.partner().isBlank()
                ? ConsentLedger.partnerScope(request.partner().strip())
                : request.sensitiveField() != null && !request.sensitiveField().isBlank()
                ? ConsentLedger.sensitiveScope(request.sensitiveField().strip()) : "";
        List<Optional<ContactChannel>> channels = new ArrayList<>();
        if (request.channels() == null || request.channels().isEmpty()) {
            channels.add(Optional.empty());
        } else {
            for (int i = 0; i < request.channels().size(); i++) {
                channels.add(Optional.of(parseChannel(request.channels().get(i), "channels[" + i + "]")));
            }
        }
        Instant at = request.occurredAt() == null ? clock.instant() : request.occurredAt();
        Optional<String> proof = Optional.ofNullable(request.proof()).filter(s -> !s.isBlank())
                .or(() -> Optional.of("staff:" + actor.name()));
        return channels.stream().distinct().map(channel -> new ConsentLedger.Change(purpose, channel, scope, granted,
                at, source, Optional.ofNullable(request.noticeVersion()), proof)).toList();
    }

    /** Withdraws what a signed link allows, without login; proof is the caller's address. */
    @Transactional
    public UnsubscribeResult unsubscribe(String token, String remoteAddress) {
        UnsubscribeTokens.Grant grant = tokens.verify(token);
        Optional<Long> current = subjects.current(grant.customerId());
        if (current.isEmpty()) {
            throw new RapportException(HttpStatus.BAD_REQUEST, "invalid-unsubscribe-token",
                    "This unsubscribe link names no known customer");
        }
        long id = current.get();
        if (ledger.isErased(id)) {
            return new UnsubscribeResult(grant.purpose(), grant.channel(), false);
        }
        String channelColumn = grant.channel().map(Enum::name).orElse(ALL_CHANNELS);
        boolean alreadyOut = ledger.current(id).stream().anyMatch(st -> st.purpose().equals(grant.purpose().name())
                && st.channel().equals(channelColumn) && st.scope().isEmpty() && !st.granted());
        if (alreadyOut) {
            return new UnsubscribeResult(grant.purpose(), grant.channel(), false);
        }
        var change = new ConsentLedger.Change(grant.purpose(), grant.channel(), "", false, clock.instant(),
                ConsentSource.UNSUBSCRIBE_LINK, Optional.empty(), Optional.of("ip:" + remoteAddress));
        ledger.record(id, change, "unsubscribe-link");
        audit.record(new Actor("unsubscribe-link", false), "consent.withdraw", "customer", Long.toString(id),
                grant.purpose() + " on " + change.channelColumn() + " via unsubscribe_link");
        return new UnsubscribeResult(grant.purpose(), grant.channel(), true);
    }

    /** What an unsubscribe did; {@code changed} is false when the customer was already out. */
    public record UnsubscribeResult(Purpose purpose, Optional<ContactChannel> channel, boolean changed) {}

    /** An unsubscribe link for a customer (404 when unknown). */
    public UnsubscribeTokens.Link unsubscribeLink(long requestedId, String purpose, String channel) {
        long id = existing(requestedId);
        Optional<ContactChannel> ch = channel == null || channel.isBlank() ? Optional.empty()
                : Optional.of(parseChannel(channel, "channel"));
        return tokens.link(id, parsePurpose(purpose, "purpose"), ch);
    }

    long existing(long requestedId) {
        return subjects.current(requestedId).orElseThrow(() -> RapportException.notFound("customer", requestedId));
    }

    static Purpose parsePurpose(String value, String field) {
        try {
            return Purpose.valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw RapportException.badRequest("unknown-purpose", field, "Unknown purpose '" + value + "'; known: "
                    + java.util.Arrays.toString(Purpose.values()).toLowerCase(Locale.ROOT));
        }
    }

    static ContactChannel parseChannel(String value, String field) {
        try {
            return ContactChannel.valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw RapportException.badRequest("unknown-channel", field, "Unknown channel '" + value + "'; known: "
                    + java.util.Arrays.toString(ContactChannel.values()).toLowerCase(Locale.ROOT));
        }
    }

    static boolean parseAction(String value, String field) {
        if (value != null) {
            switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "grant", "granted", "opt-in", "yes", "true" -> {
                    return true;
                }
                case "withdraw", "withdrawn", "opt-out", "no", "false" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw RapportException.badRequest("unknown-consent-action", field,
                "Unknown consent action '" + value + "'; use grant or withdraw");
    }
}
