package io.rapport.analytics.churn;

import java.util.Objects;

/**
 * How to train a churn model. The defaults suit a few thousand to a few million customers
 * with tens of features: shallow trees, a small learning rate, row and column subsampling.
 *
 * @param kind             which model
 * @param trees            boosting rounds (trees only)
 * @param maxDepth         depth of each tree (trees only)
 * @param learningRate     shrinkage η of each tree (trees only)
 * @param minChildWeight   smallest Hessian sum of a leaf, ≈ customers per leaf near p = 0.5 × 4 (trees only)
 * @param subsample        share of rows drawn for each tree (trees only)
 * @param columnSample     share of columns drawn for each tree (trees only)
 * @param l2               L2 penalty: XGBoost's λ on leaf weights; for logistic regression the
 *                         penalty λ/2·‖β‖² on the weights of the standardised features (not the intercept)
 * @param seed             seed of the subsampling
 * @param threads          threads XGBoost may use; 1 keeps results bit-for-bit identical on every machine
 */
public record ChurnTrainingSettings(
        ChurnModelKind kind,
        int trees,
        int maxDepth,
        double learningRate,
        double minChildWeight,
        double subsample,
        double columnSample,
        double l2,
        long seed,
        int threads) {

    public ChurnTrainingSettings {
        Objects.requireNonNull(kind, "kind");
        if (trees < 1) {
            throw new IllegalArgumentException("trees must be at least 1: " + trees);
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1: " + maxDepth);
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learningRate must be in (0, 1]: " + learningRate);
        }
        if (!(minChildWeight >= 0)) {
            throw new IllegalArgumentException("minChildWeight must not be negative: " + minChildWeight);
        }
        if (!(subsample > 0 && subsample <= 1) || !(columnSample > 0 && columnSample <= 1)) {
            throw new IllegalArgumentException("subsample and columnSample must be in (0, 1]: " + subsample + ", " + columnSample);
        }
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2 must not be negative: " + l2);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
    }

    /** Gradient-boosted trees: 300 trees of depth 3, η = 0.05, 80 % rows and columns per tree, λ = 1. */
    public static ChurnTrainingSettings gradientBoostedTrees() {
        return new ChurnTrainingSettings(ChurnModelKind.GRADIENT_BOOSTED_TREES, 300, 3, 0.05, 5, 0.8, 0.8, 1.0, 42, 1);
    }

    /** Logistic regression with λ = 1 on standardised features. */
    public static ChurnTrainingSettings logisticRegression() {
        return gradientBoostedTrees().withKind(ChurnModelKind.LOGISTIC_REGRESSION);
    }

    public ChurnTrainingSettings withKind(ChurnModelKind k) {
        return new ChurnTrainingSettings(k, trees, maxDepth, learningRate, minChildWeight, subsample, columnSample, l2, seed, threads);
    }

    public ChurnTrainingSettings withTrees(int n, int depth, double eta) {
        return new ChurnTrainingSettings(kind, n, depth, eta, minChildWeight, subsample, columnSample, l2, seed, threads);
    }

    public ChurnTrainingSettings withL2(double lambda) {
        return new ChurnTrainingSettings(kind, trees, maxDepth, learningRate, minChildWeight, subsample, columnSample, lambda, seed, threads);
    }

    public ChurnTrainingSettings withSeed(long s) {
        return new ChurnTrainingSettings(kind, trees, maxDepth, learningRate, minChildWeight, subsample, columnSample, l2, s, threads);
    }

    public ChurnTrainingSettings withThreads(int n) {
        return new ChurnTrainingSettings(kind, trees, maxDepth, learningRate, minChildWeight, subsample, columnSample, l2, seed, n);
    }
}
