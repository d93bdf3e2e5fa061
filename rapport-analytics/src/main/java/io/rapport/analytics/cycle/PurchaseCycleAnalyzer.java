package io.rapport.analytics.cycle;

import io.rapport.analytics.summary.TransactionColumns;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Purchase cycles and cross-category transitions: when will a customer buy again, and what does
 * a purchase in one category lead to.
 *
 * <p>Purchase days follow the rule of
 * {@link io.rapport.analytics.summary.RepeatPurchaseSummarizer}: several transactions on one day
 * are one purchase (per category, for category cycles), and a day with returns only is not a
 * purchase. The median gap is used rather than the mean because one long pause (a holiday, a
 * move) should not shift the expected date, and the interquartile range is the band of usual
 * gaps (Tukey 1977, "Exploratory Data Analysis": robust and distribution-free). This is a
 * descriptive rule, not a probability model; for a model-based "will they buy in the next t
 * days" use {@link io.rapport.analytics.clv.BgNbdParameters#probabilityOfPurchaseWithin}.
 */
public final class PurchaseCycleAnalyzer {

    private PurchaseCycleAnalyzer() {
    }

    /** Per-customer purchase cycle; empty for customers with fewer than two purchase days. */
    public static CustomerCycles customerCycles(TransactionColumns transactions, int customerCount) {
        var grouped = PurchaseEvents.of(transactions, null, customerCount);
        PurchaseCycle[] cycles = new PurchaseCycle[customerCount];
        long[] gaps = new long[Math.max(1, grouped.maxEventsPerCustomer())];
        for (int c = 0; c < customerCount; c++) {
            int from = grouped.start()[c];
            int to = grouped.start()[c + 1];
            if (to - from >= 2) {
                cycles[c] = cycleOf(grouped.day(), from, to, gaps);
            }
        }
        return new CustomerCycles(cycles);
    }

    /** Cycle per (customer, category) with at least two purchase days, ordered by customer then category. */
    public static List<CategoryCycle> categoryCycles(TransactionColumns transactions, int[] category, int customerCount) {
        var grouped = PurchaseEvents.of(transactions, category, customerCount);
        List<CategoryCycle> result = new ArrayList<>();
        long[] gaps = new long[Math.max(1, grouped.maxEventsPerCustomer())];
        for (int c = 0; c < customerCount; c++) {
            int from = grouped.start()[c];
            int to = grouped.start()[c + 1];
            // Events are sorted by (category, day) within a customer.
            int runStart = from;
            for (int k = from + 1; k <= to; k++) {
                if (k == to || grouped.category()[k] != grouped.category()[runStart]) {
                    if (k - runStart >= 2) {
                        result.add(new CategoryCycle(c, grouped.category()[runStart],
                                cycleOf(grouped.day(), runStart, k, gaps)));
                    }
                    runStart = k;
                }
            }
        }
        return result;
    }

    /**
     * Category-to-category transitions within {@code withinDays} after a purchase.
     *
     * <p>Rules: "within N days" means on a later day, at most N days after (same-day combinations
     * are basket analysis, see {@link io.rapport.analytics.basket.FpGrowth}). Only purchases made
     * at least N days before {@code observationEnd} are used as starting points, so that every
     * window is fully observed; otherwise recent buyers would look as if they never follow up.
     * Each customer counts once per pair. Memory is categoryCount² ints.
     */
    public static List<CategoryTransition> transitions(TransactionColumns transactions, int[] category, int categoryCount,
                                                       int withinDays, LocalDate observationEnd) {
        if (withinDays < 1) {
            throw new IllegalArgumentException("withinDays must be at least 1, got " + withinDays);
        }
        for (int i = 0; i < category.length; i++) {
            if (category[i] < 0 || category[i] >= categoryCount) {
                throw new IllegalArgumentException("row " + i + ": category " + category[i] + " outside 0.." + (categoryCount - 1));
            }
        }
        int customerCount = transactions.minimumCustomerCount();
        var grouped = PurchaseEvents.of(transactions, category, customerCount);
        long lastAnchor = observationEnd.toEpochDay() - withinDays;

        int k2 = categoryCount * categoryCount;
        int[] pairHits = new int[k2];
        int[] pairStamp = new int[k2];
        int[] fromBase = new int[categoryCount];
        int[] fromStamp = new int[categoryCount];
        int[] toAny = new int[categoryCount];
        int[] toStamp = new int[categoryCount];
        int eligibleCustomers = 0;
        long[] days = new long[Math.max(1, grouped.maxEventsPerCustomer())];
        int[] cats = new int[days.length];
        Integer[] order = new Integer[days.length];

        for (int c = 0; c < customerCount; c++) {
            int from = grouped.start()[c];
            int to = grouped.start()[c + 1];
            int n = to - from;
            // Re-sort this customer's (category, day) events by day.
            for (int k = 0; k < n; k++) {
                order[k] = from + k;
            }
            Arrays.sort(order, 0, n, (x, y) -> grouped.day()[x] != grouped.day()[y]
                    ? Long.compare(grouped.day()[x], grouped.day()[y])
                    : Integer.compare(grouped.category()[x], grouped.category()[y]));
            for (int k = 0; k < n; k++) {
                days[k] = grouped.day()[order[k]];
                cats[k] = grouped.category()[order[k]];
            }
            int stamp = c + 1;
            boolean eligible = false;
            for (int i = 0; i < n && days[i] <= lastAnchor; i++) {
                eligible = true;
                int a = cats[i];
                if (fromStamp[a] != stamp) {
                    fromStamp[a] = stamp;
                    fromBase[a]++;
                }
                for (int j = i + 1; j < n && days[j] <= days[i] + withinDays; j++) {
                    if (days[j] == days[i]) {
                        continue;
                    }
                    int b = cats[j];
                    int pair = a * categoryCount + b;
                    if (pairStamp[pair] != stamp) {
                        pairStamp[pair] = stamp;
                        pairHits[pair]++;
                    }
                    if (toStamp[b] != stamp) {
                        toStamp[b] = stamp;
                        toAny[b]++;
                    }
                }
            }
            if (eligible) {
                eligibleCustomers++;
            }
        }

        List<CategoryTransition> result = new ArrayList<>();
        for (int a = 0; a < categoryCount; a++) {
            for (int b = 0; b < categoryCount; b++) {
                int hits = pairHits[a * categoryCount + b];
                if (hits == 0) {
                    continue;
                }
                double confidence = (double) hits / fromBase[a];
                double baseline = (double) toAny[b] / eligibleCustomers;
                result.add(new CategoryTransition(a, b, hits, (double) hits / eligibleCustomers, confidence,
                        confidence / baseline));
            }
        }
        return result;
    }

    private static PurchaseCycle cycleOf(long[] day, int from, int to, long[] gaps) {
        int length = to - from - 1;
        for (int k = 0; k < length; k++) {
            gaps[k] = day[from + k + 1] - day[from + k];
        }
        Arrays.sort(gaps, 0, length);
        return PurchaseCycle.of(gaps, length, day[to - 1]);
    }

    /** Per-customer purchase cycles by customer index. */
    public record CustomerCycles(PurchaseCycle[] cycles) {

        public Optional<PurchaseCycle> of(int customer) {
            return Optional.ofNullable(cycles[customer]);
        }

        public int customerCount() {
            return cycles.length;
        }
    }
}
