package io.rapport.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fallback's reasons behind a customer's churn risk, when no churn model could be trained (see
 * {@link ChurnScoring}): the risk is then the BG/NBD probability of no purchase in the churn window, and these rules
 * say which of the customer's own figures make it high, in the wording of {@code io.rapport.analytics.churn}
 * ("no purchase for 2.3× the usual interval"). Rules, not SHAP contributions; most telling first, at most three.
 */
final class ChurnReasons {

    private ChurnReasons() {}

    static List<ScoreReason> of(int purchaseDays, double daysSinceLast, double overdueIntervals, boolean ownInterval,
                                int orders, int returns, double daysSinceInteraction, double pAlive,
                                double churnRisk) {
        List<ScoreReason> reasons = new ArrayList<>();
        if (overdueIntervals >= 1.5) {
            String times = number(overdueIntervals);
            reasons.add(ownInterval
                    ? reason("rule.overdue", "no purchase for " + times + "× the usual interval", times)
                    : reason("rule.overdue_population",
                            "no purchase for " + times + "× the usual interval of repeat customers", times));
        }
        if (!Double.isNaN(pAlive) && pAlive < 0.5) {
            String percent = Long.toString(Math.round(100 * pAlive));
            reasons.add(reason("rule.p_alive", "P(alive) only " + percent + "% given the purchase rhythm", percent));
        }
        if (purchaseDays == 1) {
            reasons.add(reason("rule.one_purchase_day", "only 1 purchase day", "1"));
        }
        if (daysSinceLast >= 180) {
            String days = Long.toString(Math.round(daysSinceLast));
            reasons.add(reason("rule.long_absence", "no purchase for " + days + " days", days));
        }
        if (orders > 0 && returns >= 1 && (double) returns / orders >= 0.2) {
            String percent = Long.toString(Math.round(100.0 * returns / orders));
            reasons.add(reason("rule.returns", "returned " + percent + "% of orders", percent));
        }
        if (!Double.isNaN(daysSinceInteraction) && daysSinceInteraction > 30 && !Double.isNaN(churnRisk)
                && churnRisk >= 0.5) {
            reasons.add(reason("rule.no_activity", "no app, web or message activity in the last 30 days", "30"));
        }
        return reasons.size() > 3 ? List.copyOf(reasons.subList(0, 3)) : List.copyOf(reasons);
    }

    private static ScoreReason reason(String code, String text, String argument) {
        return new ScoreReason(code, text, List.of(argument));
    }

    private static String number(double v) {
        return v >= 10 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }
}
