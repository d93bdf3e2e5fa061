package io.rapport.analytics.churn;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * Maximum penalised likelihood of logistic regression by Newton's method (iteratively
 * reweighted least squares; Hastie, Tibshirani &amp; Friedman, "The Elements of Statistical
 * Learning", 2nd ed., §4.4.1), with the ridge penalty λ/2·‖β‖² on every weight except the
 * intercept (§4.4.4). Each Newton step solves (XᵀWX + λI)Δ = Xᵀ(y − p) − λβ by Cholesky and
 * is halved until the penalised log-likelihood does not fall, so the iteration cannot diverge.
 *
 * <p>Works on a dense design matrix, column 0 being the intercept.
 */
final class LogisticRegressionFitter {

    private static final int MAX_ITERATIONS = 100;
    private static final double TOLERANCE = 1e-10;

    private LogisticRegressionFitter() {
    }

    /**
     * @param x      n rows of p columns, column 0 all ones
     * @param y      outcomes
     * @param lambda ridge penalty, not applied to column 0
     * @return β, p weights
     */
    static double[] fit(double[][] x, boolean[] y, double lambda) {
        int n = x.length;
        int p = x[0].length;
        double[] beta = new double[p];
        double objective = penalisedLogLikelihood(x, y, beta, lambda);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] gradient = new double[p];
            double[][] hessian = new double[p][p];
            for (int i = 0; i < n; i++) {
                double[] xi = x[i];
                double prob = sigmoid(dot(xi, beta));
                double residual = (y[i] ? 1 : 0) - prob;
                double w = prob * (1 - prob);
                for (int a = 0; a < p; a++) {
                    gradient[a] += xi[a] * residual;
                    double wa = w * xi[a];
                    for (int b = 0; b <= a; b++) {
                        hessian[a][b] += wa * xi[b];
                    }
                }
            }
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < a; b++) {
                    hessian[b][a] = hessian[a][b];
                }
                if (a > 0) {
                    gradient[a] -= lambda * beta[a];
                    hessian[a][a] += lambda;
                }
            }
            double[] step = solve(hessian, gradient);
            double scale = 1;
            double[] next = new double[p];
            double nextObjective;
            do {
                for (int a = 0; a < p; a++) {
                    next[a] = beta[a] + scale * step[a];
                }
                nextObjective = penalisedLogLikelihood(x, y, next, lambda);
                scale /= 2;
            } while (nextObjective < objective - 1e-12 * Math.abs(objective) && scale > 1e-10);
            double largest = 0;
            for (int a = 0; a < p; a++) {
                largest = Math.max(largest, Math.abs(next[a] - beta[a]));
            }
            beta = next.clone();
            objective = nextObjective;
            if (largest < TOLERANCE) {
                return beta;
            }
        }
        return beta;
    }

    static double penalisedLogLikelihood(double[][] x, boolean[] y, double[] beta, double lambda) {
        double ll = 0;
        for (int i = 0; i < x.length; i++) {
            double eta = dot(x[i], beta);
            // log σ(η) = −log(1 + e^−η), computed without overflow for large |η|.
            ll += y[i] ? -log1pExp(-eta) : -log1pExp(eta);
        }
        double penalty = 0;
        for (int a = 1; a < beta.length; a++) {
            penalty += beta[a] * beta[a];
        }
        return ll - lambda / 2 * penalty;
    }

    static double sigmoid(double eta) {
        return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double log1pExp(double v) {
        return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
    }

    private static double[] solve(double[][] hessian, double[] gradient) {
        try {
            return new CholeskyDecomposition(new Array2DRowRealMatrix(hessian, false), 1e-14, 1e-14)
                    .getSolver().solve(new ArrayRealVector(gradient, false)).toArray();
        } catch (NonPositiveDefiniteMatrixException e) {
            throw new ChurnModelException("logistic regression: the Hessian is singular"
                    + " (a constant or duplicated feature with no L2 penalty?)", e);
        }
    }
}
