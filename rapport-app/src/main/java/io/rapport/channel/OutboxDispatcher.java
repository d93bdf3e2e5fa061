package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.privacy.Purpose;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers due outbox rows. Each poll claims a batch in a short transaction — {@code FOR UPDATE SKIP LOCKED} on
 * PostgreSQL, a conditional update with a claim token on H2 — so any number of instances can poll the same table
 * and each row goes to exactly one of them. A claim is a lease: a row whose dispatcher died mid-send is claimed
 * again when the lease runs out (at-least-once; emails carry a stable Message-ID so receivers can drop the copy).
 * Failed attempts are retried after {@code backoff * 2^(attempt-1)} (capped at {@code maxBackoff}); after
 * {@code maxAttempts}, or at once for a permanent failure, the row is dead-lettered with its reason.
 *
 * <p>Each send happens while its row is locked ({@code SELECT … FOR UPDATE}, re-read under the lock), so it cannot
 * race an erasure of the customer ({@link ChannelPersonalData}): the erasure either commits first — the row is then
 * suppressed and blanked, and nothing is sent — or waits until this send is finished and blanks it afterwards. Consent
 * is asked again under the same lock. The price: a slow gateway holds one row lock for the length of its send (up to
 * the adapter's timeout), which an erasure of that very customer waits for.
 */
@Component
class OutboxDispatcher {

    private static final Logger log = LoggerFactory.getLogger(OutboxDispatcher.class);

    private final DSLContext db;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final ChannelProperties settings;
    private final SendGuards guards;
    private final MeterRegistry meters;
    private final OutboxProtection protection;
    private final Map<ChannelKind, ChannelAdapter> adapters = new EnumMap<>(ChannelKind.class);
    private final String instance = "d-" + UUID.randomUUID().toString().substring(0, 8);

    OutboxDispatcher(DSLContext db, Clock clock, TransactionTemplate transaction, ChannelProperties settings,
                     SendGuards guards, MeterRegistry meters, List<ChannelAdapter> adapters,
                     OutboxProtection protection) {
        this.db = db;
        this.protection = protection;
        this.clock = clock;
        this.transaction = transaction;
        this.settings = settings;
        this.guards = guards;
        this.meters = meters;
        for (ChannelAdapter adapter : adapters) {
            adapter.channels().forEach(kind -> this.adapters.put(kind, adapter));
        }
    }

    @Scheduled(fixedDelayString = "${rapport.channel.dispatch.interval:PT1S}",
            initialDelayString = "${rapport.channel.dispatch.interval:PT1S}")
    void poll() {
        if (!settings.dispatch().enabled()) {
            return;
        }
        try {
            dispatchDue();
        } catch (RuntimeException e) {
            log.warn("Outbox dispatch failed; retrying next interval: {}", e.toString());
        }
    }

    /** Claims and sends due rows until none is left; returns how many were attempted. */
    synchronized int dispatchDue() {
        int total = 0;
        while (true) {
            String token = instance + "-" + UUID.randomUUID().toString().substring(0, 8);
            List<Record> claimed = claim(token);
            for (Record row : claimed) {
                deliver(row, token);
            }
            total += claimed.size();
            if (claimed.size() < settings.dispatch().batchSize()) {
                return total;
            }
        }
    }

    private List<Record> claim(String token) {
        return transaction.execute(status -> {
            OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
            OffsetDateTime lease = now.plus(settings.dispatch().lease());
            Condition due = O_STATUS.eq("PENDING").and(O_NEXT.le(now))
                    .or(O_STATUS.eq("SENDING").and(O_LEASE.lt(now)));
            var candidates = db.select(O_ID).from(OUTBOX).where(due).orderBy(O_NEXT, O_ID)
                    .limit(settings.dispatch().batchSize());
            List<Long> ids = db.dialect().family() == SQLDialect.POSTGRES
                    ? candidates.forUpdate().skipLocked().fetch(O_ID)
                    : candidates.fetch(O_ID);
            if (ids.isEmpty()) {
                return List.<Record>of();
            }
            // the condition is repeated: on H2 another instance may have claimed a candidate since the select
            db.update(OUTBOX).set(O_STATUS, "SENDING").set(O_CLAIMED_BY, token).set(O_LEASE, lease)
                    .set(O_ATTEMPTS, O_ATTEMPTS.plus(1)).where(O_ID.in(ids)).and(due).execute();
            return List.copyOf(db.selectFrom(OUTBOX).where(O_CLAIMED_BY.eq(token)).and(O_STATUS.eq("SENDING"))
                    .orderBy(O_ID).fetch());
        });
    }

    private void deliver(Record claimed, String token) {
        transaction.executeWithoutResult(status -> {
            // under the row lock: an erasure that committed since the claim has suppressed and blanked the row
            Record row = db.selectFrom(OUTBOX).where(O_ID.eq(claimed.get(O_ID))).and(O_CLAIMED_BY.eq(token))
                    .and(O_STATUS.eq("SENDING")).forUpdate().fetchOne();
            if (row != null) {
                deliverLocked(row, token);
            }
        });
    }

    private void deliverLocked(Record row, String token) {
        long id = row.get(O_ID);
        ChannelKind channel = ChannelKind.valueOf(row.get(O_CHANNEL));
        Purpose purpose = Purpose.valueOf(row.get(O_PURPOSE));
        Long customerId = row.get(O_CUSTOMER);
        int attempt = row.get(O_ATTEMPTS);
        // consent can be withdrawn while a message waits (quiet hours, retries): ask again right before sending
        if (customerId != null) {
            Optional<String> consent = row.get(O_CONSENT_CHANNEL) != null
                    ? guards.consent(customerId, io.rapport.privacy.ContactChannel.valueOf(row.get(O_CONSENT_CHANNEL)),
                            purpose)
                    : guards.consent(customerId, channel, purpose);
            if (consent.isPresent()) {
                meters.counter("rapport.channel.suppressed", "reason", consent.get(), "channel", channel.wire())
                        .increment();
                finish(id, token, values(O_STATUS, "SUPPRESSED", O_SUPPRESSION, consent.get()));
                return;
            }
        }
        if (row.get(O_RECIPIENT) == null) {
            meters.counter("rapport.channel.suppressed", "reason", "no-address", "channel", channel.wire()).increment();
            finish(id, token, values(O_STATUS, "SUPPRESSED", O_SUPPRESSION, "no-address"));
            return;
        }
        ChannelAdapter adapter = adapters.get(channel);
        // decrypted only here, under the row lock, for the adapter
        OutboundMessage message = new OutboundMessage(id, row.get(O_DEDUPE), channel, purpose,
                Optional.ofNullable(customerId), protection.opened(row.get(O_RECIPIENT)),
                Optional.ofNullable(protection.opened(row.get(O_SUBJECT))), protection.opened(row.get(O_BODY)),
                row.get(O_LANGUAGE), row.get(O_TEMPLATE), attempt);
        try {
            if (adapter == null) {
                throw SendFailure.permanent("no adapter for channel " + channel.wire());
            }
            Optional<String> providerId = adapter.send(message);
            meters.counter("rapport.channel.sent", "channel", channel.wire()).increment();
            finish(id, token, values(O_STATUS, "SENT", O_SENT, now(), O_PROVIDER_ID, providerId.orElse(null),
                    O_LAST_ERROR, null));
        } catch (SendFailure failure) {
            String error = truncate(failure.getMessage());
            if (failure.permanent() || attempt >= settings.dispatch().maxAttempts()) {
                String reason = failure.permanent() ? "refused: " + error
                        : "gave up after " + attempt + " attempts: " + error;
                meters.counter("rapport.channel.dead", "channel", channel.wire()).increment();
                log.warn("Message {} dead-lettered: {}", id, reason);
                finish(id, token, values(O_STATUS, "DEAD", O_LAST_ERROR, error, O_DEAD_REASON, truncate(reason)));
            } else {
                Duration wait = backoff(attempt);
                meters.counter("rapport.channel.retried", "channel", channel.wire()).increment();
                finish(id, token, values(O_STATUS, "PENDING", O_LAST_ERROR, error,
                        O_NEXT, clock.instant().plus(wait).atOffset(ZoneOffset.UTC)));
            }
        } catch (RuntimeException unexpected) {
            String error = truncate(unexpected.toString());
            finish(id, token, values(O_STATUS, "PENDING", O_LAST_ERROR, error,
                    O_NEXT, clock.instant().plus(backoff(attempt)).atOffset(ZoneOffset.UTC)));
        }
    }

    /** {@code backoff * 2^(attempt-1)}, at most {@code maxBackoff}. */
    Duration backoff(int attempt) {
        Duration base = settings.dispatch().backoff();
        Duration max = settings.dispatch().maxBackoff();
        Duration wait = base;
        for (int i = 1; i < attempt && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    /** Writes the outcome only if this dispatcher still holds the claim (a lease taken over is left alone). */
    private void finish(long id, String token, Map<org.jooq.Field<?>, Object> outcome) {
        Map<org.jooq.Field<?>, Object> values = new java.util.LinkedHashMap<>(outcome);
        values.put(O_CLAIMED_BY, null);
        values.put(O_LEASE, null);
        db.update(OUTBOX).set(values).where(O_ID.eq(id)).and(O_CLAIMED_BY.eq(token)).execute();
    }

    private static Map<org.jooq.Field<?>, Object> values(Object... pairs) {
        Map<org.jooq.Field<?>, Object> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put((org.jooq.Field<?>) pairs[i], pairs[i + 1]);
        }
        return values;
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String s) {
        return s == null ? null : s.length() > 1900 ? s.substring(0, 1900) : s;
    }
}
