package io.rapport.loyalty;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What an order earns, step by step, in this fixed order (docs/loyalty.md explains each):
 * <ol>
 *   <li>base: per sale line, net amount × base rate, rounded down;</li>
 *   <li>tier: base × (tier multiplier − 1);</li>
 *   <li>birthday: (base + tier) × (birthday multiplier − 1) when the order day, in the member's time zone, lies in the
 *       birthday month;</li>
 *   <li>bonuses, by priority then code: each adds (multiplier − 1) × the base of its matching lines, plus its fixed
 *       points once per order, when the order day is in its date range;</li>
 *   <li>first purchase bonus;</li>
 *   <li>the per-order cap, then the per-day cap (what the member already earned that day counts).</li>
 * </ol>
 * Every step rounds down to whole points. Base and tier points are qualifying (they count towards tiers when the
 * programme qualifies by points); the rest are not. Pure: the same inputs give the same result.
 */
final class EarningRules {

    private EarningRules() {}

    record Line(String sku, Optional<String> category, int quantity, BigDecimal netAmount) {}

    record Order(Instant orderedAt, String channel, Optional<String> couponCode, List<Line> lines) {}

    /** What the rules need to know of the member. */
    record MemberFacts(String tier, Optional<MonthDay> birthday, ZoneId zone, boolean firstOrder, long earnedToday) {}

    /** One step: the rule, what it added (negative for caps) and why. */
    record Step(String rule, long points, String explanation) {}

    record Earning(long points, long qualifying, LocalDate localDay, List<Step> steps) {}

    static Earning evaluate(ProgrammeSettings settings, MemberFacts member, Order order) {
        List<Step> steps = new ArrayList<>();
        LocalDate day = order.orderedAt().atZone(member.zone()).toLocalDate();
        long[] lineBase = new long[order.lines().size()];
        long base = 0;
        BigDecimal spend = BigDecimal.ZERO;
        for (int i = 0; i < lineBase.length; i++) {
            BigDecimal net = order.lines().get(i).netAmount();
            if (net.signum() > 0) {
                lineBase[i] = floor(net.multiply(settings.baseRate()));
                base += lineBase[i];
                spend = spend.add(net);
            }
        }
        steps.add(new Step("base", base, settings.baseRate().stripTrailingZeros().toPlainString()
                + " point(s) per currency unit on " + spend.stripTrailingZeros().toPlainString() + " spent"));
        ProgrammeSettings.Tier tier = settings.tier(member.tier()).orElse(settings.lowestTier());
        long tierPoints = floor(BigDecimal.valueOf(base).multiply(tier.multiplier().subtract(BigDecimal.ONE)));
        steps.add(new Step("tier", tierPoints, "tier " + tier.code() + " multiplier ×"
                + tier.multiplier().stripTrailingZeros().toPlainString()));
        long total = base + tierPoints;
        long qualifying = total;
        boolean birthdayMonth = member.birthday().map(b -> b.getMonth() == day.getMonth()).orElse(false);
        if (birthdayMonth) {
            long birthday = floor(BigDecimal.valueOf(base + tierPoints)
                    .multiply(settings.birthdayMultiplier().subtract(BigDecimal.ONE)));
            steps.add(new Step("birthday", birthday, "birthday month (" + day.getMonth() + " in " + member.zone()
                    + ") ×" + settings.birthdayMultiplier().stripTrailingZeros().toPlainString()));
            total += birthday;
        }
        List<ProgrammeSettings.Bonus> bonuses = settings.bonuses().stream()
                .sorted(Comparator.comparing(ProgrammeSettings.Bonus::priority)
                        .thenComparing(ProgrammeSettings.Bonus::code)).toList();
        for (ProgrammeSettings.Bonus bonus : bonuses) {
            if (!bonus.validOn(day)) {
                continue;
            }
            long matchingBase = 0;
            boolean any = false;
            for (int i = 0; i < lineBase.length; i++) {
                if (lineBase[i] > 0 && matches(bonus, order, order.lines().get(i))) {
                    matchingBase += lineBase[i];
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            long extra = floor(BigDecimal.valueOf(matchingBase).multiply(bonus.multiplier().subtract(BigDecimal.ONE)))
                    + bonus.fixedPoints();
            steps.add(new Step("bonus:" + bonus.code(), extra, bonus.kind().name().toLowerCase() + " bonus"
                    + (bonus.match().isEmpty() ? "" : " '" + bonus.match() + "'") + " on " + matchingBase
                    + " base points ×" + bonus.multiplier().stripTrailingZeros().toPlainString()
                    + (bonus.fixedPoints() > 0 ? " + " + bonus.fixedPoints() : "")));
            total += extra;
        }
        if (member.firstOrder() && base > 0 && settings.firstPurchaseBonus() > 0) {
            steps.add(new Step("first-purchase", settings.firstPurchaseBonus(), "first purchase bonus"));
            total += settings.firstPurchaseBonus();
        }
        if (settings.perOrderCap() > 0 && total > settings.perOrderCap()) {
            steps.add(new Step("order-cap", settings.perOrderCap() - total,
                    "capped at " + settings.perOrderCap() + " points per order"));
            total = settings.perOrderCap();
        }
        if (settings.perDayCap() > 0 && member.earnedToday() + total > settings.perDayCap()) {
            long allowed = Math.max(0, settings.perDayCap() - member.earnedToday());
            steps.add(new Step("day-cap", allowed - total, "capped at " + settings.perDayCap() + " points per day; "
                    + member.earnedToday() + " already earned on " + day));
            total = allowed;
        }
        return new Earning(total, Math.min(qualifying, total), day, steps);
    }

    private static boolean matches(ProgrammeSettings.Bonus bonus, Order order, Line line) {
        return switch (bonus.kind()) {
            case SKU -> bonus.match().equalsIgnoreCase(line.sku());
            case CATEGORY, GREEN -> line.category().map(c -> c.equalsIgnoreCase(bonus.match())).orElse(false);
            case CHANNEL -> bonus.match().equalsIgnoreCase(order.channel());
            case CAMPAIGN -> bonus.match().isEmpty()
                    || order.couponCode().map(c -> c.equalsIgnoreCase(bonus.match())).orElse(false);
        };
    }

    private static long floor(BigDecimal value) {
        return value.setScale(0, RoundingMode.FLOOR).longValueExact();
    }
}
