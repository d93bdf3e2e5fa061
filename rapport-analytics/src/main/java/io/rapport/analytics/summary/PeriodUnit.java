package io.rapport.analytics.summary;

/**
 * The time unit in which recency, age and holdout length are expressed.
 *
 * <p>Fader, Hardie &amp; Lee (2005) report CDNOW in weeks; day-level work (RFM, purchase cycles)
 * uses days. Fractional periods are kept (3 days = 0.4286 weeks), as in lifetimes.
 */
public enum PeriodUnit {
    DAYS(1.0),
    WEEKS(7.0);

    private final double days;

    PeriodUnit(double days) {
        this.days = days;
    }

    /** Length of one period in days. */
    public double days() {
        return days;
    }

    /** Converts a whole number of days into periods of this unit. */
    public double fromDays(long dayCount) {
        return dayCount / days;
    }
}
