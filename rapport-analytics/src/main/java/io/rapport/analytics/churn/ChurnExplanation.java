package io.rapport.analytics.churn;

import java.util.List;

/**
 * One customer's churn score taken apart: {@code bias + Σ contributions = margin}, the log-odds,
 * and {@code probability = 1 / (1 + e^−margin)}. A positive contribution raises the risk.
 *
 * @param features      the model's columns
 * @param row           the customer's values
 * @param contributions per column, in log-odds
 * @param bias          the part common to every customer (the average log-odds)
 * @param margin        the customer's log-odds of churn
 */
public record ChurnExplanation(List<ChurnFeature> features, float[] row, double[] contributions, double bias, double margin) {

    public ChurnExplanation {
        features = List.copyOf(features);
        if (row.length != features.size() || contributions.length != features.size()) {
            throw new IllegalArgumentException("row, contributions and features differ in length: "
                    + row.length + ", " + contributions.length + ", " + features.size());
        }
    }

    public double probability() {
        return 1 / (1 + Math.exp(-margin));
    }

    /** Up to {@code max} reasons that raise this customer's risk, strongest first, in plain words. */
    public List<ChurnReason> reasons(int max) {
        return new ChurnReasonWriter().reasons(this, max);
    }
}
