package io.rapport.analytics.churn;

/**
 * How well predicted churn probabilities match what happened on customers the model did not
 * train on.
 *
 * @param customers        customers evaluated
 * @param churned          of whom churned
 * @param auc              ranking quality, {@link RocAuc}
 * @param averagePrecision precision-recall area, {@link AveragePrecision} (compare with the churn rate)
 * @param brier            probability accuracy, {@link BrierScore}
 * @param calibration      deciles of predicted vs observed, {@link CalibrationTable}
 */
public record ChurnEvaluation(int customers, int churned, double auc, double averagePrecision, double brier,
                              CalibrationTable calibration) {

    public static ChurnEvaluation of(double[] probability, boolean[] churned) {
        int positives = ScoredOutcomes.check(probability, churned);
        return new ChurnEvaluation(probability.length, positives, RocAuc.of(probability, churned),
                AveragePrecision.of(probability, churned), BrierScore.of(probability, churned),
                CalibrationTable.of(probability, churned, Math.min(10, probability.length)));
    }

    public double churnRate() {
        return (double) churned / customers;
    }
}
