package io.rapport.analytics.rfm;

/**
 * Minimum rolling 12-month spend per tier, in the tenant's currency; below {@code gold} is silver.
 *
 * @param black spend at or above which a customer is black
 * @param gold  spend at or above which a customer is gold
 */
public record SpendTierThresholds(double black, double gold) {

    /** Black from 10,000, gold from 3,000: a typical retail/durable-goods ladder. */
    public static final SpendTierThresholds DEFAULT = new SpendTierThresholds(10_000, 3_000);

    public SpendTierThresholds {
        if (!Double.isFinite(black) || !Double.isFinite(gold) || gold > black) {
            throw new IllegalArgumentException("tier thresholds must be finite with gold <= black, got black="
                    + black + ", gold=" + gold);
        }
    }

    public SpendTier tierOf(double spend) {
        if (spend >= black) {
            return SpendTier.BLACK;
        }
        return spend >= gold ? SpendTier.GOLD : SpendTier.SILVER;
    }
}
