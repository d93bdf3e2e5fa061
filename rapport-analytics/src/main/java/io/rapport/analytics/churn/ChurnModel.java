package io.rapport.analytics.churn;

import java.util.Objects;

/**
 * Entry point: trains a churn-risk model on customers whose outcome is known.
 *
 * <pre>{@code
 * try (var model = ChurnModel.train(features, churned, ChurnTrainingSettings.gradientBoostedTrees())) {
 *     double risk = model.predict(row);                  // P(churn)
 *     List<ChurnReason> why = model.explain(row).reasons(3);
 *     byte[] saved = model.toBytes();                    // TrainedChurnModel.fromBytes(saved)
 * }
 * }</pre>
 */
public final class ChurnModel {

    private ChurnModel() {
    }

    /**
     * @param features one row per customer
     * @param churned  the outcome of each row, e.g. from {@link ChurnLabels}
     * @throws ChurnModelException if the lengths differ or only one outcome occurs
     */
    public static TrainedChurnModel train(ChurnFeatures features, boolean[] churned, ChurnTrainingSettings settings) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(churned, "churned");
        Objects.requireNonNull(settings, "settings");
        if (churned.length != features.rowCount()) {
            throw new ChurnModelException(churned.length + " labels for " + features.rowCount() + " rows");
        }
        int positives = 0;
        for (boolean c : churned) {
            positives += c ? 1 : 0;
        }
        if (positives == 0 || positives == churned.length) {
            throw new ChurnModelException("training needs both churned and retained customers: "
                    + positives + " of " + churned.length + " churned");
        }
        return switch (settings.kind()) {
            case GRADIENT_BOOSTED_TREES -> GradientBoostedChurnModel.train(features, churned, settings);
            case LOGISTIC_REGRESSION -> LogisticChurnModel.train(features, churned, settings);
        };
    }
}
