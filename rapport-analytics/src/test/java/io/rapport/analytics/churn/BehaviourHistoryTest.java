package io.rapport.analytics.churn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's history against the test's own straightforward recomputation ({@link DemoBehaviourHistory}), and
 * the time-split training on it.
 */
class BehaviourHistoryTest {

    private static final Instant END = Instant.parse("2025-01-01T00:00:00Z");
    private static DemoBehaviourHistory demo;
    private static BehaviourHistory history;

    @BeforeAll
    static void generate() {
        demo = DemoBehaviourHistory.generate(7L, 5_000, END, 4);
        history = demo.toBehaviourHistory();
    }

    @Test
    void should_give_the_figures_of_a_brute_force_recomputation_at_any_cutoff() {
        long end = DemoBehaviourHistory.localDay(END);
        for (long cutoff : new long[] {end - 1, end - 200, end - 700}) {
            int[] customers = IntStream.range(0, demo.customerCount()).filter(i -> i % 3 != 1).toArray();
            var expected = demo.figuresAt(cutoff, customers);
            var actual = history.figuresAt(cutoff, customers);
            assertThat(actual.orderCount()).isEqualTo(expected.orderCount());
            assertThat(actual.purchaseDays()).isEqualTo(expected.purchaseDays());
            assertThat(actual.returnCount()).isEqualTo(expected.returnCount());
            assertThat(actual.ordersLast180()).isEqualTo(expected.ordersLast180());
            assertThat(actual.ordersPrevious180()).isEqualTo(expected.ordersPrevious180());
            assertThat(actual.eventsLast30()).isEqualTo(expected.eventsLast30());
            assertClose(actual.totalSpend(), expected.totalSpend());
            assertClose(actual.spendLast180(), expected.spendLast180());
            assertClose(actual.spendPrevious180(), expected.spendPrevious180());
            assertThat(actual.daysSinceFirstPurchase()).isEqualTo(expected.daysSinceFirstPurchase());
            assertThat(actual.daysSinceLastPurchase()).isEqualTo(expected.daysSinceLastPurchase());
            assertThat(actual.medianIntervalDays()).isEqualTo(expected.medianIntervalDays());
            assertClose(actual.averageSentiment(), expected.averageSentiment());
            for (int c = 0; c < expected.channels().size(); c++) {
                assertClose(actual.channelShare()[c], expected.channelShare()[c]);
            }
            assertThat(history.purchasedBy(cutoff))
                    .isEqualTo(ChurnLabels.purchasedBy(demo.transactions(), demo.customerCount(), cutoff));
            assertThat(history.noPurchaseWithin(cutoff, 90))
                    .isEqualTo(ChurnLabels.noPurchaseWithin(demo.transactions(), demo.customerCount(), cutoff, 90));
        }
    }

    @Test
    void should_put_unknown_channels_of_a_saved_model_at_zero_share() {
        long cutoff = DemoBehaviourHistory.localDay(END) - 1;
        var figures = history.figuresAt(cutoff, new int[] {0, 1, 2}, List.of("app", "kiosk"));
        assertThat(figures.channels()).containsExactly("app", "kiosk");
        assertThat(figures.channelShare()[1]).containsOnly(0.0);
        assertThat(figures.channelShare()[0]).isEqualTo(demo.figuresAt(cutoff, new int[] {0, 1, 2})
                .channelShare()[DemoBehaviourHistory.CHANNELS.indexOf("app")]);
    }

    @Test
    void should_train_on_the_time_split_and_report_its_held_out_auc() {
        long asOf = DemoBehaviourHistory.localDay(END) - 1;
        var outcome = TimeSplitTraining.train(history, asOf, TimeSplitTraining.Settings.defaults());
        assertThat(outcome).isInstanceOf(TimeSplitTraining.Trained.class);
        var trained = (TimeSplitTraining.Trained) outcome;
        try (var model = trained.model()) {
            var e = trained.evaluation();
            System.out.printf(Locale.ROOT, "time split at %d: cohort %d, trained on %d, held out %d (churn %.3f): "
                            + "AUC %.4f, PR-AUC %.4f, Brier %.4f; logistic AUC %.4f%n", trained.cutoffDay(),
                    trained.cohortCustomers(), trained.trainedOn(), e.customers(), e.churnRate(), e.auc(),
                    e.averagePrecision(), e.brier(), trained.baselineEvaluation().auc());
            assertThat(trained.cutoffDay()).isEqualTo(asOf - 180);
            assertThat(e.customers() + trained.trainedOn()).isEqualTo(trained.cohortCustomers());
            boolean[] bought = history.purchasedBy(asOf - 180);
            boolean[] lapsed = history.noPurchaseWithin(asOf - 180, 180);
            int positives = 0, negatives = 0;
            for (int i = 0; i < bought.length; i++) {
                if (bought[i]) {
                    positives += lapsed[i] ? 1 : 0;
                    negatives += lapsed[i] ? 0 : 1;
                }
            }
            assertThat(trained.cohortCustomers()).isEqualTo(positives + negatives);
            assertThat(e.churned()).isEqualTo((int) Math.round(0.25 * positives));
            assertThat(e.customers()).isEqualTo((int) Math.round(0.25 * positives) + (int) Math.round(0.25 * negatives));
            assertThat(e.auc()).isGreaterThanOrEqualTo(0.8);

            int[] buyers = IntStream.range(0, history.customerCount())
                    .filter(i -> history.purchasedBy(asOf)[i]).limit(200).toArray();
            var rows = TimeSplitTraining.featuresAt(history, asOf, buyers, model);
            var explanations = model.explainAll(rows);
            double[] p = model.predictAll(rows);
            for (int i = 0; i < buyers.length; i++) {
                assertThat(explanations[i].probability()).isCloseTo(p[i], org.assertj.core.api.Assertions.within(1e-5));
                var single = model.explain(rows.row(i));
                assertThat(explanations[i].contributions())
                        .containsExactly(single.contributions(), org.assertj.core.api.Assertions.within(1e-6));
            }
        }
    }

    @Test
    void should_not_train_when_the_history_is_shorter_than_the_horizon() {
        long end = DemoBehaviourHistory.localDay(END);
        long firstDay = history.firstSaleDay().orElseThrow();
        var outcome = TimeSplitTraining.train(history, firstDay + 100, TimeSplitTraining.Settings.defaults());
        assertThat(outcome).isInstanceOfSatisfying(TimeSplitTraining.TooLittleHistory.class,
                t -> assertThat(t.reason()).contains("180 days"));
        var few = TimeSplitTraining.train(history, end - 1,
                TimeSplitTraining.Settings.defaults().withMinimums(1_000_000, 50));
        assertThat(few).isInstanceOfSatisfying(TimeSplitTraining.TooLittleHistory.class,
                t -> assertThat(t.reason()).contains("at least 1000000"));
    }

    private static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertThat(actual[i]).as("index %d", i).isNaN();
            } else {
                assertThat(actual[i]).as("index %d", i).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-6));
            }
        }
    }
}
