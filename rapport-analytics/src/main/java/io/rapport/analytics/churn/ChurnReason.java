package io.rapport.analytics.churn;

/**
 * A reason for a churn score, in plain words.
 *
 * @param group        the input it comes from (a feature name, or a categorical input's name)
 * @param text         e.g. "no purchase for 2.3× the usual interval", "month-to-month contract"
 * @param contribution its share of the log-odds; positive raises the risk
 */
public record ChurnReason(String group, String text, double contribution) {
}
