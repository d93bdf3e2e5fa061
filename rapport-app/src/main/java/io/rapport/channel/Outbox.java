package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.customer.CustomerContacts;
import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import io.rapport.privacy.PersonalDataMask;
import io.rapport.privacy.Purpose;
import io.rapport.privacy.UnsubscribeTokens;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every message Rapport sends starts here: {@link #enqueue} writes one outbox row in the caller's transaction
 * (so a journey step and its message commit together), after the guards (consent, duplicate, quiet hours, caps).
 * A suppressed send is kept as a {@code SUPPRESSED} row with its reason and counted in
 * {@code rapport.channel.suppressed}. The {@link OutboxDispatcher} delivers pending rows asynchronously.
 */
@Service
public class Outbox {

    private final DSLContext db;
    private final Clock clock;
    private final MessageTemplates templates;
    private final CustomerContacts contacts;
    private final SendGuards guards;
    private final ChannelProperties settings;
    private final RapportProperties rapport;
    private final UnsubscribeTokens unsubscribeLinks;
    private final MeterRegistry meters;
    private final OutboxDispatcher dispatcher;
    private final tools.jackson.databind.ObjectMapper json;
    private final OutboxProtection protection;

    Outbox(DSLContext db, Clock clock, MessageTemplates templates, CustomerContacts contacts, SendGuards guards,
           ChannelProperties settings, RapportProperties rapport, UnsubscribeTokens unsubscribeLinks,
           MeterRegistry meters, OutboxDispatcher dispatcher, tools.jackson.databind.ObjectMapper json,
           OutboxProtection protection) {
        this.json = json;
        this.protection = protection;
        this.db = db;
        this.clock = clock;
        this.templates = templates;
        this.contacts = contacts;
        this.guards = guards;
        this.settings = settings;
        this.rapport = rapport;
        this.unsubscribeLinks = unsubscribeLinks;
        this.meters = meters;
        this.dispatcher = dispatcher;
    }

    /** One outbox row as shown to people: the recipient is masked. */
    public record Entry(long id, String dedupeKey, Long customerId, String channel, String purpose, String template,
                        String language, String recipient, String subject, String status, String suppressionReason,
                        String heldReason, int attempts, OffsetDateTime plannedAt, OffsetDateTime nextAttemptAt,
                        String lastError, String deadReason, String origin, OffsetDateTime createdAt,
                        OffsetDateTime sentAt) {}

    /** Counts for the console and the API. */
    public record Stats(Map<String, Integer> byStatus, Map<String, Integer> suppressedByReason,
                        Map<String, Integer> eventsByKind) {}

    /**
     * Queues a message (or records why it is not sent). Joins the caller's transaction. The same dedupe key again
     * returns the first outcome with {@code replayed = true}. 400 for an unknown template, a variable the template
     * does not declare, or a required variable without value. Such a refusal writes nothing and leaves the caller's
     * transaction usable (it is not marked rollback-only), so a caller may catch it and go on.
     */
    @Transactional(noRollbackFor = RapportException.class)
    public SendOutcome enqueue(SendRequest request) {
        if (request.dedupeKey() == null || request.dedupeKey().isBlank() || request.dedupeKey().length() > 200) {
            throw RapportException.badRequest("invalid-send", "dedupeKey", "A dedupe key of 1-200 characters is needed");
        }
        Optional<SendOutcome> existing = find(request.dedupeKey());
        if (existing.isPresent()) {
            return existing.get();
        }
        MessageTemplates.Template template = templates.find(request.template())
                .orElseThrow(() -> MessageTemplates.unknownTemplate(request.template()));
        Instant now = clock.instant();
        ChannelKind channel = template.channel();
        Purpose purpose = template.purpose();
        Optional<CustomerContacts.Contact> contact = contacts.find(request.customerId());
        if (contact.isEmpty()) {
            throw RapportException.badRequest("unknown-customer", "customerId",
                    "Customer " + request.customerId() + " does not exist");
        }
        long customerId = contact.get().customerId();
        Map<String, String> builtIn = MessageTemplates.customerVariables(contact.get(), false);
        builtIn.put("unsubscribe_url", unsubscribeLinks.link(customerId, purpose, channel.contactChannel()).url());
        MessageTemplates.Rendered rendered = templates.render(template,
                request.language().or(() -> contact.get().language()), request.variables(), builtIn);
        String body = rendered.body();
        if (channel == ChannelKind.EMAIL && purpose == Purpose.MARKETING
                && !body.contains(builtIn.get("unsubscribe_url"))) {
            body = body + "\n\n--\n" + ("zh-CN".equals(rendered.language()) ? "退订: " : "Unsubscribe: ")
                    + builtIn.get("unsubscribe_url");
        }
        Row row = new Row(request, customerId, channel, purpose, rendered.language(),
                recipient(channel, contact.get()).orElse(null), rendered.subject().orElse(null), body, now);
        if (row.recipient == null) {
            return suppress(row, "no-address");
        }
        Optional<String> consent = guards.consent(customerId, channel, purpose);
        if (consent.isPresent()) {
            return suppress(row, consent.get());
        }
        // the unsubscribe link carries its own expiry, so it is left out: the same content a minute later is a duplicate
        String content = channel.name() + "\n" + row.recipient + "\n" + row.subject + "\n"
                + row.body.replace(builtIn.get("unsubscribe_url"), "[unsubscribe_url]");
        row.hash = protection.contentHash(content);
        boolean duplicate = db.fetchExists(OUTBOX, O_CUSTOMER.eq(customerId).and(O_HASH.in(protection.contentHashes(content)))
                .and(O_STATUS.in(SendGuards.LIVE))
                .and(O_PLANNED.gt(now.minus(settings.dedupeWindow()).atOffset(ZoneOffset.UTC))));
        if (duplicate) {
            return suppress(row, "duplicate");
        }
        ZoneId zone = contact.get().timeZone().orElse(rapport.timeZone());
        Instant release = guards.releaseTime(now, zone, channel, purpose);
        Optional<String> cap = guards.cap(customerId, channel, purpose, release, zone);
        if (cap.isPresent()) {
            return suppress(row, cap.get());
        }
        row.plannedAt = release;
        row.held = release.isAfter(now) ? "quiet-hours" : null;
        return insert(row, "PENDING", null);
    }

    /**
     * Queues a call of a configured webhook endpoint ({@link WebhookCall}) in the caller's transaction. 400
     * {@code unknown-webhook-endpoint} when no endpoint of that name is configured, {@code unknown-customer}; like
     * {@link #enqueue}, such a refusal writes nothing and leaves the caller's transaction usable. No quiet hours, caps
     * or content de-duplication apply: it is not a message to the customer.
     */
    @Transactional(noRollbackFor = RapportException.class)
    public SendOutcome call(WebhookCall call) {
        if (call.dedupeKey() == null || call.dedupeKey().isBlank() || call.dedupeKey().length() > 200) {
            throw RapportException.badRequest("invalid-send", "dedupeKey", "A dedupe key of 1-200 characters is needed");
        }
        Optional<SendOutcome> existing = find(call.dedupeKey());
        if (existing.isPresent()) {
            return existing.get();
        }
        if (settings.webhook(call.endpoint()).isEmpty()) {
            throw RapportException.badRequest("unknown-webhook-endpoint", "endpoint", "No webhook endpoint '"
                    + call.endpoint() + "' (rapport.channel.webhooks." + call.endpoint() + ".url)");
        }
        CustomerContacts.Contact contact = contacts.find(call.customerId()).orElseThrow(() ->
                RapportException.badRequest("unknown-customer", "customerId",
                        "Customer " + call.customerId() + " does not exist"));
        Map<String, Object> customer = new LinkedHashMap<>();
        customer.put("id", contact.customerId());
        if (call.masked()) {
            new java.util.TreeMap<>(MessageTemplates.customerVariables(contact, true))
                    .forEach((name, value) -> customer.put(name.substring("customer.".length()), value));
        }
        Map<String, Object> payload = new LinkedHashMap<>(call.fields());
        payload.put("customer", customer);
        Instant now = clock.instant();
        payload.put("at", now.toString());
        Row row = new Row(new SendRequest(call.dedupeKey(), contact.customerId(), null, Map.of(), call.origin()),
                contact.customerId(), ChannelKind.WEBHOOK, call.purpose(), null,
                WebhookCall.RECIPIENT_PREFIX + call.endpoint(), null, json.writeValueAsString(payload), now);
        row.consentChannel = call.consentChannel().map(Enum::name).orElse(null);
        if (call.consentChannel().isPresent()) {
            Optional<String> refused = guards.consent(contact.customerId(), call.consentChannel().get(),
                    call.purpose());
            if (refused.isPresent()) {
                return suppress(row, refused.get());
            }
        }
        return insert(row, "PENDING", null);
    }

    /** Delivers what is due now on this instance (the background dispatcher does the same every interval). */
    public int dispatchDue() {
        return dispatcher.dispatchDue();
    }

    public Optional<SendOutcome> find(String dedupeKey) {
        return db.select(O_ID, O_STATUS, O_SUPPRESSION, O_HELD, O_PLANNED).from(OUTBOX).where(O_DEDUPE.eq(dedupeKey))
                .fetchOptional(r -> new SendOutcome(r.get(O_ID), r.get(O_STATUS),
                        Optional.ofNullable(r.get(O_SUPPRESSION)), Optional.ofNullable(r.get(O_HELD)),
                        r.get(O_PLANNED).toInstant(), true));
    }

    public Entry get(long id) {
        return db.selectFrom(OUTBOX).where(O_ID.eq(id)).fetchOptional().map(this::entry)
                .orElseThrow(() -> RapportException.notFound("message", id));
    }

    /** The newest rows, optionally of one status and/or one origin prefix (a journey's messages). */
    public List<Entry> list(Optional<String> status, Optional<String> originPrefix, int limit) {
        Condition condition = DSL.trueCondition();
        if (status.isPresent()) {
            condition = condition.and(O_STATUS.eq(status.get().toUpperCase(java.util.Locale.ROOT)));
        }
        if (originPrefix.isPresent()) {
            condition = condition.and(O_ORIGIN.startsWith(originPrefix.get()));
        }
        return db.selectFrom(OUTBOX).where(condition).orderBy(O_ID.desc()).limit(Math.min(Math.max(limit, 1), 500))
                .fetch(this::entry);
    }

    /** Puts a dead message back in the queue, due now, with a fresh attempt budget. 409 unless it is dead. */
    @Transactional
    public Entry retry(long id) {
        Entry entry = get(id);
        if (!"DEAD".equals(entry.status())) {
            throw new RapportException(HttpStatus.CONFLICT, "not-dead",
                    "Message " + id + " is " + entry.status() + "; only dead messages can be retried");
        }
        db.update(OUTBOX).set(O_STATUS, "PENDING").set(O_ATTEMPTS, 0)
                .set(O_NEXT, clock.instant().atOffset(ZoneOffset.UTC)).setNull(O_DEAD_REASON).setNull(O_CLAIMED_BY)
                .setNull(O_LEASE).where(O_ID.eq(id)).and(O_STATUS.eq("DEAD")).execute();
        return get(id);
    }

    public Stats stats(Optional<String> originPrefix) {
        Condition condition = originPrefix.map(O_ORIGIN::startsWith).orElse(DSL.trueCondition());
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (String s : List.of("PENDING", "SENDING", "SENT", "DEAD", "SUPPRESSED")) {
            byStatus.put(s, 0);
        }
        db.select(O_STATUS, DSL.count()).from(OUTBOX).where(condition).groupBy(O_STATUS)
                .forEach(r -> byStatus.put(r.value1(), r.value2()));
        Map<String, Integer> suppressed = new LinkedHashMap<>();
        db.select(O_SUPPRESSION, DSL.count()).from(OUTBOX).where(condition).and(O_STATUS.eq("SUPPRESSED"))
                .groupBy(O_SUPPRESSION).orderBy(DSL.count().desc())
                .forEach(r -> suppressed.put(r.value1(), r.value2()));
        Map<String, Integer> events = new LinkedHashMap<>();
        db.select(E_KIND, DSL.count()).from(EVENT).join(OUTBOX).on(O_ID.eq(E_OUTBOX)).where(condition)
                .groupBy(E_KIND).forEach(r -> events.put(r.value1(), r.value2()));
        return new Stats(byStatus, suppressed, events);
    }

    private static Optional<String> recipient(ChannelKind channel, CustomerContacts.Contact contact) {
        return switch (channel) {
            case EMAIL -> contact.email();
            case SMS -> contact.phone();
            case APP_PUSH -> contact.appDevice();
            case MESSAGING -> contact.messagingId();
            case WEBHOOK -> Optional.of("customer:" + contact.customerId());
        };
    }

    private SendOutcome suppress(Row row, String reason) {
        meters.counter("rapport.channel.suppressed", "reason", reason, "channel", row.channel.wire()).increment();
        row.plannedAt = row.now;
        return insert(row, "SUPPRESSED", reason);
    }

    private SendOutcome insert(Row row, String status, String reason) {
        OffsetDateTime now = row.now.atOffset(ZoneOffset.UTC);
        int inserted = db.insertInto(OUTBOX)
                .set(O_DEDUPE, row.request.dedupeKey()).set(O_CUSTOMER, row.customerId)
                .set(O_CHANNEL, row.channel.name()).set(O_PURPOSE, row.purpose.name())
                .set(O_TEMPLATE, row.request.template()).set(O_LANGUAGE, row.language)
                .set(O_RECIPIENT, protection.sealed(row.recipient)).set(O_SUBJECT, protection.sealed(row.subject))
                .set(O_BODY, "SUPPRESSED".equals(status) ? null : protection.sealed(row.body))
                .set(O_HASH, row.hash).set(O_ORIGIN, row.request.origin()).set(O_CONSENT_CHANNEL, row.consentChannel)
                .set(O_STATUS, status).set(O_SUPPRESSION, reason).set(O_HELD, row.held)
                .set(O_PLANNED, row.plannedAt.atOffset(ZoneOffset.UTC)).set(O_ATTEMPTS, 0)
                .set(O_NEXT, row.plannedAt.atOffset(ZoneOffset.UTC)).set(O_CREATED, now)
                .onConflict(O_DEDUPE).doNothing().execute();
        SendOutcome outcome = find(row.request.dedupeKey()).orElseThrow();
        return inserted == 1 ? new SendOutcome(outcome.outboxId(), outcome.status(), outcome.reason(),
                outcome.heldReason(), outcome.plannedAt(), false) : outcome;
    }

    private Entry entry(Record r) {
        String channel = r.get(O_CHANNEL);
        String recipient = protection.opened(r.get(O_RECIPIENT));
        return new Entry(r.get(O_ID), r.get(O_DEDUPE), r.get(O_CUSTOMER), channel, r.get(O_PURPOSE),
                r.get(O_TEMPLATE), r.get(O_LANGUAGE), mask(channel, recipient), protection.opened(r.get(O_SUBJECT)),
                r.get(O_STATUS),
                r.get(O_SUPPRESSION), r.get(O_HELD), r.get(O_ATTEMPTS), r.get(O_PLANNED), r.get(O_NEXT),
                r.get(O_LAST_ERROR), r.get(O_DEAD_REASON), r.get(O_ORIGIN), r.get(O_CREATED), r.get(O_SENT));
    }

    private static String mask(String channel, String recipient) {
        if (recipient == null) {
            return null;
        }
        return switch (channel) {
            case "EMAIL" -> PersonalDataMask.email(recipient);
            case "SMS" -> PersonalDataMask.phone(recipient);
            case "WEBHOOK" -> recipient;
            default -> PersonalDataMask.identifier(recipient);
        };
    }

    /** The row being written, filled as the guards run. */
    private static final class Row {
        final SendRequest request;
        final long customerId;
        final ChannelKind channel;
        final Purpose purpose;
        final String language;
        final String recipient;
        final String subject;
        final String body;
        final Instant now;
        String hash;
        String held;
        /** A contact channel to ask consent on besides the message's own (a webhook call's). */
        String consentChannel;
        Instant plannedAt;

        Row(SendRequest request, long customerId, ChannelKind channel, Purpose purpose, String language,
            String recipient, String subject, String body, Instant now) {
            this.request = request;
            this.customerId = customerId;
            this.channel = channel;
            this.purpose = purpose;
            this.language = language;
            this.recipient = recipient;
            this.subject = subject;
            this.body = body;
            this.now = now;
            this.plannedAt = now;
        }
    }
}
