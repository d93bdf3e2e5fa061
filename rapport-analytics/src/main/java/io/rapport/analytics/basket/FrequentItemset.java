package io.rapport.analytics.basket;

import java.util.Arrays;

/**
 * A set of items bought together in at least the minimum share of baskets.
 *
 * @param items   item ids in ascending order
 * @param count   number of baskets containing all of them
 * @param support count / number of baskets
 */
public record FrequentItemset(int[] items, int count, double support) {

    public int size() {
        return items.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrequentItemset other && count == other.count && Arrays.equals(items, other.items);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(items) + count;
    }

    @Override
    public String toString() {
        return Arrays.toString(items) + " x" + count;
    }
}
