package io.rapport.analytics.lifecycle;

import java.util.Objects;

/**
 * Lifecycle stage from a customer's own purchase rhythm and the BG/NBD probability that they are still a customer.
 *
 * <p>The rule of thumb of "inactive after N days" treats a monthly filter buyer and a yearly appliance buyer alike.
 * Here overdue is measured in the customer's <em>own</em> usual interval between purchase days (Fader, Hardie &amp;
 * Lee 2005 make the same point: a long silence means more for a frequent buyer, which their P(alive) captures).
 * One-time buyers have no interval yet, so the caller passes a fallback (Rapport uses the median usual interval of
 * the repeat customers). Rules, first match wins:
 *
 * <ol>
 *   <li>no purchase day ⇒ {@link LifecycleStage#POTENTIAL};</li>
 *   <li>first purchase at most {@code newForDays} ago ⇒ {@link LifecycleStage#NEW};</li>
 *   <li>days since the last purchase ≥ {@code churnedAfterIntervals} × interval, or P(alive) &lt;
 *       {@code churnedBelowAlive} ⇒ {@link LifecycleStage#CHURNED};</li>
 *   <li>≥ {@code dormantAfterIntervals} × interval, or P(alive) &lt; {@code dormantBelowAlive} ⇒
 *       {@link LifecycleStage#DORMANT};</li>
 *   <li>otherwise {@link LifecycleStage#ACTIVE}.</li>
 * </ol>
 *
 * The interval is floored at {@code minimumIntervalDays}. An unknown P(alive) (NaN: no model) is ignored.
 */
public final class LifecycleClassifier {

    private final LifecycleRules rules;

    public LifecycleClassifier() {
        this(LifecycleRules.DEFAULT);
    }

    public LifecycleClassifier(LifecycleRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    public LifecycleRules rules() {
        return rules;
    }

    /**
     * @param purchaseDays           distinct days with a purchase
     * @param daysSinceFirstPurchase as-of day minus the first purchase day
     * @param daysSinceLastPurchase  as-of day minus the last purchase day
     * @param usualIntervalDays      the customer's usual gap between purchase days; NaN with fewer than two
     * @param fallbackIntervalDays   the interval to use when the customer has none of their own
     * @param probabilityAlive       BG/NBD P(alive), or NaN when no model is available
     */
    public LifecycleStage classify(int purchaseDays, double daysSinceFirstPurchase, double daysSinceLastPurchase,
                                   double usualIntervalDays, double fallbackIntervalDays, double probabilityAlive) {
        if (purchaseDays <= 0) {
            return LifecycleStage.POTENTIAL;
        }
        if (daysSinceFirstPurchase <= rules.newForDays()) {
            return LifecycleStage.NEW;
        }
        double overdue = overdueIntervals(daysSinceLastPurchase, usualIntervalDays, fallbackIntervalDays);
        boolean knownAlive = !Double.isNaN(probabilityAlive);
        if (overdue >= rules.churnedAfterIntervals() || knownAlive && probabilityAlive < rules.churnedBelowAlive()) {
            return LifecycleStage.CHURNED;
        }
        if (overdue >= rules.dormantAfterIntervals() || knownAlive && probabilityAlive < rules.dormantBelowAlive()) {
            return LifecycleStage.DORMANT;
        }
        return LifecycleStage.ACTIVE;
    }

    /** Days since the last purchase in units of the customer's usual interval (floored, with the fallback). */
    public double overdueIntervals(double daysSinceLastPurchase, double usualIntervalDays, double fallbackIntervalDays) {
        double interval = usualIntervalDays > 0 ? usualIntervalDays
                : fallbackIntervalDays > 0 ? fallbackIntervalDays : rules.minimumIntervalDays();
        return daysSinceLastPurchase / Math.max(interval, rules.minimumIntervalDays());
    }
}
