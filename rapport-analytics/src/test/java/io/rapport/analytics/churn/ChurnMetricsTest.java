package io.rapport.analytics.churn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ChurnMetricsTest {

    // scikit-learn's documentation example: roc_auc_score = 0.75, average_precision_score = 0.8333.
    private static final double[] SCORES = {0.1, 0.4, 0.35, 0.8};
    private static final boolean[] LABELS = {false, false, true, true};

    @Test
    void should_give_the_textbook_auc_of_the_four_point_example() {
        assertThat(RocAuc.of(SCORES, LABELS)).isCloseTo(0.75, within(1e-15));
    }

    @Test
    void should_give_one_for_a_perfect_ranking_zero_for_a_reversed_one_and_a_half_for_all_ties() {
        boolean[] y = {false, false, true, true};
        assertThat(RocAuc.of(new double[]{1, 2, 3, 4}, y)).isEqualTo(1.0);
        assertThat(RocAuc.of(new double[]{4, 3, 2, 1}, y)).isEqualTo(0.0);
        assertThat(RocAuc.of(new double[]{7, 7, 7, 7}, y)).isEqualTo(0.5);
    }

    @Test
    void should_count_a_tie_between_a_churner_and_a_stayer_as_half_a_correct_pair() {
        // Pairs (positive, negative): (0.5 vs 0.5) = ½, (0.5 vs 0.1) = 1, (0.9 vs 0.5) = 1, (0.9 vs 0.1) = 1 ⇒ 3.5 / 4.
        assertThat(RocAuc.of(new double[]{0.5, 0.1, 0.5, 0.9}, new boolean[]{false, false, true, true})).isEqualTo(0.875);
    }

    @Test
    void should_equal_a_brute_force_count_of_correctly_ordered_pairs_on_random_scores_with_ties() {
        var rng = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + rng.nextInt(400);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextDouble() < 0.3;
                // Few distinct values, so ties are common; positives a little higher on average.
                s[i] = Math.round((rng.nextDouble() + (y[i] ? 0.3 : 0)) * 10) / 10.0;
            }
            y[0] = true;
            y[1] = false;
            double correct = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (y[i] && !y[j]) {
                        pairs++;
                        correct += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            assertThat(RocAuc.of(s, y)).isCloseTo(correct / pairs, within(1e-12));
        }
    }

    @Test
    void should_give_the_textbook_average_precision_of_the_four_point_example() {
        // Thresholds 0.8 (recall ½, precision 1) and 0.35 (recall 1, precision ⅔): ½·1 + ½·⅔.
        assertThat(AveragePrecision.of(SCORES, LABELS)).isCloseTo(5.0 / 6, within(1e-15));
    }

    @Test
    void should_equal_the_mean_precision_at_each_churners_own_score_on_random_scores_with_ties() {
        var rng = new SplittableRandom(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 30 + rng.nextInt(300);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextDouble() < 0.25;
                s[i] = Math.round((rng.nextDouble() + (y[i] ? 0.2 : 0)) * 8) / 8.0;
            }
            y[0] = true;
            double sum = 0;
            int positives = 0;
            for (int i = 0; i < n; i++) {
                if (y[i]) {
                    positives++;
                    int flagged = 0;
                    int hits = 0;
                    for (int j = 0; j < n; j++) {
                        if (s[j] >= s[i]) {
                            flagged++;
                            hits += y[j] ? 1 : 0;
                        }
                    }
                    sum += (double) hits / flagged;
                }
            }
            assertThat(AveragePrecision.of(s, y)).isCloseTo(sum / positives, within(1e-12));
        }
    }

    @Test
    void should_score_the_mean_squared_error_of_the_probabilities() {
        assertThat(BrierScore.of(new double[]{0.9, 0.2}, new boolean[]{true, false})).isCloseTo(0.025, within(1e-15));
        // Predicting the base rate π for everyone scores π(1 − π).
        boolean[] y = {true, false, false, false};
        assertThat(BrierScore.of(new double[]{0.25, 0.25, 0.25, 0.25}, y)).isCloseTo(0.25 * 0.75, within(1e-15));
    }

    @Test
    void should_compare_mean_prediction_and_churn_rate_in_equal_count_bins() {
        double[] p = {0.9, 0.1, 0.2, 0.8, 0.3, 0.7};
        boolean[] y = {true, false, true, true, false, false};
        var table = CalibrationTable.of(p, y, 2);
        // Low bin: 0.1, 0.2, 0.3 with outcomes 0, 1, 0; high bin: 0.7, 0.8, 0.9 with 0, 1, 1.
        var low = table.bins().get(0);
        var high = table.bins().get(1);
        assertThat(table.bins()).hasSize(2);
        assertThat(low.customers()).isEqualTo(3);
        assertThat(low.meanPredicted()).isCloseTo(0.2, within(1e-12));
        assertThat(low.observedRate()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(low.lowest()).isEqualTo(0.1);
        assertThat(low.highest()).isEqualTo(0.3);
        assertThat(high.customers()).isEqualTo(3);
        assertThat(high.meanPredicted()).isCloseTo(0.8, within(1e-12));
        assertThat(high.observedRate()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(table.meanAbsoluteGap()).isCloseTo((3 * (1.0 / 3 - 0.2) + 3 * (0.8 - 2.0 / 3)) / 6, within(1e-12));
    }

    @Test
    void should_make_deciles_that_differ_in_size_by_at_most_one() {
        double[] p = new double[95];
        boolean[] y = new boolean[95];
        for (int i = 0; i < p.length; i++) {
            p[i] = i / 100.0;
            y[i] = i % 3 == 0;
        }
        var bins = CalibrationTable.deciles(p, y).bins();
        assertThat(bins).hasSize(10);
        assertThat(bins.stream().mapToInt(CalibrationBin::customers).sum()).isEqualTo(95);
        assertThat(bins).allSatisfy(b -> assertThat(b.customers()).isBetween(9, 10));
    }

    @Test
    void should_reject_an_auc_without_both_outcomes() {
        assertThatThrownBy(() -> RocAuc.of(new double[]{0.1, 0.2}, new boolean[]{true, true}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positives and negatives");
    }

    @Test
    void should_hold_out_the_same_share_of_churners_and_stayers_reproducibly() {
        boolean[] y = new boolean[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 4 == 0;
        }
        var split = StratifiedHoldout.split(y, 0.25, 3);
        // round(0.25 × 250 churners) = 63, round(0.25 × 750 stayers) = 188.
        assertThat(split.test()).hasSize(251);
        assertThat(split.train()).hasSize(749);
        int testChurners = 0;
        for (int i : split.test()) {
            testChurners += y[i] ? 1 : 0;
        }
        assertThat(testChurners).isEqualTo(63);
        int[] all = new int[1000];
        System.arraycopy(split.train(), 0, all, 0, 749);
        System.arraycopy(split.test(), 0, all, 749, 251);
        Arrays.sort(all);
        for (int i = 0; i < all.length; i++) {
            assertThat(all[i]).isEqualTo(i);
        }
        assertThat(StratifiedHoldout.split(y, 0.25, 3).test()).containsExactly(split.test());
        assertThat(StratifiedHoldout.split(y, 0.25, 4).test()).isNotEqualTo(split.test());
    }
}
