package io.rapport.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain-word reasons behind a customer's churn risk, from the behaviour the summaries show. The risk itself is the
 * BG/NBD probability of no purchase in the churn window; these rules say which of the customer's own figures make
 * it high, in the wording of {@code io.rapport.analytics.churn} ("no purchase for 2.3× the usual interval"). They are
 * rules, not SHAP contributions of a trained model (see docs/scoring.md), listed most telling first, at most three.
 */
final class ChurnReasons {

    private ChurnReasons() {}

    static List<String> of(int purchaseDays, double daysSinceLast, double overdueIntervals, boolean ownInterval,
                           int orders, int returns, double daysSinceInteraction, double pAlive, double churnRisk) {
        List<String> reasons = new ArrayList<>();
        if (ownInterval && overdueIntervals >= 1.5) {
            reasons.add("no purchase for " + number(overdueIntervals) + "× the usual interval");
        } else if (!ownInterval && overdueIntervals >= 1.5) {
            reasons.add("no purchase for " + number(overdueIntervals) + "× the usual interval of repeat customers");
        }
        if (!Double.isNaN(pAlive) && pAlive < 0.5) {
            reasons.add("P(alive) only " + Math.round(100 * pAlive) + "% given the purchase rhythm");
        }
        if (purchaseDays == 1) {
            reasons.add("only 1 purchase day");
        }
        if (daysSinceLast >= 180) {
            reasons.add("no purchase for " + Math.round(daysSinceLast) + " days");
        }
        if (orders > 0 && returns >= 1 && (double) returns / orders >= 0.2) {
            reasons.add("returned " + Math.round(100.0 * returns / orders) + "% of orders");
        }
        if (!Double.isNaN(daysSinceInteraction) && daysSinceInteraction > 30 && !Double.isNaN(churnRisk)
                && churnRisk >= 0.5) {
            reasons.add("no app, web or message activity in the last 30 days");
        }
        return reasons.size() > 3 ? List.copyOf(reasons.subList(0, 3)) : List.copyOf(reasons);
    }

    private static String number(double v) {
        return v >= 10 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }
}
