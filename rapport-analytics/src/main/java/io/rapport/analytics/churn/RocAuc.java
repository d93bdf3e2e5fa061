package io.rapport.analytics.churn;

/**
 * Area under the ROC curve: the probability that a random churner scores higher than a random
 * retained customer, a tie counting one half. Computed as the Mann-Whitney U statistic from
 * mid-ranks (Hanley &amp; McNeil 1982, "The meaning and use of the area under a receiver
 * operating characteristic (ROC) curve", Radiology 143:29-36), in O(n log n).
 */
public final class RocAuc {

    private RocAuc() {
    }

    /**
     * @param scores   higher means more likely positive
     * @param positive the outcomes; both must occur
     */
    public static double of(double[] scores, boolean[] positive) {
        int positives = ScoredOutcomes.check(scores, positive);
        int negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUC needs positives and negatives: " + positives + " of " + scores.length + " positive");
        }
        int[] order = ScoredOutcomes.byScoreDescending(scores);
        // Rank from the bottom: the lowest score has rank 1; a run of ties shares its mid-rank.
        double positiveRankSum = 0;
        int n = scores.length;
        for (int start = 0; start < n; ) {
            int end = start;
            int positivesInRun = 0;
            while (end < n && scores[order[end]] == scores[order[start]]) {
                positivesInRun += positive[order[end]] ? 1 : 0;
                end++;
            }
            // Descending positions start..end-1 are ascending ranks n-end+1 .. n-start.
            double midRank = ((n - end + 1) + (double) (n - start)) / 2;
            positiveRankSum += positivesInRun * midRank;
            start = end;
        }
        double u = positiveRankSum - (double) positives * (positives + 1) / 2;
        return u / ((double) positives * negatives);
    }
}
