package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Engagement reported back by gateways (delivered, opened, clicked, bounced, unsubscribed, failed), kept in the
 * channel's own table {@code channel_event} — not the ingest event path, because these facts belong to an outbox
 * row rather than to a customer's behaviour stream — and published as {@link MessageEngagement}. Idempotent per
 * (provider, provider event id): a gateway may repeat its callbacks freely.
 */
@Service
public class MessageEvents {

    private final DSLContext db;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    MessageEvents(DSLContext db, Clock clock, ApplicationEventPublisher events) {
        this.db = db;
        this.clock = clock;
        this.events = events;
    }

    /** One reported event; the message is named by {@code outboxId} or by its dedupe key ({@code messageId}). */
    public record Reported(String eventId, Long outboxId, String messageId, String kind, Instant occurredAt,
                           String detail) {}

    /** How a batch went: stored, already known (replayed), rejected with the item index and reason. */
    public record Result(int stored, int replayed, List<Map<String, Object>> rejected) {}

    @Transactional
    public Result record(String provider, List<Reported> reported) {
        if (provider == null || !provider.matches("[A-Za-z0-9_.-]{1,60}")) {
            throw RapportException.badRequest("invalid-provider", "provider",
                    "Provider '" + provider + "' must be 1-60 letters, digits, '_', '.' or '-'");
        }
        int stored = 0;
        int replayed = 0;
        List<Map<String, Object>> rejected = new ArrayList<>();
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        for (int i = 0; i < reported.size(); i++) {
            Reported r = reported.get(i);
            Optional<String> problem = problem(r);
            Optional<Record> message = problem.isPresent() ? Optional.empty() : message(r);
            if (problem.isEmpty() && message.isEmpty()) {
                problem = Optional.of("no message with " + (r.outboxId() != null ? "outboxId " + r.outboxId()
                        : "messageId '" + r.messageId() + "'"));
            }
            if (problem.isPresent()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("index", i);
                item.put("eventId", r.eventId());
                item.put("message", problem.get());
                rejected.add(item);
                continue;
            }
            Record m = message.get();
            int inserted = db.insertInto(EVENT).set(E_PROVIDER, provider).set(E_PROVIDER_ID, r.eventId())
                    .set(E_OUTBOX, m.get(O_ID)).set(E_CUSTOMER, m.get(O_CUSTOMER)).set(E_KIND, r.kind())
                    .set(E_DETAIL, r.detail() == null ? null : r.detail().length() > 2000
                            ? r.detail().substring(0, 2000) : r.detail())
                    .set(E_OCCURRED, (r.occurredAt() == null ? now.toInstant() : r.occurredAt())
                            .atOffset(ZoneOffset.UTC))
                    .set(E_RECEIVED, now).onConflict(E_PROVIDER, E_PROVIDER_ID).doNothing().execute();
            if (inserted == 0) {
                replayed++;
                continue;
            }
            stored++;
            long eventId = db.select(E_ID).from(EVENT).where(E_PROVIDER.eq(provider))
                    .and(E_PROVIDER_ID.eq(r.eventId())).fetchOne(E_ID);
            events.publishEvent(new MessageEngagement(eventId, m.get(O_ID), Optional.ofNullable(m.get(O_CUSTOMER)),
                    ChannelKind.valueOf(m.get(O_CHANNEL)), r.kind(), m.get(O_DEDUPE), m.get(O_ORIGIN),
                    r.occurredAt() == null ? now.toInstant() : r.occurredAt()));
        }
        return new Result(stored, replayed, rejected);
    }

    private static Optional<String> problem(Reported r) {
        if (r.eventId() == null || r.eventId().isBlank() || r.eventId().length() > 200) {
            return Optional.of("eventId is required (1-200 characters)");
        }
        if (r.kind() == null || !MessageEngagement.KINDS.contains(r.kind())) {
            return Optional.of("kind '" + r.kind() + "' is not one of " + MessageEngagement.KINDS);
        }
        if (r.outboxId() == null && (r.messageId() == null || r.messageId().isBlank())) {
            return Optional.of("outboxId or messageId is required");
        }
        return Optional.empty();
    }

    private Optional<Record> message(Reported r) {
        var query = db.select(O_ID, O_CUSTOMER, O_CHANNEL, O_DEDUPE, O_ORIGIN).from(OUTBOX);
        return r.outboxId() != null ? query.where(O_ID.eq(r.outboxId())).fetchOptional().map(x -> (Record) x)
                : query.where(O_DEDUPE.eq(r.messageId())).fetchOptional().map(x -> (Record) x);
    }
}
