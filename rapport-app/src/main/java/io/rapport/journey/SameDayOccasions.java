package io.rapport.journey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Purchase-date occasions of one customer falling on the same day (two appliances due for maintenance, two warranties
 * ending) become one occasion: one entry, so one message naming every product, instead of the second finding the
 * customer inside the journey and being dropped. The merged entry key names every line
 * ({@code date:maintenance-due:12+15:2026-03-10}): the next check finds the same lines due and the same key entered,
 * so nobody is enrolled twice that day. The context joins the products' values in the order of their lines:
 * {@code product} "Air conditioner, Water purifier", {@code sku}, {@code purchased_on} and {@code months} (distinct
 * values), and {@code products}, the number of products.
 */
final class SameDayOccasions {

    /** Between the names of several products in one message. */
    static final String SEPARATOR = ", ";

    private SameDayOccasions() {}

    /** The occasions with each customer's occasions of the same day merged; single ones unchanged. */
    static List<DateOccasions.Occasion> merge(List<DateOccasions.Occasion> due) {
        Map<String, List<DateOccasions.Occasion>> byCustomerAndDay = new LinkedHashMap<>();
        for (DateOccasions.Occasion o : due) {
            String day = o.key().substring(o.key().lastIndexOf(':') + 1);
            byCustomerAndDay.computeIfAbsent(o.customerId() + "|" + day, k -> new ArrayList<>()).add(o);
        }
        List<DateOccasions.Occasion> merged = new ArrayList<>(byCustomerAndDay.size());
        for (List<DateOccasions.Occasion> same : byCustomerAndDay.values()) {
            merged.add(same.size() == 1 ? same.getFirst() : merged(same));
        }
        return merged;
    }

    private static DateOccasions.Occasion merged(List<DateOccasions.Occasion> same) {
        // date:<field>:<line>:<day> of each: one key with the lines joined
        String first = same.getFirst().key();
        int lineStart = first.indexOf(':', "date:".length()) + 1;
        String prefix = first.substring(0, lineStart);
        String day = first.substring(first.lastIndexOf(':'));
        List<String> lines = same.stream().map(o -> o.key().substring(lineStart, o.key().lastIndexOf(':'))).toList();
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (DateOccasions.Occasion o : same) {
            o.context().forEach((k, v) -> values.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
        }
        Map<String, String> context = new LinkedHashMap<>();
        values.forEach((k, v) -> context.put(k, String.join(k.equals("sku") ? "," : SEPARATOR, v)));
        context.put("products", Integer.toString(same.size()));
        return new DateOccasions.Occasion(same.getFirst().customerId(), prefix + String.join("+", lines) + day,
                context);
    }
}
