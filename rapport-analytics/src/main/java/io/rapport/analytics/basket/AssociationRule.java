package io.rapport.analytics.basket;

import java.util.Arrays;

/**
 * "Baskets with {@code antecedent} also hold {@code consequent}" (Agrawal, Imieliński &amp; Swami
 * 1993, "Mining Association Rules between Sets of Items in Large Databases", SIGMOD; lift as in
 * Brin, Motwani, Ullman &amp; Tsur 1997).
 *
 * @param antecedent item ids, ascending
 * @param consequent item ids, ascending, disjoint from the antecedent
 * @param count      baskets holding both
 * @param support    share of baskets holding both
 * @param confidence share of baskets with the antecedent that also hold the consequent
 * @param lift       confidence / support of the consequent: how much more likely the consequent
 *                   is given the antecedent than in an average basket (1 = independent)
 */
public record AssociationRule(int[] antecedent, int[] consequent, int count, double support, double confidence,
                              double lift) {

    @Override
    public boolean equals(Object o) {
        return o instanceof AssociationRule r && Arrays.equals(antecedent, r.antecedent)
                && Arrays.equals(consequent, r.consequent) && count == r.count;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(antecedent) * 31 + Arrays.hashCode(consequent);
    }

    @Override
    public String toString() {
        return Arrays.toString(antecedent) + " => " + Arrays.toString(consequent)
                + String.format(" (support %.4f, confidence %.4f, lift %.4f)", support, confidence, lift);
    }
}
