package io.rapport.loyalty;

import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The loyalty programme as the brand sets it up: one JSON document (see docs/loyalty.md), edited on the settings page
 * or with {@code PUT /api/v1/loyalty/programme}. Every field has a retail default, so {@code {}} is a valid programme.
 *
 * @param baseRate            points per unit of the reporting currency spent (net of discounts)
 * @param expiryMonths        a lot of points expires this many months after it was earned
 * @param returnWindowDays    order points stay pending this long (returns are still possible), then become available
 * @param negativeBalance     when a return reverses points already spent: {@code DEBT} keeps the balance at zero and
 *                            records the shortfall as debt settled from later earnings; {@code ALLOW} lets the balance
 *                            go below zero
 * @param autoEnrol           a known customer's first order enrols them
 * @param window              tier qualification window
 * @param basis               what qualifies for tiers: net spend or qualifying points
 * @param graceDays           at the review date a member who no longer qualifies keeps the tier this many more days
 * @param tiers               lowest first; the first threshold must be 0
 * @param birthdayMultiplier  applied to base and tier points of orders in the member's birthday month (own time zone)
 * @param firstPurchaseBonus  points for a member's first earning order
 * @param perOrderCap         most points one order earns (0: no cap)
 * @param perDayCap           most order points a member earns per day of their time zone (0: no cap)
 * @param bonuses             category / SKU / channel / campaign / green bonuses with date ranges
 * @param predictedValue      optional (off by default): the top of the predicted lifetime value distribution qualifies
 *                            for a tier before its spend does
 * @param tasks               one-off tasks and streaks
 * @param referral            referral rewards and limits
 * @param charity             the brand's donation rule
 * @param greenActions        points for green behaviour events (recycling, trade-in)
 * @param pointValue          what one point is worth in the reporting currency when redeemed (liability report)
 */
public record ProgrammeSettings(BigDecimal baseRate, Integer expiryMonths, Integer returnWindowDays,
                                NegativeBalance negativeBalance, Boolean autoEnrol, Window window, Basis basis,
                                Integer graceDays, List<Tier> tiers, BigDecimal birthdayMultiplier,
                                Long firstPurchaseBonus, Long perOrderCap, Long perDayCap, List<Bonus> bonuses,
                                PredictedValue predictedValue, List<Task> tasks, Referral referral, Charity charity,
                                List<GreenAction> greenActions, BigDecimal pointValue) {

    public enum NegativeBalance { DEBT, ALLOW }

    public enum Window { ROLLING_12_MONTHS, CALENDAR_YEAR }

    public enum Basis { SPEND, QUALIFYING_POINTS }

    /**
     * A tier and its perks. {@code threshold} is in the reporting currency (basis SPEND) or points.
     *
     * @param birthdayGift reward code issued as a coupon in the member's birthday month (optional)
     */
    public record Tier(String code, BigDecimal threshold, BigDecimal multiplier, String birthdayGift,
                       List<String> freeServices, Boolean priorityService) {
        public Tier {
            multiplier = multiplier == null ? BigDecimal.ONE : multiplier;
            freeServices = freeServices == null ? List.of() : List.copyOf(freeServices);
            priorityService = priorityService != null && priorityService;
        }
    }

    public enum BonusKind { SKU, CATEGORY, CHANNEL, CAMPAIGN, GREEN }

    /**
     * A bonus on order lines. {@code match} is the SKU, category or channel (CAMPAIGN: a coupon code, or empty for every
     * line; GREEN: a category). {@code multiplier} adds (multiplier − 1) × the matching lines' base points;
     * {@code fixedPoints} adds that many points once per order with a matching line. Valid on order days from
     * {@code from} to {@code until} inclusive (either may be absent).
     */
    public record Bonus(String code, BonusKind kind, String match, BigDecimal multiplier, Long fixedPoints,
                        LocalDate from, LocalDate until, Integer priority) {
        public Bonus {
            multiplier = multiplier == null ? BigDecimal.ONE : multiplier;
            fixedPoints = fixedPoints == null ? 0L : fixedPoints;
            priority = priority == null ? 100 : priority;
            match = match == null ? "" : match;
        }

        boolean validOn(LocalDate day) {
            return (from == null || !day.isBefore(from)) && (until == null || !day.isAfter(until));
        }
    }

    /**
     * Members in the top {@code topPercent} % of the predicted 12-month lifetime value (the scoring engine's current
     * scores, over every scored customer) qualify for {@code tier}, provided that value is also at least
     * {@code minimumLifetimeValue}.
     *
     * @param topPercent           share of the distribution that qualifies, above 0 and at most 100 (default 5)
     * @param minimumLifetimeValue a floor in the reporting currency, so a flat distribution does not qualify small
     *                             predictions (default 0: the share alone decides)
     */
    public record PredictedValue(Boolean enabled, BigDecimal topPercent, BigDecimal minimumLifetimeValue, String tier) {
        public PredictedValue {
            enabled = enabled != null && enabled;
            topPercent = topPercent == null ? BigDecimal.valueOf(5) : topPercent;
            minimumLifetimeValue = minimumLifetimeValue == null ? BigDecimal.ZERO : minimumLifetimeValue;
        }
    }

    public enum TaskKind { ONE_OFF, STREAK }

    /** A task: {@code eventType} is the behaviour event that counts; a streak needs {@code days} consecutive days. */
    public record Task(String code, TaskKind kind, String eventType, Integer days, Long points) {
        public Task {
            days = days == null ? 1 : days;
        }
    }

    /** Referral rewards, paid when the invitee's first order has passed its return window. */
    public record Referral(Long inviterPoints, Long inviteePoints, Integer maxPerInviter) {
        public Referral {
            inviterPoints = inviterPoints == null ? 500L : inviterPoints;
            inviteePoints = inviteePoints == null ? 200L : inviteePoints;
            maxPerInviter = maxPerInviter == null ? 50 : maxPerInviter;
        }
    }

    /** The brand gives {@code amount} to the campaign's fund per {@code per} spent ("1 per 100 spent"). */
    public record Charity(String campaign, BigDecimal amount, BigDecimal per) {
        public Charity {
            campaign = campaign == null ? "default" : campaign;
            amount = amount == null ? BigDecimal.ONE : amount;
            per = per == null ? BigDecimal.valueOf(100) : per;
        }
    }

    /** Points for a green behaviour event type (e.g. {@code recycling}, {@code trade_in}). */
    public record GreenAction(String eventType, Long points) {}

    public ProgrammeSettings {
        baseRate = baseRate == null ? BigDecimal.ONE : baseRate;
        expiryMonths = expiryMonths == null ? 24 : expiryMonths;
        returnWindowDays = returnWindowDays == null ? 7 : returnWindowDays;
        negativeBalance = negativeBalance == null ? NegativeBalance.DEBT : negativeBalance;
        autoEnrol = autoEnrol == null || autoEnrol;
        window = window == null ? Window.ROLLING_12_MONTHS : window;
        basis = basis == null ? Basis.SPEND : basis;
        graceDays = graceDays == null ? 30 : graceDays;
        tiers = tiers == null || tiers.isEmpty() ? List.of(
                new Tier("silver", BigDecimal.ZERO, BigDecimal.ONE, null, List.of(), false),
                new Tier("gold", BigDecimal.valueOf(3000), new BigDecimal("1.25"), null, List.of("free-delivery"), false),
                new Tier("black", BigDecimal.valueOf(10000), new BigDecimal("1.5"), null,
                        List.of("free-delivery", "free-installation"), true)) : List.copyOf(tiers);
        birthdayMultiplier = birthdayMultiplier == null ? BigDecimal.TWO : birthdayMultiplier;
        firstPurchaseBonus = firstPurchaseBonus == null ? 0L : firstPurchaseBonus;
        perOrderCap = perOrderCap == null ? 0L : perOrderCap;
        perDayCap = perDayCap == null ? 0L : perDayCap;
        bonuses = bonuses == null ? List.of() : List.copyOf(bonuses);
        predictedValue = predictedValue == null ? new PredictedValue(false, null, null, null) : predictedValue;
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        referral = referral == null ? new Referral(null, null, null) : referral;
        charity = charity == null ? new Charity(null, null, null) : charity;
        greenActions = greenActions == null ? List.of() : List.copyOf(greenActions);
        pointValue = pointValue == null ? new BigDecimal("0.01") : pointValue;
    }

    public static ProgrammeSettings defaults() {
        return new ProgrammeSettings(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    public Tier lowestTier() {
        return tiers.getFirst();
    }

    public Optional<Tier> tier(String code) {
        return tiers.stream().filter(t -> t.code().equals(code)).findFirst();
    }

    /** 0 for the lowest tier; -1 for a code the programme no longer has. */
    public int rank(String code) {
        for (int i = 0; i < tiers.size(); i++) {
            if (tiers.get(i).code().equals(code)) {
                return i;
            }
        }
        return -1;
    }

    /** The highest tier whose threshold the value reaches. */
    public Tier tierFor(BigDecimal value) {
        Tier result = tiers.getFirst();
        for (Tier t : tiers) {
            if (value.compareTo(t.threshold()) >= 0) {
                result = t;
            }
        }
        return result;
    }

    /** The next tier review after {@code today}: a year on (rolling window) or the next 1 January (calendar year). */
    public LocalDate nextReview(LocalDate today) {
        return window == Window.CALENDAR_YEAR ? LocalDate.of(today.getYear() + 1, 1, 1) : today.plusYears(1);
    }

    /** The first month of the qualification window that ends with {@code today}'s month. */
    public LocalDate windowStart(LocalDate today) {
        return window == Window.CALENDAR_YEAR ? LocalDate.of(today.getYear(), 1, 1)
                : today.withDayOfMonth(1).minusMonths(11);
    }

    /** Rejects a programme that cannot work, naming the field. */
    public ProgrammeSettings validated() {
        List<String> problems = new ArrayList<>();
        String field = null;
        if (baseRate.signum() < 0) {
            field = "baseRate";
            problems.add("baseRate must not be negative");
        }
        if (expiryMonths < 1) {
            field = field == null ? "expiryMonths" : field;
            problems.add("expiryMonths must be at least 1");
        }
        if (returnWindowDays < 0 || graceDays < 0 || perOrderCap < 0 || perDayCap < 0 || firstPurchaseBonus < 0) {
            field = field == null ? "returnWindowDays" : field;
            problems.add("returnWindowDays, graceDays, caps and firstPurchaseBonus must not be negative");
        }
        if (tiers.getFirst().threshold().signum() != 0) {
            field = field == null ? "tiers[0].threshold" : field;
            problems.add("the lowest tier's threshold must be 0");
        }
        for (int i = 0; i < tiers.size(); i++) {
            Tier t = tiers.get(i);
            if (t.code() == null || !t.code().matches("[a-z0-9_-]{1,20}")) {
                field = field == null ? "tiers[" + i + "].code" : field;
                problems.add("tier codes are 1-20 lower-case letters, digits, '-' or '_'");
            }
            if (t.threshold() == null || i > 0 && t.threshold().compareTo(tiers.get(i - 1).threshold()) <= 0) {
                field = field == null ? "tiers[" + i + "].threshold" : field;
                problems.add("tier thresholds must rise from the lowest tier to the highest");
            }
            if (t.multiplier().compareTo(BigDecimal.ZERO) < 0) {
                field = field == null ? "tiers[" + i + "].multiplier" : field;
                problems.add("tier multipliers must not be negative");
            }
        }
        for (int i = 0; i < bonuses.size(); i++) {
            Bonus b = bonuses.get(i);
            if (b.code() == null || b.kind() == null || b.multiplier().signum() < 0 || b.fixedPoints() < 0
                    || b.from() != null && b.until() != null && b.until().isBefore(b.from())) {
                field = field == null ? "bonuses[" + i + "]" : field;
                problems.add("bonus " + i + " needs a code and kind, a multiplier and fixed points not below 0, and "
                        + "until not before from");
            }
        }
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            if (t.code() == null || t.kind() == null || t.eventType() == null || t.points() == null
                    || t.points() < 0 || t.days() < 1) {
                field = field == null ? "tasks[" + i + "]" : field;
                problems.add("task " + i + " needs a code, kind, event type, points not below 0 and days of 1 or more");
            }
        }
        if (predictedValue.enabled() && (predictedValue.tier() == null || tier(predictedValue.tier()).isEmpty())) {
            field = field == null ? "predictedValue.tier" : field;
            problems.add("predictedValue.tier must be one of the programme's tiers");
        }
        if (predictedValue.topPercent().signum() <= 0 || predictedValue.topPercent().compareTo(BigDecimal.valueOf(100)) > 0) {
            field = field == null ? "predictedValue.topPercent" : field;
            problems.add("predictedValue.topPercent must be above 0 and at most 100");
        }
        if (predictedValue.minimumLifetimeValue().signum() < 0) {
            field = field == null ? "predictedValue.minimumLifetimeValue" : field;
            problems.add("predictedValue.minimumLifetimeValue must not be negative");
        }
        if (charity.per().signum() <= 0 || charity.amount().signum() < 0) {
            field = field == null ? "charity" : field;
            problems.add("charity.per must be positive and charity.amount not negative");
        }
        if (!problems.isEmpty()) {
            throw RapportException.badRequest("invalid-programme", field, String.join("; ", problems))
                    .with("problems", problems);
        }
        return this;
    }
}
