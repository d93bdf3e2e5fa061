package io.rapport.analytics.clv;

/**
 * How customer lifetime value is discounted and converted to margin.
 *
 * @param horizonMonths       number of future months to value (lifetimes default 12)
 * @param monthlyDiscountRate discount rate per month, e.g. 0.01 (lifetimes default)
 * @param margin              share of spend that is profit, 1.0 to value revenue
 * @param periodsPerMonth     model periods per month: {@link #WEEKS_PER_MONTH} when the
 *                            transaction model was fitted in weeks, {@link #DAYS_PER_MONTH} in days
 */
public record ClvSettings(int horizonMonths, double monthlyDiscountRate, double margin, double periodsPerMonth) {

    /** lifetimes' month length in weeks (52.14 / 12). */
    public static final double WEEKS_PER_MONTH = 4.345;
    /** lifetimes' month length in days. */
    public static final double DAYS_PER_MONTH = 30.0;

    public ClvSettings {
        if (horizonMonths < 1) {
            throw new IllegalArgumentException("horizonMonths must be at least 1, got " + horizonMonths);
        }
        if (!(monthlyDiscountRate >= 0) || !(margin >= 0) || !(periodsPerMonth > 0)) {
            throw new IllegalArgumentException("discount rate and margin must be >= 0 and periodsPerMonth > 0, got "
                    + monthlyDiscountRate + ", " + margin + ", " + periodsPerMonth);
        }
    }

    /** lifetimes' defaults (12 months, 1% a month) on revenue, for a model fitted in weeks. */
    public static ClvSettings weeklyModelDefaults() {
        return new ClvSettings(12, 0.01, 1.0, WEEKS_PER_MONTH);
    }
}
