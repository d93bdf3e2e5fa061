package io.rapport.analytics.rfm;

import java.util.Arrays;

/**
 * Four ascending cut points per dimension splitting values into scores 1-5. A value above
 * k cut points is in bin k+1; a value equal to a cut point stays in the lower bin, so equal
 * values always get equal scores. Recency (days since the last purchase) is scored in reverse:
 * the fewest days get R = 5.
 *
 * @param recencyDays cut points on days since the last purchase
 * @param frequency   cut points on the number of purchases
 * @param monetary    cut points on spend
 */
public record RfmThresholds(double[] recencyDays, double[] frequency, double[] monetary) {

    public RfmThresholds {
        recencyDays = checked("recencyDays", recencyDays);
        frequency = checked("frequency", frequency);
        monetary = checked("monetary", monetary);
    }

    /**
     * Quintile cut points (20th, 40th, 60th, 80th percentiles, linear interpolation between
     * order statistics: Hyndman &amp; Fan 1996 type 7, the default of R and NumPy).
     */
    public static RfmThresholds quintilesOf(double[] recencyDays, double[] frequency, double[] monetary) {
        return new RfmThresholds(quintiles(recencyDays), quintiles(frequency), quintiles(monetary));
    }

    static double[] quintiles(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("cannot compute quintiles of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] cuts = new double[4];
        for (int k = 1; k <= 4; k++) {
            double h = (sorted.length - 1) * k / 5.0;
            int lo = (int) Math.floor(h);
            int hi = Math.min(lo + 1, sorted.length - 1);
            cuts[k - 1] = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
        }
        return cuts;
    }

    /** Score 1-5 where larger values are better. */
    static int ascendingScore(double value, double[] cuts) {
        int score = 1;
        for (double cut : cuts) {
            if (value > cut) {
                score++;
            }
        }
        return score;
    }

    private static double[] checked(String name, double[] cuts) {
        if (cuts == null || cuts.length != 4) {
            throw new IllegalArgumentException(name + " needs exactly 4 cut points");
        }
        for (int i = 0; i < 4; i++) {
            if (!Double.isFinite(cuts[i]) || (i > 0 && cuts[i] < cuts[i - 1])) {
                throw new IllegalArgumentException(name + " cut points must be finite and ascending: " + Arrays.toString(cuts));
            }
        }
        return cuts.clone();
    }
}
