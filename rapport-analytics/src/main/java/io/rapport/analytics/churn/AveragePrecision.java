package io.rapport.analytics.churn;

/**
 * Area under the precision-recall curve as average precision: Σ_k (R_k − R_{k−1}) · P_k over the
 * distinct score thresholds from the highest down, where P_k and R_k are the precision and
 * recall of flagging every customer scoring at least the k-th threshold (the step-wise sum of
 * scikit-learn's {@code average_precision_score}; no interpolation). Tied scores are one
 * threshold. A random score gives about the positive rate; a perfect one gives 1.
 */
public final class AveragePrecision {

    private AveragePrecision() {
    }

    public static double of(double[] scores, boolean[] positive) {
        int positives = ScoredOutcomes.check(scores, positive);
        if (positives == 0) {
            throw new IllegalArgumentException("average precision needs at least one positive");
        }
        int[] order = ScoredOutcomes.byScoreDescending(scores);
        int n = scores.length;
        double ap = 0;
        int truePositives = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            int positivesInRun = 0;
            while (end < n && scores[order[end]] == scores[order[start]]) {
                positivesInRun += positive[order[end]] ? 1 : 0;
                end++;
            }
            truePositives += positivesInRun;
            double precision = (double) truePositives / end;
            ap += (double) positivesInRun / positives * precision;
            start = end;
        }
        return ap;
    }
}
