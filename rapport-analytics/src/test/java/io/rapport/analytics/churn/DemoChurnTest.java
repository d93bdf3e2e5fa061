package io.rapport.analytics.churn;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Locale;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on the demo brand (20,000 customers, 4 years to 2025-01-01): features from the
 * figures as of a cutoff day, churned = no purchase in the next 180 days. Trained at a cutoff
 * one year before the test cutoff, tested at the last cutoff whose 180 days are all observed:
 * the model is judged on a later period than it learnt from, as it will be in production.
 */
class DemoChurnTest {

    private static final Instant END = Instant.parse("2025-01-01T00:00:00Z");
    private static final int HORIZON = 180;

    private static DemoBehaviourHistory history;
    private static long testCutoff;
    private static long trainCutoff;
    private static Cohort train;
    private static Cohort test;
    private static TrainedChurnModel trees;
    private static TrainedChurnModel logistic;

    private record Cohort(ChurnFeatures features, boolean[] churned) {
    }

    @BeforeAll
    static void trainAtTheEarlierCutoff() {
        history = DemoBehaviourHistory.generate(20250101L, 20_000, END, 4);
        long endDay = DemoBehaviourHistory.localDay(END); // first day not generated
        testCutoff = endDay - 1 - HORIZON;
        trainCutoff = testCutoff - 365;
        train = cohort(trainCutoff);
        test = cohort(testCutoff);
        trees = ChurnModel.train(train.features(), train.churned(), ChurnTrainingSettings.gradientBoostedTrees());
        logistic = ChurnModel.train(train.features(), train.churned(), ChurnTrainingSettings.logisticRegression());
    }

    @AfterAll
    static void close() {
        trees.close();
        logistic.close();
    }

    /** Customers who bought by the cutoff, their figures then, and whether they bought in the next 180 days. */
    private static Cohort cohort(long cutoff) {
        var tx = history.transactions();
        boolean[] bought = ChurnLabels.purchasedBy(tx, history.customerCount(), cutoff);
        boolean[] churned = ChurnLabels.noPurchaseWithin(tx, history.customerCount(), cutoff, HORIZON);
        int[] customers = IntStream.range(0, bought.length).filter(i -> bought[i]).toArray();
        return new Cohort(BehaviourChurnFeatures.build(history.figuresAt(cutoff, customers)),
                StratifiedHoldout.select(churned, customers));
    }

    @Test
    void should_rank_next_periods_churners_above_returning_customers() {
        var e = ChurnEvaluation.of(trees.predictAll(test.features()), test.churned());
        var baseline = ChurnEvaluation.of(logistic.predictAll(test.features()), test.churned());
        System.out.printf(Locale.ROOT, "demo: train cohort %d (churn %.3f), test cohort %d (churn %.3f)%n",
                train.churned().length, rate(train.churned()), e.customers(), e.churnRate());
        System.out.printf(Locale.ROOT, "demo trees: AUC %.4f, PR-AUC %.4f, Brier %.4f, calibration gap %.4f%n",
                e.auc(), e.averagePrecision(), e.brier(), e.calibration().meanAbsoluteGap());
        System.out.printf(Locale.ROOT, "demo logistic: AUC %.4f, PR-AUC %.4f, Brier %.4f%n",
                baseline.auc(), baseline.averagePrecision(), baseline.brier());
        for (var bin : e.calibration().bins()) {
            System.out.printf(Locale.ROOT, "  %5d customers  predicted %.3f  observed %.3f%n", bin.customers(), bin.meanPredicted(), bin.observedRate());
        }
        assertThat(e.auc()).isGreaterThanOrEqualTo(0.85);
        assertThat(e.auc()).isGreaterThan(baseline.auc() - 0.01);
    }

    @Test
    void should_still_rank_well_among_repeat_customers_where_one_off_buyers_do_not_help() {
        // Half the demo customers buy once and never return; scoring them is easy. Among customers
        // with two or more purchase days the question is the real one: who stops.
        int days = test.features().names().indexOf(BehaviourChurnFeatures.PURCHASE_DAYS);
        int[] repeat = IntStream.range(0, test.churned().length).filter(i -> test.features().value(i, days) >= 2).toArray();
        var rows = test.features().rows(repeat);
        var e = ChurnEvaluation.of(trees.predictAll(rows), StratifiedHoldout.select(test.churned(), repeat));
        var baseline = ChurnEvaluation.of(logistic.predictAll(rows), StratifiedHoldout.select(test.churned(), repeat));
        System.out.printf(Locale.ROOT, "demo repeat customers: %d (churn %.3f), trees AUC %.4f, PR-AUC %.4f, Brier %.4f; logistic AUC %.4f%n",
                e.customers(), e.churnRate(), e.auc(), e.averagePrecision(), e.brier(), baseline.auc());
        assertThat(e.auc()).isGreaterThanOrEqualTo(0.70);
    }

    @Test
    void should_explain_a_lapsed_regular_in_the_words_of_the_brand() {
        double[] p = trees.predictAll(test.features());
        int recency = test.features().names().indexOf(BehaviourChurnFeatures.RECENCY_VS_USUAL_INTERVAL);
        int lapsed = -1;
        for (int i = 0; i < p.length; i++) {
            if (test.features().value(i, recency) > 2 && (lapsed < 0 || p[i] > p[lapsed])) {
                lapsed = i;
            }
        }
        var reasons = trees.explain(test.features().row(lapsed)).reasons(3);
        System.out.printf(Locale.ROOT, "demo lapsed regular (p = %.3f): %s%n", p[lapsed], reasons.stream().map(ChurnReason::text).toList());
        assertThat(reasons).isNotEmpty();
        assertThat(reasons).allSatisfy(r -> assertThat(r.text()).doesNotContain("{", "}", "NaN", "_"));
    }

    private static double rate(boolean[] b) {
        int n = 0;
        for (boolean v : b) {
            n += v ? 1 : 0;
        }
        return (double) n / b.length;
    }
}
