package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CalibrationHoldoutSummaries;

/**
 * Holdout check of a BG/NBD model as in Fader, Hardie &amp; Lee (2005), Figure 4 ("conditional
 * expectations"): customers are grouped by their calibration-period repeat purchases x
 * (0, 1, …, and a last open bucket "maxBucket+"), and within each group the mean number of
 * holdout purchases the model predicts, E[Y(holdout length) | x, t_x, T], is set against the
 * mean actually observed.
 *
 * <p>Only customers with a calibration purchase are scored: the model says nothing about
 * customers acquired in the holdout period.
 */
public final class BgNbdHoldoutValidation {

    private BgNbdHoldoutValidation() {
    }

    /**
     * @param maxBucket the last bucket collects every x &ge; maxBucket (the paper uses 7)
     */
    public static Result validate(BgNbdParameters model, CalibrationHoldoutSummaries data, int maxBucket) {
        if (maxBucket < 1) {
            throw new IllegalArgumentException("maxBucket must be at least 1, got " + maxBucket);
        }
        var calibration = data.calibration();
        double horizon = data.holdoutDuration();
        int buckets = maxBucket + 1;
        int[] customers = new int[buckets];
        double[] actual = new double[buckets];
        double[] predicted = new double[buckets];
        double absoluteErrorSum = 0;
        double predictedTotal = 0;
        long actualTotal = 0;
        int scored = 0;
        for (int i = 0; i < calibration.customerCount(); i++) {
            if (!calibration.hasPurchased(i)) {
                continue;
            }
            int x = calibration.frequency()[i];
            double prediction = model.conditionalExpectedPurchases(horizon, x, calibration.recency()[i], calibration.age()[i]);
            int observed = data.holdoutFrequency()[i];
            int bucket = Math.min(x, maxBucket);
            customers[bucket]++;
            actual[bucket] += observed;
            predicted[bucket] += prediction;
            absoluteErrorSum += Math.abs(prediction - observed);
            predictedTotal += prediction;
            actualTotal += observed;
            scored++;
        }
        double bucketErrorSum = 0;
        int nonEmpty = 0;
        for (int k = 0; k < buckets; k++) {
            if (customers[k] > 0) {
                actual[k] /= customers[k];
                predicted[k] /= customers[k];
                bucketErrorSum += Math.abs(predicted[k] - actual[k]);
                nonEmpty++;
            }
        }
        return new Result(customers, actual, predicted, nonEmpty == 0 ? 0 : bucketErrorSum / nonEmpty,
                scored == 0 ? 0 : absoluteErrorSum / scored, predictedTotal, actualTotal);
    }

    /**
     * @param customers           customers per calibration-frequency bucket
     * @param actualMean          mean holdout purchases per bucket (0 for an empty bucket)
     * @param predictedMean       mean predicted holdout purchases per bucket
     * @param bucketMae           mean absolute difference of the bucket means (the figure's error)
     * @param customerMae         mean absolute error per customer
     * @param predictedTotal      predicted holdout purchases, all customers
     * @param actualTotal         actual holdout purchase days, all customers
     */
    public record Result(int[] customers, double[] actualMean, double[] predictedMean, double bucketMae,
                         double customerMae, double predictedTotal, long actualTotal) {
    }
}
