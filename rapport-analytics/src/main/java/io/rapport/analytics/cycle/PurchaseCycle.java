package io.rapport.analytics.cycle;

import java.time.LocalDate;

/**
 * How often a customer (or a customer in one category) buys, from the gaps between consecutive
 * purchase days.
 *
 * @param intervals        number of gaps observed (purchase days - 1); with few gaps the band is
 *                         narrow only because there is little evidence, so check it before acting
 * @param medianDays       median gap in days
 * @param lowerQuartileDays 25th percentile of the gaps
 * @param upperQuartileDays 75th percentile of the gaps
 * @param lastPurchase     the last purchase day
 * @param expectedNext     last purchase + median gap (rounded to whole days)
 * @param earliestNext     last purchase + lower quartile: the start of the usual window
 * @param latestNext       last purchase + upper quartile: past this, the customer is late
 */
public record PurchaseCycle(int intervals, double medianDays, double lowerQuartileDays, double upperQuartileDays,
                            LocalDate lastPurchase, LocalDate expectedNext, LocalDate earliestNext,
                            LocalDate latestNext) {

    static PurchaseCycle of(long[] sortedGaps, int length, long lastDay) {
        double q1 = quantile(sortedGaps, length, 0.25);
        double median = quantile(sortedGaps, length, 0.5);
        double q3 = quantile(sortedGaps, length, 0.75);
        LocalDate last = LocalDate.ofEpochDay(lastDay);
        return new PurchaseCycle(length, median, q1, q3, last, last.plusDays(Math.round(median)),
                last.plusDays(Math.round(q1)), last.plusDays(Math.round(q3)));
    }

    /** Hyndman &amp; Fan (1996) type 7, the default of R and NumPy. */
    static double quantile(long[] sorted, int length, double p) {
        double h = (length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
