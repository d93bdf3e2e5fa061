package io.rapport.analytics.churn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Turns a {@link ChurnExplanation} into sentences a CRM team reads: the contributions of the
 * one-hot columns of an input are added up (additivity makes the sum the input's own share),
 * and each input is described by its {@link ReasonWording} with the customer's value.
 */
public final class ChurnReasonWriter {

    /** Contributions below this (in log-odds) are noise, not reasons. */
    static final double NEGLIGIBLE = 1e-3;

    /** Up to {@code max} reasons that raise the risk, strongest first. */
    public List<ChurnReason> reasons(ChurnExplanation explanation, int max) {
        return all(explanation).stream()
                .filter(r -> r.contribution() > NEGLIGIBLE)
                .limit(max)
                .toList();
    }

    /** Up to {@code max} inputs that lower the risk, strongest first (what keeps the customer). */
    public List<ChurnReason> retainingFactors(ChurnExplanation explanation, int max) {
        return all(explanation).stream()
                .filter(r -> r.contribution() < -NEGLIGIBLE)
                .sorted(Comparator.comparingDouble(ChurnReason::contribution))
                .limit(max)
                .toList();
    }

    /** Every input with its summed contribution and its words, highest contribution first. */
    public List<ChurnReason> all(ChurnExplanation explanation) {
        var features = explanation.features();
        var sums = new LinkedHashMap<String, Double>();
        var describedBy = new LinkedHashMap<String, Integer>();
        for (int j = 0; j < features.size(); j++) {
            var f = features.get(j);
            sums.merge(f.group(), explanation.contributions()[j], Double::sum);
            // A categorical input reads as the customer's own level; a number as its only column.
            if (!f.isCategoryLevel() || explanation.row()[j] == 1f) {
                describedBy.put(f.group(), j);
            }
        }
        var reasons = new ArrayList<ChurnReason>(sums.size());
        for (var e : sums.entrySet()) {
            String group = e.getKey();
            double contribution = e.getValue();
            Integer j = describedBy.get(group);
            String text = j == null
                    ? group + " unknown"
                    : features.get(j).wording().describe(explanation.row()[j], contribution > 0);
            reasons.add(new ChurnReason(group, text, contribution));
        }
        reasons.sort(Comparator.comparingDouble(ChurnReason::contribution).reversed());
        return reasons;
    }
}
