package io.rapport.analytics.churn;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Holds out a share of the rows for testing, separately within churned and retained rows so that
 * both parts have the same churn rate. Same labels, share and seed ⇒ same split.
 */
public final class StratifiedHoldout {

    private StratifiedHoldout() {
    }

    /**
     * @param testShare share of each class held out, rounded to whole rows
     */
    public static HoldoutSplit split(boolean[] labels, double testShare, long seed) {
        if (!(testShare > 0 && testShare < 1)) {
            throw new IllegalArgumentException("testShare must be in (0, 1): " + testShare);
        }
        var rng = new SplittableRandom(seed);
        boolean[] inTest = new boolean[labels.length];
        for (boolean cls : new boolean[]{true, false}) {
            int[] rows = IntStream.range(0, labels.length).filter(i -> labels[i] == cls).toArray();
            // Fisher-Yates: the first k of a uniform shuffle are a uniform sample.
            for (int i = rows.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = rows[i];
                rows[i] = rows[j];
                rows[j] = t;
            }
            int k = (int) Math.round(testShare * rows.length);
            for (int i = 0; i < k; i++) {
                inTest[rows[i]] = true;
            }
        }
        int[] test = IntStream.range(0, labels.length).filter(i -> inTest[i]).toArray();
        int[] train = IntStream.range(0, labels.length).filter(i -> !inTest[i]).toArray();
        return new HoldoutSplit(train, test);
    }

    /** The labels of the given rows. */
    public static boolean[] select(boolean[] labels, int[] rows) {
        boolean[] selected = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = labels[rows[i]];
        }
        return selected;
    }
}
