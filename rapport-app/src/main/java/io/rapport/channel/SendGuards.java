package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.rapport.privacy.ContactDecision;
import io.rapport.privacy.ContactPolicy;
import io.rapport.privacy.Purpose;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The rules every send passes: consent for purpose and channel, quiet hours in the customer's time zone, and
 * frequency caps. Service messages skip quiet hours and caps; a webhook (no customer contact) skips all three.
 */
@Component
class SendGuards {

    /** Statuses that count as "a message the customer gets" for caps and duplicate checks. */
    static final List<String> LIVE = List.of("PENDING", "SENDING", "SENT");

    private final ObjectProvider<ContactPolicy> policy;
    private final ChannelProperties settings;
    private final DSLContext db;

    SendGuards(ObjectProvider<ContactPolicy> policy, ChannelProperties settings, DSLContext db) {
        this.policy = policy;
        this.settings = settings;
        this.db = db;
    }

    /**
     * Consent from the privacy module's {@link ContactPolicy}. Without a consent ledger in this server nobody may be
     * contacted: a missing policy denies with {@code no-consent-ledger} rather than sending blindly.
     */
    Optional<String> consent(long customerId, ChannelKind channel, Purpose purpose) {
        if (channel.contactChannel().isEmpty()) {
            return Optional.empty();
        }
        return consent(customerId, channel.contactChannel().get(), purpose);
    }

    /** {@link #consent(long, ChannelKind, Purpose)} for many customers, with one question to the consent ledger. */
    java.util.Map<Long, Optional<String>> consent(java.util.Collection<Long> customerIds, ChannelKind channel,
                                                  Purpose purpose) {
        java.util.Map<Long, Optional<String>> refusals = new java.util.HashMap<>();
        ContactPolicy contactPolicy = policy.getIfAvailable();
        if (channel.contactChannel().isPresent() && contactPolicy != null) {
            contactPolicy.may(customerIds, purpose, channel.contactChannel().get()).forEach((id, decision) ->
                    refusals.put(id, decision.allowed() ? Optional.empty()
                            : Optional.of(decision.reason().orElse("no-consent"))));
        }
        customerIds.forEach(id -> refusals.computeIfAbsent(id, c -> consent(c, channel, purpose)));
        return refusals;
    }

    /** Consent for the purpose on a contact channel (also one no message channel stands for: a phone call). */
    Optional<String> consent(long customerId, io.rapport.privacy.ContactChannel channel, Purpose purpose) {
        ContactPolicy contactPolicy = policy.getIfAvailable();
        if (contactPolicy == null) {
            return Optional.of("no-consent-ledger");
        }
        ContactDecision decision = contactPolicy.may(customerId, purpose, channel);
        return decision.allowed() ? Optional.empty() : Optional.of(decision.reason().orElse("no-consent"));
    }

    /** When a message planned for {@code now} may go out: now, or the end of the customer's quiet hours. */
    Instant releaseTime(Instant now, ZoneId zone, ChannelKind channel, Purpose purpose) {
        if (!settings.quietHours().enabled() || purpose != Purpose.MARKETING || channel == ChannelKind.WEBHOOK) {
            return now;
        }
        LocalTime start = settings.quietHours().start();
        LocalTime end = settings.quietHours().end();
        LocalDateTime local = LocalDateTime.ofInstant(now, zone);
        LocalTime t = local.toLocalTime();
        boolean overMidnight = start.isAfter(end);
        boolean quiet = overMidnight ? !t.isBefore(start) || t.isBefore(end) : !t.isBefore(start) && t.isBefore(end);
        if (!quiet) {
            return now;
        }
        LocalDate endDay = overMidnight && !t.isBefore(start) ? local.toLocalDate().plusDays(1) : local.toLocalDate();
        return ZonedDateTime.of(endDay, end, zone).toInstant();
    }

    /**
     * How many of the customer's live marketing messages are planned in [{@code from}, {@code to}): on every channel
     * ({@code channel} empty) or on one.
     */
    interface CapCounter {
        int count(Optional<ChannelKind> channel, Instant from, Instant to);
    }

    /** The first cap a marketing message planned at {@code plannedAt} would break, as a suppression reason. */
    Optional<String> cap(long customerId, ChannelKind channel, Purpose purpose, Instant plannedAt, ZoneId zone) {
        Condition mine = O_CUSTOMER.eq(customerId).and(O_STATUS.in(LIVE)).and(O_PURPOSE.eq(Purpose.MARKETING.name()));
        return cap(channel, purpose, plannedAt, zone, (on, from, to) ->
                count(on.map(c -> mine.and(O_CHANNEL.eq(c.name()))).orElse(mine), from, to));
    }

    /** The caps' rule with the customer's messages counted by {@code counter} (a chunk's, counted in memory). */
    Optional<String> cap(ChannelKind channel, Purpose purpose, Instant plannedAt, ZoneId zone, CapCounter counter) {
        if (purpose != Purpose.MARKETING || channel == ChannelKind.WEBHOOK) {
            return Optional.empty();
        }
        LocalDate day = LocalDate.ofInstant(plannedAt, zone);
        Instant dayStart = day.atStartOfDay(zone).toInstant();
        Instant dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        Instant weekStart = monday.atStartOfDay(zone).toInstant();
        Instant weekEnd = monday.plusWeeks(1).atStartOfDay(zone).toInstant();
        var caps = settings.caps();
        if (counter.count(Optional.empty(), dayStart, dayEnd) >= caps.perDay()) {
            return Optional.of("frequency-cap-day");
        }
        if (counter.count(Optional.empty(), weekStart, weekEnd) >= caps.perWeek()) {
            return Optional.of("frequency-cap-week");
        }
        ChannelProperties.Cap channelCap = caps.perChannel().get(channel.wire());
        if (channelCap != null) {
            if (counter.count(Optional.of(channel), dayStart, dayEnd) >= channelCap.perDay()) {
                return Optional.of("channel-cap-day");
            }
            if (counter.count(Optional.of(channel), weekStart, weekEnd) >= channelCap.perWeek()) {
                return Optional.of("channel-cap-week");
            }
        }
        return Optional.empty();
    }

    /** The earliest start and latest end of the windows {@link #cap} counts in, for a message planned then. */
    static Instant[] capWindow(Instant plannedAt, ZoneId zone) {
        LocalDate monday = LocalDate.ofInstant(plannedAt, zone).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return new Instant[] {monday.atStartOfDay(zone).toInstant(), monday.plusWeeks(1).atStartOfDay(zone).toInstant()};
    }

    private int count(Condition condition, Instant from, Instant to) {
        return db.fetchCount(OUTBOX, condition.and(O_PLANNED.ge(from.atOffset(ZoneOffset.UTC)))
                .and(O_PLANNED.lt(to.atOffset(ZoneOffset.UTC))));
    }
}
