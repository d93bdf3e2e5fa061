package io.rapport.analytics.clv;

import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

import java.util.function.ToDoubleFunction;

/**
 * Maximises a log-likelihood over strictly positive parameters by searching their logarithms
 * with Nelder-Mead (Commons Math {@link SimplexOptimizer}), which keeps every parameter positive
 * without constraints. The simplex is restarted from its own optimum until the log-likelihood
 * stops improving, because one run can stall on a flat ridge (BG/NBD's a and b, Gamma-Gamma's
 * q and γ). Failures become a {@link ModelFitException}, never NaN parameters.
 */
final class LogSpaceMaximizer {

    private static final int MAX_RESTARTS = 20;
    /** e^25 ≈ 7e10: no parameter of these models is meaningfully that far from 1. */
    private static final double MAX_ABS_LOG_PARAMETER = 25.0;

    private final String model;
    private final String[] names;
    private final int maxEvaluations;

    LogSpaceMaximizer(String model, int maxEvaluations, String... names) {
        if (maxEvaluations < 100) {
            throw new IllegalArgumentException("maxEvaluations must be at least 100, got " + maxEvaluations);
        }
        this.model = model;
        this.names = names;
        this.maxEvaluations = maxEvaluations;
    }

    /** Result: the maximising parameters (not their logs) and the maximal log-likelihood. */
    record Maximum(double[] parameters, double logLikelihood) {
    }

    Maximum maximize(ToDoubleFunction<double[]> logLikelihood) {
        return maximize(logLikelihood, new double[names.length], 0.5);
    }

    /**
     * @param start      starting point: parameters (not their logs); e.g. a fit on a subsample
     * @param stepInLogs side of the initial simplex in log-parameter space (0.5 from a cold start;
     *                   smaller from a warm start, so the simplex does not wander off first)
     */
    Maximum maximizeFrom(ToDoubleFunction<double[]> logLikelihood, double[] start, double stepInLogs) {
        double[] theta = new double[names.length];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = Math.log(start[i]);
        }
        return maximize(logLikelihood, theta, stepInLogs);
    }

    private Maximum maximize(ToDoubleFunction<double[]> logLikelihood, double[] startTheta, double step) {
        int dims = names.length;
        ObjectiveFunction objective = new ObjectiveFunction(theta -> {
            double[] parameters = new double[dims];
            for (int i = 0; i < dims; i++) {
                parameters[i] = Math.exp(theta[i]);
            }
            double ll = logLikelihood.applyAsDouble(parameters);
            return Double.isFinite(ll) ? -ll : Double.POSITIVE_INFINITY;
        });
        var optimizer = new SimplexOptimizer(1e-13, 1e-11);
        double[] start = startTheta.clone();
        double best = Double.POSITIVE_INFINITY;
        PointValuePair point = null;
        try {
            for (int restart = 0; ; restart++) {
                point = optimizer.optimize(new MaxEval(maxEvaluations), objective, GoalType.MINIMIZE,
                        new InitialGuess(start), new NelderMeadSimplex(dims, step));
                double improvement = best - point.getValue();
                best = Math.min(best, point.getValue());
                start = point.getPoint();
                if (improvement < 1e-9) {
                    break;
                }
                if (restart == MAX_RESTARTS) {
                    throw new ModelFitException(model + " fit did not converge: log-likelihood still improving by "
                            + improvement + " after " + MAX_RESTARTS + " simplex restarts");
                }
            }
        } catch (TooManyEvaluationsException e) {
            throw new ModelFitException(model + " fit did not converge within " + maxEvaluations
                    + " likelihood evaluations per simplex run", e);
        }
        if (!Double.isFinite(point.getValue())) {
            throw new ModelFitException(model + " fit did not converge: no parameters give a finite log-likelihood");
        }
        double[] theta = point.getPoint();
        double[] parameters = new double[dims];
        for (int i = 0; i < dims; i++) {
            if (!(Math.abs(theta[i]) < MAX_ABS_LOG_PARAMETER)) {
                throw new ModelFitException(model + " fit did not converge: parameter " + names[i] + " = "
                        + Math.exp(theta[i]) + " ran away to the boundary; the data do not identify the model "
                        + "(too few customers or repeat purchases?)");
            }
            parameters[i] = Math.exp(theta[i]);
        }
        return new Maximum(parameters, -point.getValue());
    }
}
