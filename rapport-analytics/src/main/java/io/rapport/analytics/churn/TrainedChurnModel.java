package io.rapport.analytics.churn;

import java.util.List;

/**
 * A fitted churn model: the probability that a customer churns, and why.
 *
 * <p>A row is the customer's feature values in the order of {@link #features()}. Gradient-boosted
 * models hold native memory: close them when done (closing twice is harmless).
 */
public sealed interface TrainedChurnModel extends AutoCloseable permits GradientBoostedChurnModel, LogisticChurnModel {

    ChurnModelKind kind();

    /** The columns the model was trained on, in row order. */
    List<ChurnFeature> features();

    /** P(churn) of one customer. */
    double predict(float[] row);

    /** P(churn) of every row; the matrix must have the model's columns, in the same order. */
    double[] predictAll(ChurnFeatures rows);

    /**
     * Splits the customer's log-odds of churn into one additive contribution per feature plus a
     * bias: for trees the SHAP values of Lundberg et al. (2020), "From local explanations to
     * global understanding with explainable AI for trees", Nature Machine Intelligence 2:56-67
     * (XGBoost's {@code pred_contribs}); for logistic regression β_j·z_j on the standardised
     * value z_j, with the intercept as bias (the exact SHAP value of a linear model).
     */
    ChurnExplanation explain(float[] row);

    /** {@link #explain} of every row, in one pass where the model allows (one XGBoost call for trees). */
    default ChurnExplanation[] explainAll(ChurnFeatures rows) {
        ChurnExplanation[] all = new ChurnExplanation[rows.rowCount()];
        for (int r = 0; r < all.length; r++) {
            all[r] = explain(rows.row(r));
        }
        return all;
    }

    /** The model and its feature metadata, to store and {@link #fromBytes read back}. */
    byte[] toBytes();

    static TrainedChurnModel fromBytes(byte[] bytes) {
        return ChurnModelBytes.read(bytes);
    }

    /** Frees native memory, if any. */
    @Override
    void close();
}
