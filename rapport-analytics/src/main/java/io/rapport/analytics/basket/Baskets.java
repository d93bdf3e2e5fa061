package io.rapport.analytics.basket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Market baskets with items encoded as dense ids: {@code baskets[k]} holds the distinct item ids
 * of basket k in ascending order; {@code items[id]} is the item's name. An item bought twice in
 * one basket counts once, because association rules are about co-occurrence, not quantity.
 */
public record Baskets(String[] items, int[][] baskets) {

    /** Encodes baskets given as item names; ids follow first appearance, so encoding is deterministic. */
    public static Baskets of(Iterable<? extends Collection<String>> itemLists) {
        Map<String, Integer> ids = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<int[]> encoded = new ArrayList<>();
        for (Collection<String> list : itemLists) {
            int[] basket = new int[list.size()];
            int k = 0;
            for (String item : list) {
                Integer id = ids.get(item);
                if (id == null) {
                    id = names.size();
                    ids.put(item, id);
                    names.add(item);
                }
                basket[k++] = id;
            }
            encoded.add(Arrays.stream(basket).sorted().distinct().toArray());
        }
        return new Baskets(names.toArray(String[]::new), encoded.toArray(int[][]::new));
    }

    public int basketCount() {
        return baskets.length;
    }

    public int itemCount() {
        return items.length;
    }

    /** The id of an item name, or -1 when no basket holds it. */
    public int idOf(String item) {
        for (int i = 0; i < items.length; i++) {
            if (items[i].equals(item)) {
                return i;
            }
        }
        return -1;
    }

    /** Names of the given item ids, for display. */
    public List<String> namesOf(int[] ids) {
        return Arrays.stream(ids).mapToObj(id -> items[id]).toList();
    }
}
