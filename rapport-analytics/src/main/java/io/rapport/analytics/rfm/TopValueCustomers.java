package io.rapport.analytics.rfm;

import java.util.Arrays;

/**
 * Flags the top share of customers by value (by default the top 20%: the "vital few" of the
 * Pareto principle).
 *
 * <p>The cut is a value, not a head count: every customer whose value reaches the value of the
 * ⌈share·n⌉-th best customer is flagged, so two customers with equal value are never split, and
 * the flagged share can exceed the target when there are ties at the cut. A customer with value
 * 0 or less is never flagged.
 *
 * @param flagged   per customer index
 * @param threshold the value at the cut
 */
public record TopValueCustomers(boolean[] flagged, double threshold) {

    public static final double DEFAULT_SHARE = 0.2;

    public static TopValueCustomers of(double[] value) {
        return of(value, DEFAULT_SHARE);
    }

    public static TopValueCustomers of(double[] value, double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be within (0, 1], got " + share);
        }
        int n = value.length;
        boolean[] flags = new boolean[n];
        if (n == 0) {
            return new TopValueCustomers(flags, Double.POSITIVE_INFINITY);
        }
        double[] sorted = value.clone();
        Arrays.sort(sorted);
        int count = (int) Math.ceil(share * n - 1e-9);
        double threshold = sorted[n - Math.max(count, 1)];
        for (int i = 0; i < n; i++) {
            flags[i] = value[i] >= threshold && value[i] > 0;
        }
        return new TopValueCustomers(flags, threshold);
    }

    public int flaggedCount() {
        int c = 0;
        for (boolean f : flagged) {
            c += f ? 1 : 0;
        }
        return c;
    }
}
