package io.rapport.analytics.lifecycle;

/**
 * Thresholds of {@link LifecycleClassifier}, with defaults for a retail or durable-goods brand.
 *
 * @param newForDays              a customer whose first purchase is at most this many days old is new
 * @param dormantAfterIntervals   overdue by this many of their own usual intervals ⇒ dormant
 * @param churnedAfterIntervals   overdue by this many usual intervals ⇒ churned
 * @param minimumIntervalDays     floor on the usual interval, so a customer who bought twice in one week is not
 *                                dormant a fortnight later
 * @param dormantBelowAlive       P(alive) below this ⇒ at least dormant
 * @param churnedBelowAlive       P(alive) below this ⇒ churned
 */
public record LifecycleRules(
        int newForDays,
        double dormantAfterIntervals,
        double churnedAfterIntervals,
        double minimumIntervalDays,
        double dormantBelowAlive,
        double churnedBelowAlive) {

    /** New for 90 days; dormant after 2 usual intervals or P(alive) &lt; 0.5; churned after 4 or P(alive) &lt; 0.15. */
    public static final LifecycleRules DEFAULT = new LifecycleRules(90, 2.0, 4.0, 14.0, 0.5, 0.15);

    public LifecycleRules {
        if (newForDays < 0 || !(dormantAfterIntervals > 0) || !(churnedAfterIntervals >= dormantAfterIntervals)
                || !(minimumIntervalDays > 0) || !(churnedBelowAlive >= 0) || !(dormantBelowAlive >= churnedBelowAlive)
                || !(dormantBelowAlive <= 1)) {
            throw new IllegalArgumentException("lifecycle rules need newForDays >= 0, 0 < dormantAfterIntervals <= "
                    + "churnedAfterIntervals, minimumIntervalDays > 0 and 0 <= churnedBelowAlive <= dormantBelowAlive <= 1, got "
                    + newForDays + ", " + dormantAfterIntervals + ", " + churnedAfterIntervals + ", "
                    + minimumIntervalDays + ", " + dormantBelowAlive + ", " + churnedBelowAlive);
        }
    }
}
