package io.rapport.analytics.basket;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Generates association rules X ⇒ Y from frequent itemsets (Agrawal &amp; Srikant 1994, "Fast
 * Algorithms for Mining Association Rules", VLDB, §3): for every frequent itemset I and every
 * non-empty proper subset X of I, the rule X ⇒ I \ X with confidence count(I)/count(X). Every
 * subset of a frequent itemset is frequent, so all counts are already known.
 */
public final class AssociationRules {

    private AssociationRules() {
    }

    /** Rules with confidence at least {@code minConfidence}, sorted by lift, then confidence, descending. */
    public static List<AssociationRule> from(FrequentItemsets frequent, double minConfidence) {
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("minConfidence must be within [0, 1], got " + minConfidence);
        }
        var counts = frequent.index();
        double n = frequent.basketCount();
        List<AssociationRule> rules = new ArrayList<>();
        for (FrequentItemset set : frequent.itemsets()) {
            int size = set.size();
            if (size < 2) {
                continue;
            }
            if (size > 30) {
                throw new IllegalArgumentException("itemsets of more than 30 items are not expanded into rules");
            }
            int[] items = set.items();
            for (int mask = 1; mask < (1 << size) - 1; mask++) {
                int[] antecedent = new int[Integer.bitCount(mask)];
                int[] consequent = new int[size - antecedent.length];
                for (int i = 0, a = 0, c = 0; i < size; i++) {
                    if ((mask & (1 << i)) != 0) {
                        antecedent[a++] = items[i];
                    } else {
                        consequent[c++] = items[i];
                    }
                }
                double confidence = set.count() / (double) counts.get(new FrequentItemsets.Key(antecedent));
                if (confidence + 1e-12 < minConfidence) {
                    continue;
                }
                double consequentSupport = counts.get(new FrequentItemsets.Key(consequent)) / n;
                rules.add(new AssociationRule(antecedent, consequent, set.count(), set.count() / n, confidence,
                        confidence / consequentSupport));
            }
        }
        rules.sort(Comparator.comparingDouble(AssociationRule::lift).reversed()
                .thenComparing(Comparator.comparingDouble(AssociationRule::confidence).reversed())
                .thenComparing(AssociationRule::antecedent, java.util.Arrays::compare)
                .thenComparing(AssociationRule::consequent, java.util.Arrays::compare));
        return rules;
    }
}
