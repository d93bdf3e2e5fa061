package io.rapport.analytics.rfm;

import io.rapport.analytics.summary.CustomerSummaries;

import java.util.Objects;
import java.util.Optional;

/**
 * Recency-frequency-monetary scoring (Hughes 1994, "Strategic Database Marketing"; the quintile
 * variant discussed by Fader, Hardie &amp; Lee 2005, "RFM and CLV", JMR 42(4)), with the
 * named segments of {@link RfmSegment}.
 *
 * <p>By default the cut points are the quintiles of the scored customers; a brand may instead
 * fix them (e.g. "bought within 30 / 90 / 180 / 365 days") so that scores do not drift as the
 * customer base changes.
 */
public final class RfmScorer {

    private final Optional<RfmThresholds> fixed;

    /** Scores by quintiles of the data being scored. */
    public RfmScorer() {
        this.fixed = Optional.empty();
    }

    /** Scores against fixed cut points. */
    public RfmScorer(RfmThresholds thresholds) {
        this.fixed = Optional.of(Objects.requireNonNull(thresholds, "thresholds"));
    }

    /**
     * @param recencyDays days since each customer's last purchase (fewer is better)
     * @param frequency   purchases per customer
     * @param monetary    spend per customer
     */
    public RfmScores score(double[] recencyDays, double[] frequency, double[] monetary) {
        if (recencyDays.length != frequency.length || recencyDays.length != monetary.length) {
            throw new IllegalArgumentException("recency, frequency and monetary differ in length: "
                    + recencyDays.length + ", " + frequency.length + ", " + monetary.length);
        }
        var thresholds = fixed.orElseGet(() -> RfmThresholds.quintilesOf(recencyDays, frequency, monetary));
        int n = recencyDays.length;
        int[] r = new int[n];
        int[] f = new int[n];
        int[] m = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = 6 - RfmThresholds.ascendingScore(recencyDays[i], thresholds.recencyDays());
            f[i] = RfmThresholds.ascendingScore(frequency[i], thresholds.frequency());
            m[i] = RfmThresholds.ascendingScore(monetary[i], thresholds.monetary());
        }
        return new RfmScores(r, f, m, thresholds);
    }

    /**
     * Scores the customers of a summary who bought at least once, on recency = days from the
     * last purchase day to the observation end, frequency = purchase days (first one included)
     * and monetary = total spend. Customers with no purchase get score 0 and no segment.
     */
    public RfmScores score(CustomerSummaries summaries) {
        int n = summaries.purchasingCustomerCount();
        double[] r = new double[n];
        double[] f = new double[n];
        double[] m = new double[n];
        int k = 0;
        for (int i = 0; i < summaries.customerCount(); i++) {
            if (summaries.hasPurchased(i)) {
                r[k] = summaries.observationEndDay() - summaries.lastPurchaseDay()[i];
                f[k] = summaries.purchaseDays()[i];
                m[k] = summaries.totalSpend()[i];
                k++;
            }
        }
        if (n == 0) {
            int size = summaries.customerCount();
            return new RfmScores(new int[size], new int[size], new int[size],
                    fixed.orElse(new RfmThresholds(new double[4], new double[4], new double[4])));
        }
        var compact = score(r, f, m);
        int size = summaries.customerCount();
        int[] rs = new int[size];
        int[] fs = new int[size];
        int[] ms = new int[size];
        k = 0;
        for (int i = 0; i < size; i++) {
            if (summaries.hasPurchased(i)) {
                rs[i] = compact.recency()[k];
                fs[i] = compact.frequency()[k];
                ms[i] = compact.monetary()[k];
                k++;
            }
        }
        return new RfmScores(rs, fs, ms, compact.thresholds());
    }
}
