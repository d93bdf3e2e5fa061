package io.rapport.analytics.churn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.rapport.analytics.summary.TransactionColumns;
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

    @Test
    void should_make_one_order_of_a_customers_transactions_of_a_day_with_its_returns_apart() {
        // rows out of order; customer 0: two lines on day 10 and a partial return on day 10, a return-only day 20;
        // customer 2: a zero-amount day 5 and one line on day 12; customer 1 has nothing
        var tx = new io.rapport.analytics.summary.TransactionColumns(
                new int[] {0, 2, 0, 0, 2, 0},
                new long[] {10, 12, 10, 20, 5, 10},
                new double[] {30, 7, 20, -15, 0, -5});

        var h = BehaviourHistory.ofTransactions(tx, 3);

        assertThat(h.orderCount()).isEqualTo(5);
        var f = h.figuresAt(30, new int[] {0, 1, 2});
        assertThat(f.orderCount()).containsExactly(1, 0, 2);
        assertThat(f.returnCount()).containsExactly(2, 0, 0);
        assertThat(f.purchaseDays()).containsExactly(1, 0, 2);
        assertThat(f.totalSpend()).containsExactly(30.0, 0.0, 7.0);
        assertThat(f.daysSinceLastPurchase()).containsExactly(20.0, Double.NaN, 18.0);
        assertThat(h.purchasedBy(9)).containsExactly(false, false, true);
        assertThat(h.noPurchaseWithin(10, 5)).containsExactly(true, true, false);
    }

    @Test
    void should_build_from_transactions_the_history_of_one_order_per_customer_day() {
        TransactionColumns tx = demo.transactions();
        int n = demo.customerCount();
        // the straightforward way: sum each customer-day's non-negative and negative amounts in a map
        var sums = new java.util.TreeMap<Long, double[]>();
        for (int i = 0; i < tx.size(); i++) {
            double[] s = sums.computeIfAbsent(((long) tx.customer()[i] << 32) | tx.epochDay()[i], k -> new double[2]);
            s[tx.amount()[i] >= 0 ? 0 : 1] += tx.amount()[i];
        }
        var b = BehaviourHistory.builder(n);
        sums.forEach((key, s) -> {
            int c = (int) (key >>> 32);
            long day = (int) (long) key;
            if (s[0] > 0 || s[1] == 0) {
                b.order(c, day, s[0], -1, false);
            }
            if (s[1] < 0) {
                b.order(c, day, s[1], -1, true);
            }
        });
        var expected = b.build();

        var actual = BehaviourHistory.ofTransactions(tx, n);

        assertThat(actual.orderCount()).isEqualTo(expected.orderCount());
        int[] all = IntStream.range(0, n).toArray();
        long end = DemoBehaviourHistory.localDay(END);
        for (long cutoff : new long[] {end, end - 365}) {
            var e = expected.figuresAt(cutoff, all);
            var a = actual.figuresAt(cutoff, all);
            assertThat(a.orderCount()).isEqualTo(e.orderCount());
            assertThat(a.returnCount()).isEqualTo(e.returnCount());
            assertThat(a.purchaseDays()).isEqualTo(e.purchaseDays());
            assertThat(a.medianIntervalDays()).isEqualTo(e.medianIntervalDays());
            assertClose(a.totalSpend(), e.totalSpend());
            assertClose(a.spendLast180(), e.spendLast180());
        }
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
