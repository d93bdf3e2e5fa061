package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.rapport.privacy.Purpose;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Query;
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
 * <p>A claimed batch is sent in groups of {@code concurrency} rows. Each group is one transaction: its rows are
 * locked ({@code SELECT … FOR UPDATE} in id order, re-read under the lock), consent is asked again, the messages are
 * sent — gateway requests concurrently, emails one after the other over the SMTP connection the batch keeps open —
 * and every outcome is written with one JDBC batch before the locks go. So a send cannot race an erasure of the
 * customer ({@link ChannelPersonalData}): the erasure either commits first — the row is then suppressed and blanked,
 * and nothing is sent — or waits until the group is finished and blanks it afterwards. The price: a slow gateway
 * holds its group's row locks for the length of the slowest send (up to the adapter's timeout), which an erasure of
 * one of those customers waits for. One message failing does not hold back the others of its group: it is retried
 * alone, after its backoff.
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
            List<Long> claimed = claim(token);
            deliver(claimed, token);
            total += claimed.size();
            if (claimed.size() < settings.dispatch().batchSize()) {
                return total;
            }
        }
    }

    private List<Long> claim(String token) {
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
                return List.<Long>of();
            }
            // the condition is repeated: on H2 another instance may have claimed a candidate since the select
            db.update(OUTBOX).set(O_STATUS, "SENDING").set(O_CLAIMED_BY, token).set(O_LEASE, lease)
                    .set(O_ATTEMPTS, O_ATTEMPTS.plus(1)).where(O_ID.in(ids)).and(due).execute();
            return List.copyOf(db.select(O_ID).from(OUTBOX).where(O_CLAIMED_BY.eq(token))
                    .and(O_STATUS.eq("SENDING")).orderBy(O_ID).fetch(O_ID));
        });
    }

    /**
     * Sends a claimed batch in groups of {@code concurrency} rows, one transaction per group. Each adapter opens one
     * sender for the whole batch (one SMTP connection), closed when the batch is done.
     */
    private void deliver(List<Long> claimed, String token) {
        Map<ChannelAdapter, ChannelAdapter.Sender> senders = new IdentityHashMap<>();
        try {
            int group = Math.max(1, settings.dispatch().concurrency());
            for (int from = 0; from < claimed.size(); from += group) {
                List<Long> ids = claimed.subList(from, Math.min(claimed.size(), from + group));
                transaction.executeWithoutResult(status -> deliverLocked(ids, token, senders));
            }
        } finally {
            senders.values().forEach(ChannelAdapter.Sender::close);
        }
    }

    private void deliverLocked(List<Long> ids, String token, Map<ChannelAdapter, ChannelAdapter.Sender> senders) {
        // under the row locks, taken in id order as an erasure takes them (no deadlock between the two): an erasure
        // that committed since the claim has suppressed and blanked its rows, which are then no longer ours
        List<? extends Record> rows = db.selectFrom(OUTBOX).where(O_ID.in(ids)).and(O_CLAIMED_BY.eq(token))
                .and(O_STATUS.eq("SENDING")).orderBy(O_ID).forUpdate().fetch();
        List<Query> outcomes = new ArrayList<>(rows.size());
        Map<ChannelAdapter, List<OutboundMessage>> toSend = new IdentityHashMap<>();
        for (Record row : rows) {
            long id = row.get(O_ID);
            ChannelKind channel = ChannelKind.valueOf(row.get(O_CHANNEL));
            Purpose purpose = Purpose.valueOf(row.get(O_PURPOSE));
            Long customerId = row.get(O_CUSTOMER);
            Optional<String> suppressed = suppression(row, channel, purpose, customerId);
            if (suppressed.isPresent()) {
                meters.counter("rapport.channel.suppressed", "reason", suppressed.get(), "channel", channel.wire())
                        .increment();
                outcomes.add(finish(id, token, values(O_STATUS, "SUPPRESSED", O_SUPPRESSION, suppressed.get())));
                continue;
            }
            // decrypted only here, under the row lock, for the adapter
            OutboundMessage message = new OutboundMessage(id, row.get(O_DEDUPE), channel, purpose,
                    Optional.ofNullable(customerId), protection.opened(row.get(O_RECIPIENT)),
                    Optional.ofNullable(protection.opened(row.get(O_SUBJECT))), protection.opened(row.get(O_BODY)),
                    row.get(O_LANGUAGE), row.get(O_TEMPLATE), row.get(O_ATTEMPTS));
            ChannelAdapter adapter = adapters.get(channel);
            if (adapter == null) {
                outcomes.add(outcome(message, SendAttempt.failed(
                        SendFailure.permanent("no adapter for channel " + channel.wire())), token));
            } else {
                toSend.computeIfAbsent(adapter, a -> new ArrayList<>()).add(message);
            }
        }
        toSend.forEach((adapter, messages) -> {
            List<SendAttempt> attempts = senders.computeIfAbsent(adapter, ChannelAdapter::sender).send(messages);
            for (int i = 0; i < messages.size(); i++) {
                outcomes.add(outcome(messages.get(i), attempts.get(i), token));
            }
        });
        if (!outcomes.isEmpty()) {
            db.batch(outcomes).execute();
        }
    }

    /**
     * Why the row is not sent after all: consent, which can be withdrawn while a message waits (quiet hours,
     * retries), is asked again right before sending; a row without address (blanked) goes nowhere.
     */
    private Optional<String> suppression(Record row, ChannelKind channel, Purpose purpose, Long customerId) {
        if (customerId != null) {
            Optional<String> consent = row.get(O_CONSENT_CHANNEL) != null
                    ? guards.consent(customerId, io.rapport.privacy.ContactChannel.valueOf(row.get(O_CONSENT_CHANNEL)),
                            purpose)
                    : guards.consent(customerId, channel, purpose);
            if (consent.isPresent()) {
                return consent;
            }
        }
        return row.get(O_RECIPIENT) == null ? Optional.of("no-address") : Optional.empty();
    }

    /** The update that records one attempt: sent, retried after the backoff, or dead. */
    private Query outcome(OutboundMessage message, SendAttempt attempt, String token) {
        long id = message.outboxId();
        String channel = message.channel().wire();
        int attempts = message.attempt();
        if (attempt.failure().isEmpty()) {
            meters.counter("rapport.channel.sent", "channel", channel).increment();
            return finish(id, token, values(O_STATUS, "SENT", O_SENT, now(), O_PROVIDER_ID,
                    attempt.providerId().orElse(null), O_LAST_ERROR, null));
        }
        SendFailure failure = attempt.failure().get();
        String error = truncate(failure.getMessage());
        if (failure.permanent() || attempts >= settings.dispatch().maxAttempts()) {
            String reason = failure.permanent() ? "refused: " + error
                    : "gave up after " + attempts + " attempts: " + error;
            meters.counter("rapport.channel.dead", "channel", channel).increment();
            log.warn("Message {} dead-lettered: {}", id, reason);
            return finish(id, token, values(O_STATUS, "DEAD", O_LAST_ERROR, error, O_DEAD_REASON, truncate(reason)));
        }
        meters.counter("rapport.channel.retried", "channel", channel).increment();
        return finish(id, token, values(O_STATUS, "PENDING", O_LAST_ERROR, error,
                O_NEXT, clock.instant().plus(backoff(attempts)).atOffset(ZoneOffset.UTC)));
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
    private Query finish(long id, String token, Map<org.jooq.Field<?>, Object> outcome) {
        Map<org.jooq.Field<?>, Object> values = new java.util.LinkedHashMap<>(outcome);
        values.put(O_CLAIMED_BY, null);
        values.put(O_LEASE, null);
        return db.update(OUTBOX).set(values).where(O_ID.eq(id)).and(O_CLAIMED_BY.eq(token));
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
