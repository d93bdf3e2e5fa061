package io.rapport.scoring;

import io.rapport.analytics.churn.BehaviourChurnFeatures;
import io.rapport.analytics.churn.ChurnExplanation;
import io.rapport.analytics.churn.ChurnFeature;
import io.rapport.analytics.churn.ChurnReason;
import io.rapport.analytics.churn.ChurnReasonWriter;
import io.rapport.analytics.churn.ReasonWording;
import java.util.ArrayList;
import java.util.List;

/**
 * The top reasons of a churn model's score, from its SHAP contributions ({@link ChurnExplanation}): the inputs that
 * raise the customer's risk most, with codes the console translates. The code says which wording of the feature
 * applies to the customer's value: {@code missing} (NaN), {@code zero}, {@code up}/{@code down}/{@code unchanged}
 * for a trend, else {@code raising} ({@code raising.one} for a count of one).
 */
final class ModelChurnReasons {

    static final int MAX = 3;
    private static final ChurnReasonWriter WRITER = new ChurnReasonWriter();

    private ModelChurnReasons() {}

    static List<ScoreReason> of(ChurnExplanation explanation) {
        List<ScoreReason> reasons = new ArrayList<>(MAX);
        for (ChurnReason reason : WRITER.reasons(explanation, MAX)) {
            reasons.add(code(explanation, reason));
        }
        return reasons;
    }

    private static ScoreReason code(ChurnExplanation explanation, ChurnReason reason) {
        List<ChurnFeature> features = explanation.features();
        int j = -1;
        for (int k = 0; k < features.size(); k++) {
            if (features.get(k).name().equals(reason.group())) {
                j = k;
                break;
            }
        }
        if (j < 0) {
            // a categorical input: not among the behaviour features, said in the model's own words
            return new ScoreReason("text", reason.text(), List.of(reason.text()));
        }
        double v = explanation.row()[j];
        ReasonWording wording = features.get(j).wording();
        String group = reason.group();
        List<String> arguments = new ArrayList<>();
        String base = group;
        String channel = null;
        if (group.startsWith(BehaviourChurnFeatures.CHANNEL_SHARE_PREFIX)) {
            base = "channel_share";
            channel = group.substring(BehaviourChurnFeatures.CHANNEL_SHARE_PREFIX.length());
        }
        String variant;
        if (Double.isNaN(v)) {
            variant = "missing";
            arguments.add("");
        } else if (v == 0 && wording.whenZero().isPresent()) {
            variant = "zero";
            arguments.add("0");
        } else if (wording.raising().contains("{change}")) {
            long percent = Math.round(100 * v);
            variant = percent == 0 ? "unchanged" : percent < 0 ? "down" : "up";
            arguments.add(Math.abs(percent) + "%");
        } else if (wording.raising().contains("{percent}")) {
            variant = "raising";
            arguments.add(ReasonWording.number(100 * v) + "%");
        } else {
            variant = wording.raising().contains("{s}") && v == 1 ? "raising.one" : "raising";
            arguments.add(ReasonWording.number(v));
        }
        if (channel != null) {
            arguments.add(channel);
        }
        return new ScoreReason(base + "." + variant, reason.text(), arguments);
    }
}
