package io.rapport.analytics.summary;

import io.rapport.analytics.SharedData;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RepeatPurchaseSummarizerTest {

    private static final LocalDate END = LocalDate.of(2024, 12, 31);
    private static final long E = END.toEpochDay();
    private final RepeatPurchaseSummarizer days = new RepeatPurchaseSummarizer(PeriodUnit.DAYS);

    private static TransactionColumns tx(int[] c, long[] d, double[] a) {
        return new TransactionColumns(c, d, a);
    }

    @Test
    void should_count_same_day_purchases_as_one_purchase_day() {
        var s = days.summarize(tx(new int[]{0, 0, 0, 0}, new long[]{E - 10, E - 10, E - 3, E - 3},
                new double[]{5, 7, 10, 20}), 1, END);
        assertThat(s.purchaseDays()[0]).isEqualTo(2);
        assertThat(s.frequency()[0]).isEqualTo(1);
        assertThat(s.recency()[0]).isEqualTo(7.0);
        assertThat(s.age()[0]).isEqualTo(10.0);
        assertThat(s.monetaryValue()[0]).as("repeat day value = 10 + 20").isEqualTo(30.0);
        assertThat(s.totalSpend()[0]).isEqualTo(42.0);
    }

    @Test
    void should_give_one_time_buyers_zero_frequency_recency_and_monetary_value() {
        var s = days.summarize(tx(new int[]{0, 1, 2}, new long[]{E - 5, E - 1, E}, new double[]{10, 20, 30}), 3, END);
        assertThat(s.frequency()).containsExactly(0, 0, 0);
        assertThat(s.recency()).containsExactly(0.0, 0.0, 0.0);
        assertThat(s.monetaryValue()).containsExactly(0.0, 0.0, 0.0);
        assertThat(s.age()).containsExactly(5.0, 1.0, 0.0);
    }

    @Test
    void should_count_zero_amount_orders_as_purchase_days() {
        var s = days.summarize(tx(new int[]{0, 0, 0}, new long[]{E - 9, E - 6, E - 2}, new double[]{0, 0, 12}), 1, END);
        assertThat(s.frequency()[0]).isEqualTo(2);
        assertThat(s.monetaryValue()[0]).isEqualTo(6.0);
    }

    @Test
    void should_net_a_return_against_purchases_of_the_same_day() {
        var s = days.summarize(tx(new int[]{0, 0, 0, 0}, new long[]{E - 9, E - 2, E - 2, E - 2},
                new double[]{50, 40, 15, -25}), 1, END);
        assertThat(s.frequency()[0]).isEqualTo(1);
        assertThat(s.monetaryValue()[0]).isEqualTo(30.0);
    }

    @Test
    void should_ignore_return_only_days_and_never_value_a_day_below_zero() {
        var s = days.summarize(tx(new int[]{0, 0, 0, 0}, new long[]{E - 9, E - 5, E - 2, E - 2},
                new double[]{50, -50, 10, -30}), 1, END);
        assertThat(s.purchaseDays()[0]).as("the return-only day is not a purchase day").isEqualTo(2);
        assertThat(s.recency()[0]).isEqualTo(7.0);
        assertThat(s.monetaryValue()[0]).isEqualTo(0.0);
    }

    @Test
    void should_leave_customers_without_purchases_empty() {
        var s = days.summarize(tx(new int[]{1}, new long[]{E + 3}, new double[]{9}), 3, END);
        assertThat(s.purchasingCustomerCount()).isZero();
        assertThat(s.hasPurchased(1)).as("purchase after the end is ignored").isFalse();
    }

    @Test
    void should_summarize_a_single_customer_in_weeks() {
        var weeks = new RepeatPurchaseSummarizer(PeriodUnit.WEEKS);
        var s = weeks.summarize(tx(new int[]{0, 0}, new long[]{E - 14, E - 7}, new double[]{1, 2}), 1, END);
        assertThat(s.recency()[0]).isEqualTo(1.0);
        assertThat(s.age()[0]).isEqualTo(2.0);
    }

    @Test
    void should_reject_customer_count_smaller_than_largest_index() {
        assertThatThrownBy(() -> days.summarize(tx(new int[]{4}, new long[]{E}, new double[]{1}), 2, END))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customerCount");
    }

    @Test
    void should_match_a_brute_force_recomputation_on_random_data() {
        var random = new Random(42);
        int customers = 300;
        int n = 5_000;
        int[] c = new int[n];
        long[] d = new long[n];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = random.nextInt(customers);
            d[i] = E - 400 + random.nextInt(500);
            a[i] = random.nextInt(10) == 0 ? -random.nextInt(50) : random.nextInt(5) == 0 ? 0 : random.nextInt(200);
        }
        LocalDate calibrationEnd = END.minusDays(60);
        var result = new RepeatPurchaseSummarizer(PeriodUnit.WEEKS).summarize(tx(c, d, a), customers, calibrationEnd, END);
        var s = result.calibration();
        long calEnd = calibrationEnd.toEpochDay();
        for (int k = 0; k < customers; k++) {
            // Brute force: per-day net and "has a purchase" flag in a sorted map.
            var net = new TreeMap<Long, Double>();
            var bought = new TreeMap<Long, Boolean>();
            for (int i = 0; i < n; i++) {
                if (c[i] == k && d[i] <= E) {
                    net.merge(d[i], a[i], Double::sum);
                    bought.merge(d[i], a[i] >= 0, Boolean::logicalOr);
                }
            }
            List<long[]> calDays = new ArrayList<>();
            List<Double> calValues = new ArrayList<>();
            List<Double> holdValues = new ArrayList<>();
            for (var day : net.keySet()) {
                if (!bought.get(day)) continue;
                double v = Math.max(0, net.get(day));
                if (day <= calEnd) {
                    calDays.add(new long[]{day});
                    calValues.add(v);
                } else {
                    holdValues.add(v);
                }
            }
            assertThat(s.purchaseDays()[k]).isEqualTo(calDays.size());
            assertThat(result.holdoutFrequency()[k]).isEqualTo(holdValues.size());
            assertThat(result.holdoutMonetaryValue()[k]).isCloseTo(
                    holdValues.stream().mapToDouble(x -> x).average().orElse(0), within(1e-9));
            if (calDays.isEmpty()) continue;
            long first = calDays.getFirst()[0];
            long last = calDays.getLast()[0];
            assertThat(s.frequency()[k]).isEqualTo(calDays.size() - 1);
            assertThat(s.recency()[k]).isCloseTo((last - first) / 7.0, within(1e-12));
            assertThat(s.age()[k]).isCloseTo((calEnd - first) / 7.0, within(1e-12));
            assertThat(s.monetaryValue()[k]).isCloseTo(
                    calValues.stream().skip(1).mapToDouble(x -> x).average().orElse(0), within(1e-9));
        }
        assertThat(result.holdoutDuration()).isCloseTo(60 / 7.0, within(1e-12));
    }

    @Test
    void should_reproduce_the_published_cdnow_calibration_summary() {
        var result = new RepeatPurchaseSummarizer(PeriodUnit.WEEKS).summarize(SharedData.cdnowSampleTransactions(),
                2357, SharedData.CDNOW_CALIBRATION_END, SharedData.CDNOW_OBSERVATION_END);
        var s = result.calibration();
        var published = SharedData.cdnowSummary();
        assertThat(s.purchasingCustomerCount()).isEqualTo(2357);
        long repeaters = 0;
        long sumX = 0;
        for (int i = 0; i < published.size(); i++) {
            assertThat(s.frequency()[i]).as("x of customer %d", i + 1).isEqualTo((int) published.x()[i]);
            assertThat(s.recency()[i]).isCloseTo(published.tx()[i], within(0.0051));
            assertThat(s.age()[i]).isCloseTo(published.T()[i], within(0.0051));
            assertThat(s.monetaryValue()[i]).isCloseTo(published.zbar()[i], within(0.0051));
            repeaters += s.frequency()[i] > 0 ? 1 : 0;
            sumX += s.frequency()[i];
        }
        assertThat(repeaters).isEqualTo(946);
        assertThat(sumX).isEqualTo(2457);
        assertThat(result.holdoutDuration()).isEqualTo(39.0);
    }
}
