package io.rapport.analytics.basket;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The result of {@link FpGrowth}: every frequent itemset, ordered by size and then by item ids.
 *
 * @param itemsets    the itemsets
 * @param basketCount number of baskets mined, the denominator of support
 */
public record FrequentItemsets(List<FrequentItemset> itemsets, int basketCount) {

    public FrequentItemsets {
        itemsets = List.copyOf(itemsets);
    }

    /** Basket count of an itemset (ids in any order), if it is frequent. */
    public OptionalInt count(int... items) {
        Integer c = index().get(new Key(sorted(items)));
        return c == null ? OptionalInt.empty() : OptionalInt.of(c);
    }

    Map<Key, Integer> index() {
        Map<Key, Integer> map = new HashMap<>(itemsets.size() * 2);
        for (FrequentItemset s : itemsets) {
            map.put(new Key(s.items()), s.count());
        }
        return map;
    }

    private static int[] sorted(int[] items) {
        int[] copy = items.clone();
        Arrays.sort(copy);
        return copy;
    }

    /** An itemset as a hash key. */
    record Key(int[] items) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(items, k.items);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(items);
        }
    }
}
