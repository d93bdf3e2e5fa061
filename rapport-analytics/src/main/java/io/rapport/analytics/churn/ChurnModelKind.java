package io.rapport.analytics.churn;

/** The kinds of churn model {@link ChurnModel#train} can fit. */
public enum ChurnModelKind {
    /** Gradient-boosted decision trees (XGBoost): the default, catches interactions and thresholds. */
    GRADIENT_BOOSTED_TREES,
    /** L2-regularised logistic regression: the baseline, one weight per standardised feature. */
    LOGISTIC_REGRESSION
}
