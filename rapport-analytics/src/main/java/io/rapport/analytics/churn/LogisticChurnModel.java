package io.rapport.analytics.churn;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The baseline: L2-regularised logistic regression on standardised features,
 * z_j = (x_j − mean_j) / sd_j over the training rows. An unknown value (NaN) is set to the
 * training mean (z = 0), so it adds nothing to the score. A column that never varies gets sd 1,
 * z = 0 and weight 0.
 */
final class LogisticChurnModel implements TrainedChurnModel {

    private final List<ChurnFeature> features;
    private final double[] mean;
    private final double[] sd;
    /** Intercept, then one weight per feature. */
    private final double[] beta;

    LogisticChurnModel(List<ChurnFeature> features, double[] mean, double[] sd, double[] beta) {
        this.features = List.copyOf(features);
        if (mean.length != this.features.size() || sd.length != mean.length || beta.length != mean.length + 1) {
            throw new ChurnModelException("logistic model: " + mean.length + " means, " + sd.length + " sds, "
                    + beta.length + " weights for " + this.features.size() + " features");
        }
        this.mean = mean;
        this.sd = sd;
        this.beta = beta;
    }

    static LogisticChurnModel train(ChurnFeatures x, boolean[] churned, ChurnTrainingSettings s) {
        int n = x.rowCount();
        int p = x.featureCount();
        double[] mean = new double[p];
        double[] sd = new double[p];
        for (int j = 0; j < p; j++) {
            double sum = 0;
            double sumSquares = 0;
            int known = 0;
            for (int i = 0; i < n; i++) {
                double v = x.value(i, j);
                if (!Double.isNaN(v)) {
                    sum += v;
                    known++;
                }
            }
            mean[j] = known == 0 ? 0 : sum / known;
            for (int i = 0; i < n; i++) {
                double v = x.value(i, j);
                if (!Double.isNaN(v)) {
                    sumSquares += (v - mean[j]) * (v - mean[j]);
                }
            }
            double s2 = known < 2 ? 0 : sumSquares / (known - 1);
            sd[j] = s2 > 0 ? Math.sqrt(s2) : 1;
        }
        double[][] design = new double[n][p + 1];
        for (int i = 0; i < n; i++) {
            design[i][0] = 1;
            for (int j = 0; j < p; j++) {
                design[i][j + 1] = standardised(x.value(i, j), mean[j], sd[j]);
            }
        }
        // A small floor keeps the Hessian invertible when a column is constant or duplicated.
        double lambda = Math.max(s.l2(), 1e-8);
        return new LogisticChurnModel(x.features(), mean, sd, LogisticRegressionFitter.fit(design, churned, lambda));
    }

    private static double standardised(double v, double mean, double sd) {
        return Double.isNaN(v) ? 0 : (v - mean) / sd;
    }

    @Override
    public ChurnModelKind kind() {
        return ChurnModelKind.LOGISTIC_REGRESSION;
    }

    @Override
    public List<ChurnFeature> features() {
        return features;
    }

    /** The intercept and the weights of the standardised features (a copy). */
    double[] coefficients() {
        return beta.clone();
    }

    @Override
    public double predict(float[] row) {
        checkRow(row);
        return LogisticRegressionFitter.sigmoid(margin(row, 0));
    }

    @Override
    public double[] predictAll(ChurnFeatures rows) {
        rows.requireColumnsOf(features);
        int p = features.size();
        double[] result = new double[rows.rowCount()];
        for (int i = 0; i < result.length; i++) {
            result[i] = LogisticRegressionFitter.sigmoid(margin(rows.values(), i * p));
        }
        return result;
    }

    private double margin(float[] values, int offset) {
        double eta = beta[0];
        for (int j = 0; j < features.size(); j++) {
            eta += beta[j + 1] * standardised(values[offset + j], mean[j], sd[j]);
        }
        return eta;
    }

    @Override
    public ChurnExplanation explain(float[] row) {
        checkRow(row);
        int p = features.size();
        double[] contributions = new double[p];
        for (int j = 0; j < p; j++) {
            contributions[j] = beta[j + 1] * standardised(row[j], mean[j], sd[j]);
        }
        return new ChurnExplanation(features, row.clone(), contributions, beta[0], margin(row, 0));
    }

    @Override
    public byte[] toBytes() {
        int p = features.size();
        var payload = ByteBuffer.allocate(Double.BYTES * (3 * p + 1));
        for (int j = 0; j < p; j++) {
            payload.putDouble(mean[j]).putDouble(sd[j]);
        }
        for (double b : beta) {
            payload.putDouble(b);
        }
        return ChurnModelBytes.write(kind(), features, payload.array());
    }

    static LogisticChurnModel fromPayload(List<ChurnFeature> features, byte[] payload) {
        int p = features.size();
        if (payload.length != Double.BYTES * (3 * p + 1)) {
            throw new ChurnModelException("logistic model: " + payload.length + " bytes of weights for " + p + " features");
        }
        var buffer = ByteBuffer.wrap(payload);
        double[] mean = new double[p];
        double[] sd = new double[p];
        double[] beta = new double[p + 1];
        for (int j = 0; j < p; j++) {
            mean[j] = buffer.getDouble();
            sd[j] = buffer.getDouble();
        }
        for (int j = 0; j <= p; j++) {
            beta[j] = buffer.getDouble();
        }
        return new LogisticChurnModel(features, mean, sd, beta);
    }

    @Override
    public void close() {
        // Nothing native to free.
    }

    private void checkRow(float[] row) {
        if (row.length != features.size()) {
            throw new ChurnModelException("row has " + row.length + " values, the model " + features.size() + " features");
        }
    }
}
