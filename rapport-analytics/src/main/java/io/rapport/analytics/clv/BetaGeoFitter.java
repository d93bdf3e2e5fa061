package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CustomerSummaries;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Maximum-likelihood fit of the BG/NBD model (Fader, Hardie &amp; Lee 2005, "Counting Your
 * Customers the Easy Way", Marketing Science 24(2):275-284, log-likelihood eq. 6-7).
 *
 * <p>The likelihood is maximised over (ln r, ln α, ln a, ln b) by restarted Nelder-Mead
 * ({@link LogSpaceMaximizer}).
 *
 * <p>Customers with identical (x, t_x, T) contribute identical terms, so the data are reduced
 * to distinct triples with a multiplicity first (CDNOW: 2,357 customers, far fewer triples
 * when T is in whole days). When there are many distinct triples the sum is split into fixed
 * chunks evaluated in parallel and added in chunk order, so results do not depend on the
 * thread count.
 */
public final class BetaGeoFitter {

    private static final int PARALLEL_ABOVE = 50_000;
    private static final int CHUNK = 8_192;

    private final LogSpaceMaximizer maximizer;

    public BetaGeoFitter() {
        this(20_000);
    }

    /** @param maxEvaluations likelihood evaluations allowed per simplex run */
    public BetaGeoFitter(int maxEvaluations) {
        this.maximizer = new LogSpaceMaximizer("BG/NBD", maxEvaluations, "r", "alpha", "a", "b");
    }

    /** Fits on every customer of {@code summaries} who bought at least once. */
    public BgNbdParameters fit(CustomerSummaries summaries) {
        int n = summaries.purchasingCustomerCount();
        double[] x = new double[n];
        double[] tx = new double[n];
        double[] age = new double[n];
        int k = 0;
        for (int i = 0; i < summaries.customerCount(); i++) {
            if (summaries.hasPurchased(i)) {
                x[k] = summaries.frequency()[i];
                tx[k] = summaries.recency()[i];
                age[k] = summaries.age()[i];
                k++;
            }
        }
        return fit(x, tx, age);
    }

    /**
     * Fits the model, lifetimes-style {@code fit(frequency, recency, T)}.
     *
     * @param frequency x: repeat purchases per customer
     * @param recency   t_x: time of the last purchase since the first
     * @param age       T: time since the first purchase
     * @throws ModelFitException when the optimizer does not converge or the maximum is not finite
     */
    public BgNbdParameters fit(double[] frequency, double[] recency, double[] age) {
        var data = GroupedHistories.of(frequency, recency, age);
        if (data.totalWeight() == 0) {
            throw new ModelFitException("BG/NBD cannot be fitted on zero customers");
        }
        if (data.repeatWeight() == 0) {
            throw new ModelFitException("BG/NBD has no finite maximum-likelihood estimate when no customer "
                    + "made a repeat purchase (all " + (long) data.totalWeight() + " customers have x = 0)");
        }
        var maximum = maximizer.maximize(q -> data.logLikelihood(q[0], q[1], q[2], q[3]));
        double[] q = maximum.parameters();
        return new BgNbdParameters(q[0], q[1], q[2], q[3], maximum.logLikelihood());
    }

    /** Distinct (x, t_x, T) triples with their multiplicity. */
    record GroupedHistories(double[] x, double[] tx, double[] age, double[] weight) {

        static GroupedHistories of(double[] x, double[] tx, double[] age) {
            if (x.length != tx.length || x.length != age.length) {
                throw new IllegalArgumentException("frequency, recency and age differ in length: "
                        + x.length + ", " + tx.length + ", " + age.length);
            }
            for (int i = 0; i < x.length; i++) {
                try {
                    BgNbdParameters.requireHistory(x[i], tx[i], age[i]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("customer " + i + ": " + e.getMessage(), e);
                }
            }
            Integer[] order = IntStream.range(0, x.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> x[i])
                    .thenComparingDouble(i -> tx[i]).thenComparingDouble(i -> age[i]));
            double[] gx = new double[x.length];
            double[] gtx = new double[x.length];
            double[] gage = new double[x.length];
            double[] w = new double[x.length];
            int groups = 0;
            for (int k = 0; k < order.length; k++) {
                int i = order[k];
                if (groups > 0 && gx[groups - 1] == x[i] && gtx[groups - 1] == tx[i] && gage[groups - 1] == age[i]) {
                    w[groups - 1]++;
                } else {
                    gx[groups] = x[i];
                    gtx[groups] = tx[i];
                    gage[groups] = age[i];
                    w[groups] = 1;
                    groups++;
                }
            }
            return new GroupedHistories(Arrays.copyOf(gx, groups), Arrays.copyOf(gtx, groups),
                    Arrays.copyOf(gage, groups), Arrays.copyOf(w, groups));
        }

        double totalWeight() {
            double s = 0;
            for (double v : weight) {
                s += v;
            }
            return s;
        }

        double repeatWeight() {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += x[i] > 0 ? weight[i] : 0;
            }
            return s;
        }

        double logLikelihood(double r, double alpha, double a, double b) {
            double logBetaAB = Beta.logBeta(a, b);
            double logGammaR = Gamma.logGamma(r);
            int n = x.length;
            if (n <= PARALLEL_ABOVE) {
                return chunk(r, alpha, a, b, logBetaAB, logGammaR, 0, n);
            }
            int chunks = (n + CHUNK - 1) / CHUNK;
            double[] partial = new double[chunks];
            IntStream.range(0, chunks).parallel().forEach(c ->
                    partial[c] = chunk(r, alpha, a, b, logBetaAB, logGammaR, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
            double total = 0;
            for (double p : partial) {
                total += p;
            }
            return total;
        }

        private double chunk(double r, double alpha, double a, double b, double logBetaAB, double logGammaR, int from, int to) {
            double total = 0;
            for (int i = from; i < to; i++) {
                total += weight[i] * BgNbdParameters.logLikelihood(r, alpha, a, b, logBetaAB, logGammaR, x[i], tx[i], age[i]);
            }
            return total;
        }
    }
}
