package io.rapport.analytics.churn;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient-boosted trees with the logistic loss: Chen &amp; Guestrin (2016), "XGBoost: A Scalable
 * Tree Boosting System", KDD '16, through XGBoost4J. Missing values (NaN) follow each split's
 * learnt default direction, so "unknown" needs no imputation.
 */
final class GradientBoostedChurnModel implements TrainedChurnModel {

    /** Saved with the model: XGBoost's own binary JSON (UBJSON) format. */
    static final String FORMAT = "ubj";

    private final List<ChurnFeature> features;
    private final Booster booster;
    private boolean closed;

    GradientBoostedChurnModel(List<ChurnFeature> features, Booster booster) {
        this.features = List.copyOf(features);
        this.booster = booster;
    }

    static GradientBoostedChurnModel train(ChurnFeatures x, boolean[] churned, ChurnTrainingSettings s) {
        float[] labels = new float[churned.length];
        for (int i = 0; i < churned.length; i++) {
            labels[i] = churned[i] ? 1f : 0f;
        }
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("tree_method", "hist");
        params.put("eta", s.learningRate());
        params.put("max_depth", s.maxDepth());
        params.put("min_child_weight", s.minChildWeight());
        params.put("subsample", s.subsample());
        params.put("colsample_bytree", s.columnSample());
        params.put("lambda", s.l2());
        params.put("seed", s.seed());
        params.put("nthread", s.threads());
        params.put("verbosity", 0);
        DMatrix data = null;
        try {
            data = matrix(x.values(), x.rowCount(), x.featureCount());
            data.setLabel(labels);
            Booster booster = XGBoost.train(data, params, s.trees(), Map.of(), null, null);
            // Training used s.threads() (reproducible trees); rows are predicted independently, so predictions and
            // explanations are the same with any thread count: use every core for them, as a loaded model does.
            booster.setParam("nthread", Runtime.getRuntime().availableProcessors());
            return new GradientBoostedChurnModel(x.features(), booster);
        } catch (XGBoostError e) {
            throw new ChurnModelException("XGBoost could not train the model: " + e.getMessage(), e);
        } finally {
            if (data != null) {
                data.dispose();
            }
        }
    }

    @Override
    public ChurnModelKind kind() {
        return ChurnModelKind.GRADIENT_BOOSTED_TREES;
    }

    @Override
    public List<ChurnFeature> features() {
        return features;
    }

    @Override
    public double predict(float[] row) {
        checkRow(row);
        return predict(row, 1)[0];
    }

    @Override
    public double[] predictAll(ChurnFeatures rows) {
        rows.requireColumnsOf(features);
        return predict(rows.values(), rows.rowCount());
    }

    private synchronized double[] predict(float[] values, int n) {
        checkOpen();
        if (n == 0) {
            return new double[0];
        }
        DMatrix data = null;
        try {
            data = matrix(values, n, features.size());
            float[][] p = booster.predict(data);
            double[] result = new double[n];
            for (int i = 0; i < n; i++) {
                result[i] = p[i][0];
            }
            return result;
        } catch (XGBoostError e) {
            throw new ChurnModelException("XGBoost could not predict: " + e.getMessage(), e);
        } finally {
            if (data != null) {
                data.dispose();
            }
        }
    }

    @Override
    public synchronized ChurnExplanation explain(float[] row) {
        checkRow(row);
        checkOpen();
        DMatrix data = null;
        try {
            data = matrix(row, 1, features.size());
            // One value per feature, then the bias (the base score's log-odds plus the trees' expected value).
            float[] contrib = booster.predictContrib(data, 0)[0];
            float margin = booster.predict(data, true, 0)[0][0];
            int p = features.size();
            double[] contributions = new double[p];
            for (int j = 0; j < p; j++) {
                contributions[j] = contrib[j];
            }
            return new ChurnExplanation(features, row.clone(), contributions, contrib[p], margin);
        } catch (XGBoostError e) {
            throw new ChurnModelException("XGBoost could not explain: " + e.getMessage(), e);
        } finally {
            if (data != null) {
                data.dispose();
            }
        }
    }

    @Override
    public synchronized ChurnExplanation[] explainAll(ChurnFeatures rows) {
        rows.requireColumnsOf(features);
        checkOpen();
        int n = rows.rowCount();
        int p = features.size();
        ChurnExplanation[] all = new ChurnExplanation[n];
        if (n == 0) {
            return all;
        }
        DMatrix data = null;
        try {
            data = matrix(rows.values(), n, p);
            float[][] contrib = booster.predictContrib(data, 0);
            float[][] margin = booster.predict(data, true, 0);
            for (int r = 0; r < n; r++) {
                double[] contributions = new double[p];
                for (int j = 0; j < p; j++) {
                    contributions[j] = contrib[r][j];
                }
                all[r] = new ChurnExplanation(features, rows.row(r), contributions, contrib[r][p], margin[r][0]);
            }
            return all;
        } catch (XGBoostError e) {
            throw new ChurnModelException("XGBoost could not explain: " + e.getMessage(), e);
        } finally {
            if (data != null) {
                data.dispose();
            }
        }
    }

    @Override
    public synchronized byte[] toBytes() {
        checkOpen();
        try {
            return ChurnModelBytes.write(kind(), features, booster.toByteArray(FORMAT));
        } catch (XGBoostError e) {
            throw new ChurnModelException("XGBoost could not save the model: " + e.getMessage(), e);
        }
    }

    static GradientBoostedChurnModel fromPayload(List<ChurnFeature> features, byte[] payload) {
        try {
            return new GradientBoostedChurnModel(features, XGBoost.loadModel(payload));
        } catch (XGBoostError | IOException e) {
            throw new ChurnModelException("not a saved XGBoost model: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            booster.dispose();
        }
    }

    private static DMatrix matrix(float[] values, int rows, int columns) throws XGBoostError {
        return new DMatrix(values, rows, columns, Float.NaN);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
    }

    private void checkRow(float[] row) {
        if (row.length != features.size()) {
            throw new ChurnModelException("row has " + row.length + " values, the model " + features.size() + " features");
        }
    }
}
