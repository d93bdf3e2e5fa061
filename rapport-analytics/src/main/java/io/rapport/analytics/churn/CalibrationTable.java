package io.rapport.analytics.churn;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reliability table: customers sorted by predicted probability and cut into equal-count bins
 * (deciles by default); a calibrated model's mean prediction matches the observed churn rate in
 * every bin. Bin b holds sorted positions ⌊b·n/k⌋ … ⌊(b+1)·n/k⌋ − 1, so bin sizes differ by at
 * most one; customers with equal predictions may fall into neighbouring bins.
 *
 * @param bins from the lowest predictions to the highest
 */
public record CalibrationTable(List<CalibrationBin> bins) {

    public CalibrationTable {
        bins = List.copyOf(bins);
    }

    public static CalibrationTable deciles(double[] probability, boolean[] positive) {
        return of(probability, positive, 10);
    }

    public static CalibrationTable of(double[] probability, boolean[] positive, int binCount) {
        ScoredOutcomes.check(probability, positive);
        int n = probability.length;
        if (binCount < 1 || binCount > n) {
            throw new IllegalArgumentException("cannot cut " + n + " predictions into " + binCount + " bins");
        }
        int[] order = IntStream.range(0, n).boxed()
                .sorted((a, b) -> {
                    int c = Double.compare(probability[a], probability[b]);
                    return c != 0 ? c : Integer.compare(a, b);
                })
                .mapToInt(Integer::intValue).toArray();
        var bins = new ArrayList<CalibrationBin>(binCount);
        for (int b = 0; b < binCount; b++) {
            int from = (int) ((long) b * n / binCount);
            int to = (int) ((long) (b + 1) * n / binCount);
            double predicted = 0;
            int churned = 0;
            for (int k = from; k < to; k++) {
                predicted += probability[order[k]];
                churned += positive[order[k]] ? 1 : 0;
            }
            int size = to - from;
            bins.add(new CalibrationBin(size, predicted / size, (double) churned / size,
                    probability[order[from]], probability[order[to - 1]]));
        }
        return new CalibrationTable(bins);
    }

    /** Customer-weighted mean |mean predicted − observed| over the bins (expected calibration error). */
    public double meanAbsoluteGap() {
        double sum = 0;
        int n = 0;
        for (var bin : bins) {
            sum += bin.customers() * Math.abs(bin.meanPredicted() - bin.observedRate());
            n += bin.customers();
        }
        return sum / n;
    }
}
