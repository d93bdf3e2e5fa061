package io.rapport.analytics.churn;

/**
 * Brier (1950), "Verification of forecasts expressed in terms of probability", Monthly Weather
 * Review 78(1):1-3: the mean squared difference between the predicted probability and the
 * outcome (1 churned, 0 not). 0 is perfect; always predicting the base rate π gives π(1 − π).
 */
public final class BrierScore {

    private BrierScore() {
    }

    public static double of(double[] probability, boolean[] positive) {
        ScoredOutcomes.check(probability, positive);
        if (probability.length == 0) {
            throw new IllegalArgumentException("Brier score of no prediction");
        }
        double sum = 0;
        for (int i = 0; i < probability.length; i++) {
            double d = probability[i] - (positive[i] ? 1 : 0);
            sum += d * d;
        }
        return sum / probability.length;
    }
}
