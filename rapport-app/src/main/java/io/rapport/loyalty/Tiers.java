package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.scoring.CustomerScores;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tiers: qualification by spend (or qualifying points) over a rolling 12 months or the calendar year, upgrade as soon
 * as a threshold is reached, downgrade only at the review date and after the grace period. Other modules read a
 * member's tier and perks here (the service desk's SLA reads {@link Perks#priorityService()}).
 */
@Service
public class Tiers {

    static final int PAGE = 5_000;

    private final DSLContext db;
    private final Clock clock;
    private final Programme programme;
    private final CustomerScores scores;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final org.springframework.transaction.support.TransactionTemplate transaction;

    Tiers(DSLContext db, Clock clock, Programme programme, CustomerScores scores,
          org.springframework.context.ApplicationEventPublisher events,
          org.springframework.transaction.support.TransactionTemplate transaction) {
        this.transaction = transaction;
        this.db = db;
        this.clock = clock;
        this.programme = programme;
        this.scores = scores;
        this.events = events;
    }

    /** What a tier gives. */
    public record Perks(java.math.BigDecimal multiplier, Optional<String> birthdayGift, List<String> freeServices,
                        boolean priorityService) {}

    /** A member's tier with its perks, and how far they are from the next tier. */
    public record MemberTier(long customerId, String tier, Perks perks, BigDecimal qualifyingValue,
                             Optional<String> nextTier, Optional<BigDecimal> toNextTier, LocalDate reviewOn,
                             Optional<LocalDate> graceUntil) {}

    /** The member's tier and perks; empty for a customer who is not a member. */
    public Optional<MemberTier> of(long customerId) {
        Record r = db.select(M_TIER, M_REVIEW, M_GRACE).from(MEMBER).where(M_CUSTOMER.eq(customerId)).fetchOne();
        if (r == null) {
            return Optional.empty();
        }
        ProgrammeSettings settings = programme.settings();
        ProgrammeSettings.Tier tier = settings.tier(r.get(M_TIER)).orElse(settings.lowestTier());
        BigDecimal value = qualifyingValue(customerId, today());
        int rank = settings.rank(tier.code());
        Optional<ProgrammeSettings.Tier> next = rank + 1 < settings.tiers().size()
                ? Optional.of(settings.tiers().get(rank + 1)) : Optional.empty();
        return Optional.of(new MemberTier(customerId, tier.code(), perks(tier), value, next.map(ProgrammeSettings.Tier::code),
                next.map(t -> t.threshold().subtract(value).max(BigDecimal.ZERO)), r.get(M_REVIEW),
                Optional.ofNullable(r.get(M_GRACE))));
    }

    static Perks perks(ProgrammeSettings.Tier tier) {
        return new Perks(tier.multiplier(), Optional.ofNullable(tier.birthdayGift()), tier.freeServices(),
                tier.priorityService());
    }

    LocalDate today() {
        return LocalDate.now(clock.withZone(programme.brandZone()));
    }

    /** Adds spend and qualifying points to the member's month (negative on returns). Caller holds the member lock. */
    void addQualifying(long customerId, LocalDate day, BigDecimal spend, long points) {
        LocalDate month = day.withDayOfMonth(1);
        int updated = db.update(QUALIFYING).set(Q_SPEND, Q_SPEND.plus(spend)).set(Q_POINTS, Q_POINTS.plus(points))
                .where(Q_CUSTOMER.eq(customerId)).and(Q_MONTH.eq(month)).execute();
        if (updated == 0) {
            db.insertInto(QUALIFYING, Q_CUSTOMER, Q_MONTH, Q_SPEND, Q_POINTS).values(customerId, month, spend, points)
                    .execute();
        }
    }

    /** Spend or qualifying points in the qualification window that ends with {@code today}'s month. */
    BigDecimal qualifyingValue(long customerId, LocalDate today) {
        ProgrammeSettings settings = programme.settings();
        Field<BigDecimal> measure = measure(settings);
        BigDecimal value = db.select(DSL.sum(measure)).from(QUALIFYING).where(Q_CUSTOMER.eq(customerId))
                .and(Q_MONTH.ge(settings.windowStart(today))).and(Q_MONTH.le(today))
                .fetchOne(0, BigDecimal.class);
        return value == null ? BigDecimal.ZERO : value;
    }

    private static Field<BigDecimal> measure(ProgrammeSettings settings) {
        return settings.basis() == ProgrammeSettings.Basis.SPEND ? Q_SPEND : Q_POINTS.cast(BigDecimal.class);
    }

    /**
     * Upgrades at once when the member's qualifying value now reaches a higher tier. (Predicted value changes only with
     * a scoring run, so it is applied after each run and at the re-evaluation, not per order.)
     */
    void upgradeIfQualified(PointsLedger.Locked m) {
        ProgrammeSettings settings = programme.settings();
        LocalDate today = today();
        ProgrammeSettings.Tier target = settings.tierFor(qualifyingValue(m.customerId, today));
        if (settings.rank(target.code()) > settings.rank(m.tier)) {
            change(m.customerId, m.tier, target.code(), "up",
                    "qualifying value reached " + target.threshold().toPlainString(), settings.nextReview(today));
            m.tier = target.code();
        }
    }

    /** Why a member moved up because of the scoring engine's prediction (the tier history's reason). */
    static final String PREDICTED_VALUE = "predicted value";

    /**
     * The predicted lifetime value from which members qualify for the predicted-value tier, under the current scores:
     * the start of the top {@code topPercent} %, or the floor when that is higher. Empty when the rule is off or no
     * customer has a prediction.
     */
    private java.util.OptionalDouble predictedCut(ProgrammeSettings settings) {
        ProgrammeSettings.PredictedValue rule = settings.predictedValue();
        if (!rule.enabled()) {
            return java.util.OptionalDouble.empty();
        }
        java.util.OptionalDouble top = scores.lifetimeValueOfTop(rule.topPercent());
        return top.isPresent()
                ? java.util.OptionalDouble.of(Math.max(top.getAsDouble(), rule.minimumLifetimeValue().doubleValue()))
                : top;
    }

    /**
     * After a scoring run the new top of the predicted lifetime values moves up at once (nobody moves down: that waits
     * for the member's review date). A failure is logged and left to the nightly re-evaluation, never the run's.
     */
    @org.springframework.context.event.EventListener
    void scoresRefreshed(io.rapport.scoring.ScoresRefreshed refreshed) {
        if (!programme.settings().predictedValue().enabled()) {
            return;
        }
        try {
            transaction.execute(status -> evaluate(today(), false));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Tiers.class)
                    .warn("predicted-value upgrades after scoring run {} failed", refreshed.runId(), e);
        }
    }

    private void change(long customerId, String from, String to, String direction, String reason, LocalDate review) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        db.update(MEMBER).set(M_TIER, to).set(M_TIER_SINCE, now).set(M_REVIEW, review)
                .set(M_GRACE, (LocalDate) null).where(M_CUSTOMER.eq(customerId)).execute();
        db.insertInto(TIER_CHANGE, TC_CUSTOMER, TC_FROM, TC_TO, TC_DIRECTION, TC_REASON, TC_AT)
                .values(customerId, from, to, direction, reason, now).execute();
        events.publishEvent(new TierChanged(customerId, from, to, direction, reason));
    }

    /** Counts of one re-evaluation. */
    public record Review(long members, long upgraded, long downgraded, long graceStarted, long extended) {}

    /**
     * Re-evaluates every member as of {@code today}: upgrades whoever qualifies higher; at the review date a member who
     * still qualifies keeps the tier for another period, one who does not enters the grace period, and one whose grace
     * has ended moves to the tier they qualify for. Set-based: pages of members with their window sums, batched writes.
     */
    @Transactional
    public Review reevaluate(LocalDate today) {
        return evaluate(today, true);
    }

    /** The re-evaluation; without {@code reviews} only upgrades (after a scoring run). */
    private Review evaluate(LocalDate today, boolean reviews) {
        ProgrammeSettings settings = programme.settings();
        java.util.OptionalDouble cut = predictedCut(settings);
        Optional<ProgrammeSettings.Tier> predictedTier = cut.isPresent()
                ? settings.tier(settings.predictedValue().tier()) : Optional.empty();
        Field<BigDecimal> measure = measure(settings);
        long after = Long.MIN_VALUE;
        long members = 0;
        long upgraded = 0;
        long downgraded = 0;
        long grace = 0;
        long extended = 0;
        OffsetDateTime now = OffsetDateTime.now(clock);
        while (true) {
            var rows = db.select(M_CUSTOMER, M_TIER, M_REVIEW, M_GRACE).from(MEMBER)
                    .where(M_CUSTOMER.gt(after)).orderBy(M_CUSTOMER).limit(PAGE).fetch();
            if (rows.isEmpty()) {
                break;
            }
            // the window sums of this page's members only: a range of the primary key, not the whole table
            java.util.Map<Long, BigDecimal> values = new java.util.HashMap<>();
            db.select(Q_CUSTOMER, DSL.sum(measure)).from(QUALIFYING)
                    .where(Q_CUSTOMER.between(rows.getFirst().get(M_CUSTOMER), rows.getLast().get(M_CUSTOMER)))
                    .and(Q_MONTH.ge(settings.windowStart(today))).and(Q_MONTH.le(today)).groupBy(Q_CUSTOMER)
                    .forEach(r -> values.put(r.value1(), r.value2()));
            java.util.Set<Long> predictedTop = predictedTier.isPresent() ? scores.withLifetimeValueAtLeast(
                    cut.getAsDouble(), rows.getFirst().get(M_CUSTOMER), rows.getLast().get(M_CUSTOMER))
                    : java.util.Set.of();
            List<TierChanged> moved = new ArrayList<>();
            // members whose row gets the same new values are updated by one statement per page
            java.util.Map<String, List<Long>> moveTo = new java.util.TreeMap<>();
            List<Long> extend = new ArrayList<>();
            List<Long> startGrace = new ArrayList<>();
            var changes = db.insertInto(TIER_CHANGE, TC_CUSTOMER, TC_FROM, TC_TO, TC_DIRECTION, TC_REASON, TC_AT);
            for (Record r : rows) {
                members++;
                long id = r.get(M_CUSTOMER);
                after = id;
                String tier = r.get(M_TIER);
                BigDecimal value = values.getOrDefault(id, BigDecimal.ZERO);
                ProgrammeSettings.Tier qualified = settings.tierFor(value);
                String upReason = "re-evaluation";
                if (predictedTop.contains(id)
                        && settings.rank(predictedTier.get().code()) > settings.rank(qualified.code())) {
                    qualified = predictedTier.get();
                    upReason = PREDICTED_VALUE;
                }
                int have = settings.rank(tier);
                int earned = settings.rank(qualified.code());
                LocalDate review = r.get(M_REVIEW);
                LocalDate graceUntil = r.get(M_GRACE);
                if (earned > have) {
                    moveTo.computeIfAbsent(qualified.code(), t -> new ArrayList<>()).add(id);
                    changes = changes.values(id, tier, qualified.code(), "up", upReason, now);
                    moved.add(new TierChanged(id, tier, qualified.code(), "up", upReason));
                    upgraded++;
                } else if (!reviews || review.isAfter(today)) {
                    continue;
                } else if (earned == have) {
                    extend.add(id);
                    extended++;
                } else if (graceUntil == null && settings.graceDays() > 0) {
                    startGrace.add(id);
                    grace++;
                } else if (graceUntil == null || !graceUntil.isAfter(today)) {
                    moveTo.computeIfAbsent(qualified.code(), t -> new ArrayList<>()).add(id);
                    changes = changes.values(id, tier, qualified.code(), "down", "review date passed", now);
                    moved.add(new TierChanged(id, tier, qualified.code(), "down", "review date passed"));
                    downgraded++;
                }
            }
            LocalDate nextReview = settings.nextReview(today);
            moveTo.forEach((tier, ids) -> db.update(MEMBER).set(M_TIER, tier).set(M_TIER_SINCE, now)
                    .set(M_REVIEW, nextReview).set(M_GRACE, (LocalDate) null).where(M_CUSTOMER.in(ids)).execute());
            if (!extend.isEmpty()) {
                db.update(MEMBER).set(M_REVIEW, nextReview).set(M_GRACE, (LocalDate) null)
                        .where(M_CUSTOMER.in(extend)).execute();
            }
            if (!startGrace.isEmpty()) {
                db.update(MEMBER).set(M_GRACE, today.plusDays(settings.graceDays())).where(M_CUSTOMER.in(startGrace))
                        .execute();
            }
            if (!moved.isEmpty()) {
                changes.execute();
            }
            moved.forEach(events::publishEvent);
        }
        return new Review(members, upgraded, downgraded, grace, extended);
    }

    /** One move of a member's tier, with its reason (e.g. {@value #PREDICTED_VALUE}). */
    public record Move(String from, String to, String direction, String reason, OffsetDateTime at) {}

    /** The member's tier moves, newest first. */
    public List<Move> history(long customerId) {
        return db.select(TC_FROM, TC_TO, TC_DIRECTION, TC_REASON, TC_AT).from(TIER_CHANGE)
                .where(TC_CUSTOMER.eq(customerId)).orderBy(TC_AT.desc(), TC_ID.desc())
                .fetch(r -> new Move(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }

    /** Members per tier now. */
    public java.util.Map<String, Long> distribution() {
        java.util.Map<String, Long> result = new java.util.LinkedHashMap<>();
        programme.settings().tiers().forEach(t -> result.put(t.code(), 0L));
        db.select(M_TIER, DSL.count()).from(MEMBER).groupBy(M_TIER)
                .forEach(r -> result.put(r.value1(), r.value2().longValue()));
        return result;
    }

    /** Upgrades and downgrades per month (brand time zone), oldest first, over the last {@code months} months. */
    public List<Movement> movements(int months) {
        LocalDate from = today().withDayOfMonth(1).minusMonths(months - 1L);
        var at = db.select(TC_AT, TC_DIRECTION).from(TIER_CHANGE)
                .where(TC_AT.ge(from.atStartOfDay(programme.brandZone()).toOffsetDateTime())).fetch();
        java.util.Map<java.time.YearMonth, long[]> counts = new java.util.TreeMap<>();
        for (int i = 0; i < months; i++) {
            counts.put(java.time.YearMonth.from(from.plusMonths(i)), new long[2]);
        }
        for (Record r : at) {
            var month = java.time.YearMonth.from(r.get(TC_AT).atZoneSameInstant(programme.brandZone()));
            long[] c = counts.get(month);
            if (c != null) {
                c["up".equals(r.get(TC_DIRECTION)) ? 0 : 1]++;
            }
        }
        return counts.entrySet().stream().map(e -> new Movement(e.getKey().toString(), e.getValue()[0],
                e.getValue()[1])).toList();
    }

    public record Movement(String month, long upgrades, long downgrades) {}
}
