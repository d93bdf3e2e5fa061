package io.rapport.analytics.churn;

/**
 * One bin of a {@link CalibrationTable}.
 *
 * @param customers     customers in the bin
 * @param meanPredicted their mean predicted probability
 * @param observedRate  the share of them who churned
 * @param lowest        the lowest predicted probability in the bin
 * @param highest       the highest predicted probability in the bin
 */
public record CalibrationBin(int customers, double meanPredicted, double observedRate, double lowest, double highest) {
}
