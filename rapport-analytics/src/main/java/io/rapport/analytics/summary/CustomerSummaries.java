package io.rapport.analytics.summary;

/**
 * Per-customer repeat-purchase summary in the Fader–Hardie / lifetimes convention, one array
 * slot per customer index.
 *
 * <ul>
 *   <li>{@code frequency} x: number of <em>repeat</em> purchase days (purchase days minus one).</li>
 *   <li>{@code recency} t_x: time from the first to the last purchase day, in periods.</li>
 *   <li>{@code age} T: time from the first purchase day to the observation end, in periods.</li>
 *   <li>{@code monetaryValue}: mean value of the repeat purchase days (the first day excluded,
 *       as Fader &amp; Hardie 2013 do for the Gamma-Gamma model); 0 when x = 0.</li>
 *   <li>{@code purchaseDays}: x + 1, or 0 for a customer with no purchase up to the end date;
 *       such a customer has x = t_x = T = 0 and must be left out of model fitting.</li>
 *   <li>{@code totalSpend}: value of all purchase days including the first.</li>
 *   <li>{@code firstPurchaseDay}, {@code lastPurchaseDay}: epoch days; meaningless when
 *       {@code purchaseDays == 0}.</li>
 * </ul>
 */
public record CustomerSummaries(
        PeriodUnit unit,
        long observationEndDay,
        int[] frequency,
        double[] recency,
        double[] age,
        double[] monetaryValue,
        int[] purchaseDays,
        double[] totalSpend,
        long[] firstPurchaseDay,
        long[] lastPurchaseDay) {

    public int customerCount() {
        return frequency.length;
    }

    /** Whether the customer bought at least once up to the observation end. */
    public boolean hasPurchased(int customer) {
        return purchaseDays[customer] > 0;
    }

    /** Number of customers with at least one purchase day. */
    public int purchasingCustomerCount() {
        int n = 0;
        for (int d : purchaseDays) {
            if (d > 0) {
                n++;
            }
        }
        return n;
    }
}
