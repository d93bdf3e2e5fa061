package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.customer.CustomerContacts;
import io.rapport.platform.ColumnArrays;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        Queued queued = enqueueAll(List.of(request)).getFirst();
        if (queued.refused().isPresent()) {
            throw queued.refused().get();
        }
        return queued.outcome().orElseThrow();
    }

    /**
     * Why a message of {@code templateCode} to the customer would be suppressed whatever its content and timing: the
     * customer has no address on the template's channel ({@code no-address}), or may not be contacted for its purpose
     * on it (the consent guard's reason, e.g. {@code no-consent}). Empty when those guards let it through; caps,
     * duplicates and quiet hours are decided when the message is queued, and an unknown template or customer is
     * refused then. Journeys ask this before issuing a coupon that only the next message would tell of.
     */
    public Optional<String> wouldSuppress(long customerId, String templateCode) {
        Optional<MessageTemplates.Template> template = templates.find(templateCode);
        CustomerContacts.Contact contact = contacts.findAll(List.of(customerId)).get(customerId);
        if (template.isEmpty() || contact == null) {
            return Optional.empty();
        }
        ChannelKind channel = template.get().channel();
        if (recipient(channel, contact).isEmpty()) {
            return Optional.of("no-address");
        }
        return guards.consent(List.of(customerId), channel, template.get().purpose()).get(customerId);
    }

    /** What became of one request of {@link #enqueueAll}: its outcome, or the refusal {@link #enqueue} throws. */
    public record Queued(Optional<SendOutcome> outcome, Optional<RapportException> refused) {

        static Queued of(SendOutcome outcome) {
            return new Queued(Optional.of(outcome), Optional.empty());
        }

        static Queued refusal(RapportException refused) {
            return new Queued(Optional.empty(), Optional.of(refused));
        }
    }

    /**
     * Queues many messages as {@link #enqueue} would one after the other, in order, with the same guards and
     * outcomes — a refusal is returned for its request and writes nothing — but per chunk of {@value #CHUNK}: the
     * existing dedupe keys, templates, contacts, consents, recent content hashes and the messages the caps count are
     * read once per chunk, and the rows are written with one statement on PostgreSQL. Messages of the same chunk to
     * the same customer count for each other's caps and duplicates as they would one by one.
     */
    @Transactional(noRollbackFor = RapportException.class)
    public List<Queued> enqueueAll(List<SendRequest> requests) {
        return enqueueAll(requests, Set.of());
    }

    /**
     * As {@link #enqueueAll(List)}, without looking up {@code unusedKeys}: dedupe keys the caller knows no row can
     * have, because they are made of an id created in its own transaction (a journey instance entered just now).
     * Should one exist after all, the insert leaves it alone and its first outcome is returned as for any replay.
     */
    @Transactional(noRollbackFor = RapportException.class)
    public List<Queued> enqueueAll(List<SendRequest> requests, Set<String> unusedKeys) {
        List<Queued> result = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += CHUNK) {
            result.addAll(chunk(requests.subList(from, Math.min(requests.size(), from + CHUNK)), unusedKeys));
        }
        return result;
    }

    static final int CHUNK = 500;

    private List<Queued> chunk(List<SendRequest> requests, Set<String> unusedKeys) {
        Instant now = clock.instant();
        int n = requests.size();
        Queued[] result = new Queued[n];
        Row[] rows = new Row[n];
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = requests.get(i).dedupeKey();
            if (key == null || key.isBlank() || key.length() > 200) {
                result[i] = Queued.refusal(RapportException.badRequest("invalid-send", "dedupeKey",
                        "A dedupe key of 1-200 characters is needed"));
            } else if (!unusedKeys.contains(key)) {
                keys.add(key);
            }
        }
        Map<String, SendOutcome> known = find(keys);
        Map<String, Optional<MessageTemplates.Template>> templateOf = new HashMap<>();
        Map<Long, CustomerContacts.Contact> contactOf = contacts.findAll(requests.stream()
                .filter(r -> !known.containsKey(r.dedupeKey())).map(SendRequest::customerId).distinct().toList());
        Map<Integer, String> unsubscribe = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SendRequest request = requests.get(i);
            if (result[i] != null || known.containsKey(request.dedupeKey())) {
                continue;
            }
            try {
                MessageTemplates.Template template = templateOf.computeIfAbsent(request.template(), templates::find)
                        .orElseThrow(() -> MessageTemplates.unknownTemplate(request.template()));
                CustomerContacts.Contact contact = contactOf.get(request.customerId());
                if (contact == null) {
                    throw RapportException.badRequest("unknown-customer", "customerId",
                            "Customer " + request.customerId() + " does not exist");
                }
                ChannelKind channel = template.channel();
                Purpose purpose = template.purpose();
                Map<String, String> builtIn = MessageTemplates.customerVariables(contact, false);
                String link = unsubscribeLinks.link(contact.customerId(), purpose, channel.contactChannel()).url();
                builtIn.put("unsubscribe_url", link);
                MessageTemplates.Rendered rendered = templates.render(template,
                        request.language().or(contact::language), request.variables(), builtIn);
                String body = rendered.body();
                if (channel == ChannelKind.EMAIL && purpose == Purpose.MARKETING && !body.contains(link)) {
                    body = body + "\n\n--\n" + ("zh-CN".equals(rendered.language()) ? "退订: " : "Unsubscribe: ")
                            + link;
                }
                rows[i] = new Row(request, contact.customerId(), channel, purpose, rendered.language(),
                        recipient(channel, contact).orElse(null), rendered.subject().orElse(null), body, now);
                rows[i].zone = contact.timeZone().orElse(rapport.timeZone());
                unsubscribe.put(i, link);
            } catch (RapportException refused) {
                result[i] = Queued.refusal(refused);
            }
        }
        // what the guards read, once for the chunk: consents, recent content hashes, messages the caps count
        Map<String, Map<Long, Optional<String>>> consents = new HashMap<>();
        Map<Integer, List<String>> hashes = new HashMap<>();
        Map<Long, List<Planned>> capped = new HashMap<>();
        Instant capFrom = null;
        Instant capTo = null;
        for (int i = 0; i < n; i++) {
            Row row = rows[i];
            if (row == null || row.recipient == null) {
                continue;
            }
            consents.computeIfAbsent(row.channel.name() + "|" + row.purpose.name(), k -> new HashMap<>())
                    .put(row.customerId, Optional.empty());
            // the unsubscribe link carries its own expiry, so it is left out: the same content later is a duplicate
            String content = row.channel.name() + "\n" + row.recipient + "\n" + row.subject + "\n"
                    + row.body.replace(unsubscribe.get(i), "[unsubscribe_url]");
            row.hash = protection.contentHash(content);
            hashes.put(i, protection.contentHashes(content));
            row.plannedAt = guards.releaseTime(now, row.zone, row.channel, row.purpose);
            if (row.purpose == Purpose.MARKETING && row.channel != ChannelKind.WEBHOOK) {
                capped.put(row.customerId, new ArrayList<>());
                Instant[] window = SendGuards.capWindow(row.plannedAt, row.zone);
                capFrom = capFrom == null || window[0].isBefore(capFrom) ? window[0] : capFrom;
                capTo = capTo == null || window[1].isAfter(capTo) ? window[1] : capTo;
            }
        }
        consents.forEach((channelAndPurpose, decisions) -> {
            String[] parts = channelAndPurpose.split("\\|");
            decisions.putAll(guards.consent(decisions.keySet(), ChannelKind.valueOf(parts[0]),
                    Purpose.valueOf(parts[1])));
        });
        Set<String> recent = recentContent(rows, hashes, now);
        if (!capped.isEmpty()) {
            db.select(O_CUSTOMER, O_CHANNEL, O_PLANNED, O_STATUS).from(OUTBOX).where(customerAmong(capped.keySet()))
                    .and(O_PURPOSE.eq(Purpose.MARKETING.name())).and(O_PLANNED.ge(capFrom.atOffset(ZoneOffset.UTC)))
                    .and(O_PLANNED.lt(capTo.atOffset(ZoneOffset.UTC)))
                    .forEach(r -> {
                        if (SendGuards.LIVE.contains(r.get(O_STATUS))) {
                            capped.get(r.get(O_CUSTOMER)).add(new Planned(r.get(O_CHANNEL),
                                    r.get(O_PLANNED).toInstant()));
                        }
                    });
        }
        // the guards in order, as one by one: what a message of the chunk queues counts for the ones after it
        Map<String, Integer> decided = new HashMap<>();
        List<Integer> toInsert = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SendRequest request = requests.get(i);
            if (result[i] != null) {
                continue;
            }
            if (known.containsKey(request.dedupeKey())) {
                result[i] = Queued.of(known.get(request.dedupeKey()));
                continue;
            }
            if (decided.containsKey(request.dedupeKey())) {
                toInsert.add(i); // the same key twice: the second is the first's replay (filled in below)
                continue;
            }
            Row row = rows[i];
            decided.put(request.dedupeKey(), i);
            toInsert.add(i);
            if (row.recipient == null) {
                suppress(row, "no-address");
                continue;
            }
            Optional<String> consent = consents.get(row.channel.name() + "|" + row.purpose.name())
                    .get(row.customerId);
            if (consent.isPresent()) {
                row.hash = null; // one by one, a refused consent is decided before the content is hashed
                suppress(row, consent.get());
                continue;
            }
            if (hashes.get(i).stream().anyMatch(h -> recent.contains(row.customerId + "|" + h))) {
                suppress(row, "duplicate");
                continue;
            }
            List<Planned> planned = capped.getOrDefault(row.customerId, List.of());
            Optional<String> cap = guards.cap(row.channel, row.purpose, row.plannedAt, row.zone, (on, from, to) ->
                    (int) planned.stream().filter(p -> on.map(c -> c.name().equals(p.channel())).orElse(true)
                            && !p.at().isBefore(from) && p.at().isBefore(to)).count());
            if (cap.isPresent()) {
                suppress(row, cap.get());
                continue;
            }
            row.status = "PENDING";
            row.held = row.plannedAt.isAfter(now) ? "quiet-hours" : null;
            recent.add(row.customerId + "|" + row.hash);
            if (row.purpose == Purpose.MARKETING) {
                capped.computeIfAbsent(row.customerId, c -> new ArrayList<>())
                        .add(new Planned(row.channel.name(), row.plannedAt));
            }
        }
        Map<String, SendOutcome> written = insert(toInsert.stream().filter(i -> decided.get(requests.get(i)
                .dedupeKey()).equals(i)).map(i -> rows[i]).toList());
        for (int i : toInsert) {
            SendOutcome outcome = written.get(requests.get(i).dedupeKey());
            result[i] = Queued.of(decided.get(requests.get(i).dedupeKey()) == i ? outcome
                    : new SendOutcome(outcome.outboxId(), outcome.status(), outcome.reason(), outcome.heldReason(),
                    outcome.plannedAt(), true));
        }
        return List.of(result);
    }

    /** A live marketing message of a customer: what the caps count. */
    private record Planned(String channel, Instant at) {}

    /** Customer and content hash ({@code id|hash}) of the live messages within the duplicate window, one query. */
    private Set<String> recentContent(Row[] rows, Map<Integer, List<String>> hashes, Instant now) {
        Set<String> recent = new HashSet<>();
        Set<Long> customers = new HashSet<>();
        Set<String> wanted = new HashSet<>();
        hashes.forEach((i, h) -> {
            customers.add(rows[i].customerId);
            wanted.addAll(h);
        });
        if (customers.isEmpty()) {
            return recent;
        }
        db.select(O_CUSTOMER, O_HASH, O_STATUS).from(OUTBOX).where(customerAmong(customers))
                .and(O_HASH.eq(DSL.any(wanted.toArray(String[]::new))))
                .and(O_PLANNED.gt(now.minus(settings.dedupeWindow()).atOffset(ZoneOffset.UTC)))
                .forEach(r -> {
                    if (SendGuards.LIVE.contains(r.get(O_STATUS))) {
                        recent.add(r.get(O_CUSTOMER) + "|" + r.get(O_HASH));
                    }
                });
        return recent;
    }

    /**
     * The outbox rows of these customers, through {@code channel_outbox_customer}: one array parameter
     * ({@code = any(?)}) rather than an {@code IN} list of up to a chunk's bind values (a short statement to render
     * and plan, one plan whatever the chunk's size). The guards' look-ups test the status in Java, not in SQL: most
     * rows are live, yet without statistics (a fresh table) the planner took a status condition for selective and
     * read every live row through {@code channel_outbox_due} — 45 ms on 20,000 rows instead of 0.5 ms.
     */
    private static Condition customerAmong(java.util.Collection<Long> customers) {
        return O_CUSTOMER.eq(DSL.any(customers.toArray(Long[]::new)));
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
                return suppressed(row, refused.get());
            }
        }
        row.status = "PENDING";
        return insert(List.of(row)).get(call.dedupeKey());
    }

    /** Delivers what is due now on this instance (the background dispatcher does the same every interval). */
    public int dispatchDue() {
        return dispatcher.dispatchDue();
    }

    public Optional<SendOutcome> find(String dedupeKey) {
        return Optional.ofNullable(find(List.of(dedupeKey)).get(dedupeKey));
    }

    /** The rows of these dedupe keys that exist, as replayed outcomes. */
    private Map<String, SendOutcome> find(List<String> dedupeKeys) {
        Map<String, SendOutcome> found = new HashMap<>();
        if (!dedupeKeys.isEmpty()) {
            db.select(OUTCOME).from(OUTBOX).where(O_DEDUPE.eq(DSL.any(dedupeKeys.toArray(String[]::new))))
                    .forEach(r -> found.put(r.get(O_DEDUPE), outcome(r, true)));
        }
        return found;
    }

    /** The columns an outcome is read from ({@link #outcome}). */
    private static final List<org.jooq.Field<?>> OUTCOME = List.of(O_ID, O_DEDUPE, O_STATUS, O_SUPPRESSION, O_HELD,
            O_PLANNED);

    private static SendOutcome outcome(Record r, boolean replayed) {
        return new SendOutcome(r.get(O_ID), r.get(O_STATUS), Optional.ofNullable(r.get(O_SUPPRESSION)),
                Optional.ofNullable(r.get(O_HELD)), r.get(O_PLANNED).toInstant(), replayed);
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

    private void suppress(Row row, String reason) {
        meters.counter("rapport.channel.suppressed", "reason", reason, "channel", row.channel.wire()).increment();
        row.plannedAt = row.now;
        row.status = "SUPPRESSED";
        row.reason = reason;
        row.held = null;
    }

    private SendOutcome suppressed(Row row, String reason) {
        suppress(row, reason);
        return insert(List.of(row)).get(row.request.dedupeKey());
    }

    /**
     * Writes the rows (unless their dedupe key exists meanwhile) and returns each key's outcome: {@code replayed}
     * when another transaction wrote it first. On PostgreSQL one statement of one array per column
     * ({@link ColumnArrays}), whose {@code RETURNING} gives
     * the outcomes of the rows written, so only keys written meanwhile are read back. On H2 one statement per row:
     * its emulation of {@code ON CONFLICT} (a {@code MERGE}) reports no keys, so the outcomes are read back.
     */
    private Map<String, SendOutcome> insert(List<Row> rows) {
        Map<String, SendOutcome> outcomes = new HashMap<>();
        boolean postgres = db.dialect().family() == org.jooq.SQLDialect.POSTGRES;
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<Row> part = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            Set<String> inserted = new HashSet<>();
            if (postgres) {
                db.insertInto(OUTBOX, COLUMNS).select(ColumnArrays.select(COLUMNS, part.stream().map(this::values)
                        .toList())).onConflict(O_DEDUPE).doNothing().returningResult(OUTCOME).fetch().forEach(r -> {
                    outcomes.put(r.get(O_DEDUPE), outcome(r, false));
                    inserted.add(r.get(O_DEDUPE));
                });
            } else {
                for (Row row : part) {
                    if (db.insertInto(OUTBOX, COLUMNS).values(values(row)).onConflict(O_DEDUPE).doNothing()
                            .execute() == 1) {
                        inserted.add(row.request.dedupeKey());
                    }
                }
            }
            find(part.stream().map(r -> r.request.dedupeKey()).filter(key -> !outcomes.containsKey(key)).toList())
                    .forEach((key, outcome) -> outcomes.put(key, inserted.contains(key) ? new SendOutcome(
                            outcome.outboxId(), outcome.status(), outcome.reason(), outcome.heldReason(),
                            outcome.plannedAt(), false) : outcome));
        }
        return outcomes;
    }

    /** The columns an outbox row is written with, in the order of {@link #values}. */
    private static final List<org.jooq.Field<?>> COLUMNS = List.of(O_DEDUPE, O_CUSTOMER, O_CHANNEL, O_PURPOSE,
            O_TEMPLATE, O_LANGUAGE, O_RECIPIENT, O_SUBJECT, O_BODY, O_HASH, O_ORIGIN, O_CONSENT_CHANNEL, O_STATUS,
            O_SUPPRESSION, O_HELD, O_PLANNED, O_ATTEMPTS, O_NEXT, O_CREATED);

    private List<?> values(Row row) {
        OffsetDateTime planned = row.plannedAt.atOffset(ZoneOffset.UTC);
        return java.util.Arrays.asList(row.request.dedupeKey(), row.customerId, row.channel.name(),
                row.purpose.name(), row.request.template(), row.language, protection.sealed(row.recipient),
                protection.sealed(row.subject), "SUPPRESSED".equals(row.status) ? null : protection.sealed(row.body),
                row.hash, row.request.origin(), row.consentChannel, row.status, row.reason, row.held, planned, 0,
                planned, row.now.atOffset(ZoneOffset.UTC));
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
        String status;
        String reason;
        ZoneId zone;
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
