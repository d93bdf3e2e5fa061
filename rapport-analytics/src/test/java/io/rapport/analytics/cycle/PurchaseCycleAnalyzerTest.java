package io.rapport.analytics.cycle;

import io.rapport.analytics.summary.TransactionColumns;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PurchaseCycleAnalyzerTest {

    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    private static final long D0 = START.toEpochDay();

    @Test
    void should_expect_the_next_purchase_one_median_gap_after_the_last() {
        var tx = new TransactionColumns(new int[]{0, 0, 0, 0}, new long[]{D0, D0 + 10, D0 + 20, D0 + 40}, new double[]{1, 1, 1, 1});
        var cycle = PurchaseCycleAnalyzer.customerCycles(tx, 1).of(0).orElseThrow();
        assertThat(cycle.intervals()).isEqualTo(3);
        assertThat(cycle.medianDays()).isEqualTo(10.0);
        assertThat(cycle.lowerQuartileDays()).isEqualTo(10.0);
        assertThat(cycle.upperQuartileDays()).isEqualTo(15.0);
        assertThat(cycle.expectedNext()).isEqualTo(START.plusDays(50));
        assertThat(cycle.earliestNext()).isEqualTo(START.plusDays(50));
        assertThat(cycle.latestNext()).isEqualTo(START.plusDays(55));
    }

    @Test
    void should_not_count_a_second_purchase_on_the_same_day_as_a_zero_day_cycle() {
        var tx = new TransactionColumns(new int[]{0, 0, 0}, new long[]{D0, D0, D0 + 7}, new double[]{5, 3, 2});
        var cycle = PurchaseCycleAnalyzer.customerCycles(tx, 1).of(0).orElseThrow();
        assertThat(cycle.intervals()).isEqualTo(1);
        assertThat(cycle.medianDays()).isEqualTo(7.0);
    }

    @Test
    void should_not_count_a_return_only_day_as_a_purchase() {
        var tx = new TransactionColumns(new int[]{0, 0, 0}, new long[]{D0, D0 + 3, D0 + 10}, new double[]{5, -5, 2});
        assertThat(PurchaseCycleAnalyzer.customerCycles(tx, 1).of(0).orElseThrow().medianDays()).isEqualTo(10.0);
    }

    @Test
    void should_have_no_cycle_for_a_one_time_buyer() {
        var tx = new TransactionColumns(new int[]{0, 1, 1}, new long[]{D0, D0, D0 + 30}, new double[]{1, 1, 1});
        var cycles = PurchaseCycleAnalyzer.customerCycles(tx, 3);
        assertThat(cycles.of(0)).isEmpty();
        assertThat(cycles.of(1)).isPresent();
        assertThat(cycles.of(2)).as("no purchase at all").isEmpty();
    }

    @Test
    void should_measure_cycles_within_each_category_separately() {
        // Coffee every 14 days, filters every 60 days, interleaved.
        var tx = new TransactionColumns(new int[]{0, 0, 0, 0, 0, 0}, new long[]{D0, D0, D0 + 14, D0 + 28, D0 + 42, D0 + 60},
                new double[]{1, 1, 1, 1, 1, 1});
        int[] category = {0, 1, 0, 0, 0, 1};
        List<CategoryCycle> cycles = PurchaseCycleAnalyzer.categoryCycles(tx, category, 1);
        assertThat(cycles).hasSize(2);
        assertThat(cycles.get(0).category()).isZero();
        assertThat(cycles.get(0).cycle().medianDays()).isEqualTo(14.0);
        assertThat(cycles.get(1).category()).isEqualTo(1);
        assertThat(cycles.get(1).cycle().medianDays()).isEqualTo(60.0);
        assertThat(cycles.get(1).cycle().expectedNext()).isEqualTo(START.plusDays(120));
    }

    @Test
    void should_count_who_bought_a_then_b_within_the_window() {
        var end = START.plusDays(100);
        // Customer 0: phone (0) then case (1) 5 days later. Customer 1: phone then case 40 days later (too late).
        // Customer 2: case only. Customer 3: phone 95 days in: window not fully observed, not an anchor.
        var tx = new TransactionColumns(new int[]{0, 0, 1, 1, 2, 3, 3}, new long[]{D0, D0 + 5, D0, D0 + 40, D0 + 10, D0 + 95, D0 + 96},
                new double[]{1, 1, 1, 1, 1, 1, 1});
        int[] category = {0, 1, 0, 1, 1, 0, 1};
        var transitions = PurchaseCycleAnalyzer.transitions(tx, category, 2, 30, end);
        var phoneToCase = transitions.stream().filter(t -> t.from() == 0 && t.to() == 1).findFirst().orElseThrow();
        assertThat(phoneToCase.customers()).isEqualTo(1);
        assertThat(phoneToCase.confidence()).isEqualTo(0.5);
        assertThat(phoneToCase.support()).isCloseTo(1 / 3.0, within(1e-12));
        // Baseline: of 3 eligible customers, only customer 0 bought a case within 30 days of any purchase.
        assertThat(phoneToCase.lift()).isCloseTo(0.5 / (1 / 3.0), within(1e-12));
        assertThat(transitions).hasSize(1);
    }

    @Test
    void should_match_a_brute_force_count_of_transitions_on_random_data() {
        var random = new Random(7);
        int n = 3_000, customers = 200, categories = 6, window = 20;
        int[] c = new int[n], cat = new int[n];
        long[] d = new long[n];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = random.nextInt(customers);
            cat[i] = random.nextInt(categories);
            d[i] = D0 + random.nextInt(365);
            a[i] = random.nextInt(8) == 0 ? -1 : 10;
        }
        var end = START.plusDays(365);
        var tx = new TransactionColumns(c, d, a);
        var transitions = PurchaseCycleAnalyzer.transitions(tx, cat, categories, window, end);

        long lastAnchor = end.toEpochDay() - window;
        // Brute force over purchase events, a day with only returns in a category is no purchase in it.
        Set<List<Long>> purchases = new HashSet<>();
        for (int i = 0; i < n; i++) if (a[i] >= 0) purchases.add(List.of((long) c[i], (long) cat[i], d[i]));
        Map<List<Integer>, Set<Integer>> pairCustomers = new HashMap<>();
        Map<Integer, Set<Integer>> fromCustomers = new HashMap<>();
        Map<Integer, Set<Integer>> toCustomers = new HashMap<>();
        Set<Integer> eligible = new HashSet<>();
        for (var p : purchases) {
            if (p.get(2) > lastAnchor) continue;
            int customer = p.get(0).intValue();
            eligible.add(customer);
            fromCustomers.computeIfAbsent(p.get(1).intValue(), k -> new HashSet<>()).add(customer);
            for (var q : purchases) {
                if (q.get(0) == customer && q.get(2) > p.get(2) && q.get(2) <= p.get(2) + window) {
                    pairCustomers.computeIfAbsent(List.of(p.get(1).intValue(), q.get(1).intValue()), k -> new HashSet<>()).add(customer);
                    toCustomers.computeIfAbsent(q.get(1).intValue(), k -> new HashSet<>()).add(customer);
                }
            }
        }
        assertThat(transitions).hasSize(pairCustomers.size());
        for (var t : transitions) {
            int hits = pairCustomers.get(List.of(t.from(), t.to())).size();
            assertThat(t.customers()).isEqualTo(hits);
            double confidence = (double) hits / fromCustomers.get(t.from()).size();
            assertThat(t.confidence()).isCloseTo(confidence, within(1e-12));
            assertThat(t.support()).isCloseTo((double) hits / eligible.size(), within(1e-12));
            assertThat(t.lift()).isCloseTo(confidence / ((double) toCustomers.get(t.to()).size() / eligible.size()), within(1e-12));
        }
    }
}
