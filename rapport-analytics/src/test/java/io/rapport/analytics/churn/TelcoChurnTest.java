package io.rapport.analytics.churn;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * IBM telco sample, 7,043 customers, 26.5 % churned: a stratified 25 % hold-out (seed 2024),
 * models trained on the other 75 %.
 */
class TelcoChurnTest {

    private static TelcoChurnData data;
    private static HoldoutSplit split;
    private static ChurnFeatures train;
    private static ChurnFeatures test;
    private static boolean[] testChurned;
    private static TrainedChurnModel trees;
    private static TrainedChurnModel logistic;

    @BeforeAll
    static void train() {
        data = TelcoChurnData.load();
        split = StratifiedHoldout.split(data.churned(), 0.25, 2024);
        train = data.features().rows(split.train());
        test = data.features().rows(split.test());
        boolean[] trainChurned = StratifiedHoldout.select(data.churned(), split.train());
        testChurned = StratifiedHoldout.select(data.churned(), split.test());
        trees = ChurnModel.train(train, trainChurned, ChurnTrainingSettings.gradientBoostedTrees());
        logistic = ChurnModel.train(train, trainChurned, ChurnTrainingSettings.logisticRegression());
    }

    @AfterAll
    static void close() {
        trees.close();
        logistic.close();
    }

    @Test
    void should_read_the_published_counts() {
        assertThat(data.features().rowCount()).isEqualTo(7043);
        assertThat(count(data.churned())).isEqualTo(1869);
        assertThat(test.rowCount()).isEqualTo(Math.round(0.25 * 1869) + Math.round(0.25 * 5174));
        assertThat(count(testChurned)).isEqualTo(467);
    }

    @Test
    void should_rank_held_out_churners_above_stayers_with_gradient_boosted_trees() {
        var e = ChurnEvaluation.of(trees.predictAll(test), testChurned);
        report("gradient-boosted trees", e);
        assertThat(e.auc()).isGreaterThanOrEqualTo(0.84);
        assertThat(e.averagePrecision()).isGreaterThan(2 * e.churnRate());
        // Always predicting the churn rate scores π(1 − π) ≈ 0.195.
        assertThat(e.brier()).isLessThan(0.15);
        assertThat(e.calibration().meanAbsoluteGap()).isLessThan(0.05);
    }

    @Test
    void should_rank_held_out_churners_nearly_as_well_with_the_logistic_baseline() {
        var e = ChurnEvaluation.of(logistic.predictAll(test), testChurned);
        report("logistic regression", e);
        assertThat(e.auc()).isGreaterThanOrEqualTo(0.84);
        assertThat(e.brier()).isLessThan(0.15);
    }

    @Test
    void should_split_a_tree_score_into_contributions_that_add_up_to_its_log_odds() {
        for (int r : new int[]{0, 17, 400, 1500}) {
            float[] row = test.row(r);
            var x = trees.explain(row);
            double sum = x.bias() + Arrays.stream(x.contributions()).sum();
            assertThat(sum).isCloseTo(x.margin(), within(1e-4));
            assertThat(x.probability()).isCloseTo(trees.predict(row), within(1e-6));
        }
    }

    @Test
    void should_split_a_logistic_score_into_contributions_that_add_up_to_its_log_odds() {
        float[] row = test.row(3);
        var x = logistic.explain(row);
        assertThat(x.bias() + Arrays.stream(x.contributions()).sum()).isCloseTo(x.margin(), within(1e-12));
        assertThat(x.probability()).isCloseTo(logistic.predict(row), within(1e-12));
    }

    @Test
    void should_give_the_riskiest_customers_reasons_in_plain_words() {
        double[] p = trees.predictAll(test);
        int riskiest = 0;
        for (int i = 1; i < p.length; i++) {
            riskiest = p[i] > p[riskiest] ? i : riskiest;
        }
        var reasons = trees.explain(test.row(riskiest)).reasons(3);
        System.out.printf(Locale.ROOT, "telco riskiest held-out customer (p = %.3f): %s%n", p[riskiest],
                reasons.stream().map(ChurnReason::text).toList());
        assertThat(reasons).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(reasons).allSatisfy(r -> {
            assertThat(r.contribution()).isPositive();
            assertThat(r.text()).doesNotContain("=", "{", "}", "NaN").matches("[a-z$][a-zA-Z0-9 $.,×%()-]*");
        });
        assertThat(reasons.getFirst().contribution()).isGreaterThanOrEqualTo(reasons.getLast().contribution());
    }

    @Test
    void should_name_a_month_to_month_contract_and_a_short_tenure_as_reasons() {
        // Across the held-out churners, the commonest top reasons are the contract and tenure.
        int contract = 0;
        int tenure = 0;
        int churners = 0;
        for (int i = 0; i < test.rowCount(); i++) {
            if (testChurned[i]) {
                churners++;
                var texts = trees.explain(test.row(i)).reasons(3).stream().map(ChurnReason::text).toList();
                contract += texts.contains("month-to-month contract") ? 1 : 0;
                tenure += texts.stream().anyMatch(t -> t.startsWith("tenure only ") || t.equals("joined this month")) ? 1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "telco held-out churners: month-to-month in top 3 for %d of %d, short tenure for %d%n",
                contract, churners, tenure);
        assertThat(contract).isGreaterThan(churners / 2);
        assertThat(tenure).isGreaterThan(churners / 4);
    }

    @Test
    void should_predict_the_same_after_saving_and_loading() {
        for (var model : new TrainedChurnModel[]{trees, logistic}) {
            try (var loaded = TrainedChurnModel.fromBytes(model.toBytes())) {
                assertThat(loaded.kind()).isEqualTo(model.kind());
                assertThat(loaded.features()).isEqualTo(model.features());
                assertThat(loaded.predictAll(test)).containsExactly(model.predictAll(test));
                assertThat(loaded.explain(test.row(5)).reasons(3)).isEqualTo(model.explain(test.row(5)).reasons(3));
            }
        }
    }

    private static void report(String model, ChurnEvaluation e) {
        System.out.printf(Locale.ROOT, "telco %s: AUC %.4f, PR-AUC %.4f (churn rate %.3f), Brier %.4f, calibration gap %.4f%n",
                model, e.auc(), e.averagePrecision(), e.churnRate(), e.brier(), e.calibration().meanAbsoluteGap());
        for (var bin : e.calibration().bins()) {
            System.out.printf(Locale.ROOT, "  %4d customers  predicted %.3f  observed %.3f%n", bin.customers(), bin.meanPredicted(), bin.observedRate());
        }
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return n;
    }
}
