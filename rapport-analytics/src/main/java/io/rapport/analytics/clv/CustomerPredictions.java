package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CustomerSummaries;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Every per-customer prediction of a fitted BG/NBD + Gamma-Gamma pair, computed in bulk: the
 * same numbers as {@link BgNbdParameters#probabilityAlive}, {@link BgNbdParameters#conditionalExpectedPurchases},
 * {@link BgNbdParameters#probabilityOfPurchaseWithin}, {@link GammaGammaParameters#conditionalExpectedAverageValue}
 * and {@link CustomerLifetimeValue#of(double, double, double, double)}, one array slot per
 * customer index, 0 for customers with no purchase (they are not customers yet).
 *
 * <p>Why a bulk form: the expectations need hypergeometric series (one per CLV month), which
 * cost microseconds each. E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) · g(t; x, T), so the series
 * are summed once per distinct (x, T), typically a few tens of thousands for a million
 * customers, and the cheap closed forms are evaluated per customer, in parallel chunks (each
 * slot is computed independently, so the result does not depend on the thread count).
 *
 * @param probabilityAlive            P(alive | x, t_x, T)
 * @param expectedPurchases           E[Y(horizon) | x, t_x, T], in purchase days
 * @param probabilityOfPurchaseWithin P(at least one purchase in (T, T + window])
 * @param expectedAverageValue        Gamma-Gamma E(M | x, m_x)
 * @param lifetimeValue               discounted CLV as in {@link CustomerLifetimeValue}
 */
public record CustomerPredictions(
        double[] probabilityAlive,
        double[] expectedPurchases,
        double[] probabilityOfPurchaseWithin,
        double[] expectedAverageValue,
        double[] lifetimeValue) {

    private static final int CHUNK = 16_384;

    /**
     * @param horizon       periods ahead for {@code expectedPurchases}, in the summaries' unit
     * @param window        periods ahead for {@code probabilityOfPurchaseWithin}
     */
    public static CustomerPredictions of(CustomerSummaries summaries, CustomerLifetimeValue clv, double horizon, double window) {
        if (!(horizon >= 0) || !(window >= 0) || !Double.isFinite(horizon) || !Double.isFinite(window)) {
            throw new IllegalArgumentException("horizon and window must be finite and >= 0, got " + horizon + ", " + window);
        }
        var model = clv.transactions();
        var spend = clv.spend();
        double margin = clv.settings().margin();
        int n = summaries.customerCount();
        int[] x = summaries.frequency();
        double[] tx = summaries.recency();
        double[] age = summaries.age();
        double[] m = summaries.monetaryValue();

        // Distinct (x, T) pairs of purchasing customers, as packed (x, rank of T) keys.
        double[] ages = distinctAges(summaries);
        long[] keys = new long[n];
        int used = 0;
        for (int i = 0; i < n; i++) {
            if (summaries.hasPurchased(i)) {
                keys[used++] = ((long) x[i] << 32) | Arrays.binarySearch(ages, age[i]);
            }
        }
        long[] pairs = Arrays.copyOf(keys, used);
        Arrays.parallelSort(pairs);
        int distinct = 0;
        for (int k = 0; k < pairs.length; k++) {
            if (k == 0 || pairs[k] != pairs[k - 1]) {
                pairs[distinct++] = pairs[k];
            }
        }
        long[] unique = Arrays.copyOf(pairs, distinct);
        double[] ifAliveHorizon = new double[distinct];
        double[] ifAliveClv = new double[distinct];
        IntStream.range(0, distinct).parallel().forEach(k -> {
            double xv = unique[k] >>> 32;
            double T = ages[(int) unique[k]];
            ifAliveHorizon[k] = model.expectedPurchasesIfAlive(horizon, xv, T);
            ifAliveClv[k] = clv.discountedPurchasesIfAlive(xv, T);
        });

        double[] alive = new double[n];
        double[] expected = new double[n];
        double[] within = new double[n];
        double[] value = new double[n];
        double[] lifetime = new double[n];
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
            for (int i = c * CHUNK, to = Math.min(n, (c + 1) * CHUNK); i < to; i++) {
                if (!summaries.hasPurchased(i)) {
                    continue;
                }
                long key = ((long) x[i] << 32) | Arrays.binarySearch(ages, age[i]);
                int k = Arrays.binarySearch(unique, key);
                double p = model.probabilityAlive(x[i], tx[i], age[i]);
                alive[i] = p;
                expected[i] = p * ifAliveHorizon[k];
                within[i] = window == 0 ? 0.0 : model.probabilityOfPurchaseWithin(window, x[i], tx[i], age[i]);
                value[i] = spend.conditionalExpectedAverageValue(x[i], Math.max(0.0, m[i]));
                lifetime[i] = value[i] * margin * p * ifAliveClv[k];
            }
        });
        return new CustomerPredictions(alive, expected, within, value, lifetime);
    }

    private static double[] distinctAges(CustomerSummaries s) {
        double[] sorted = new double[s.purchasingCustomerCount()];
        int k = 0;
        for (int i = 0; i < s.customerCount(); i++) {
            if (s.hasPurchased(i)) {
                sorted[k++] = s.age()[i];
            }
        }
        Arrays.parallelSort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, n);
    }
}
