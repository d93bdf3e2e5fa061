package io.rapport.analytics.churn;

import java.util.stream.IntStream;

/** Input checks shared by the evaluation measures. */
final class ScoredOutcomes {

    private ScoredOutcomes() {
    }

    /** Returns the number of positives; throws on length mismatch or a score that is not a number. */
    static int check(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " outcomes");
        }
        int positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            positives += positive[i] ? 1 : 0;
        }
        return positives;
    }

    /** Indexes sorted by score, descending; equal scores keep index order. */
    static int[] byScoreDescending(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> {
                    int c = Double.compare(scores[b], scores[a]);
                    return c != 0 ? c : Integer.compare(a, b);
                })
                .mapToInt(Integer::intValue).toArray();
    }
}
