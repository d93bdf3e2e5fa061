package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CustomerSummaries;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

import java.util.Arrays;
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
 * thread count. The grouping sorts packed primitive keys, not boxed indexes; above that size
 * the simplex is warm-started on a spread-out subset of the groups and then polished on all.
 */
public final class BetaGeoFitter {

    private static final int PARALLEL_ABOVE = 50_000;
    private static final int CHUNK = 8_192;
    /** Groups in the subset a large fit is warm-started on. */
    private static final int WARM_START_GROUPS = 20_000;

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
        LogSpaceMaximizer.Maximum maximum;
        if (data.size() <= PARALLEL_ABOVE) {
            maximum = maximizer.maximize(q -> data.logLikelihood(q[0], q[1], q[2], q[3]));
        } else {
            // Warm start: most simplex steps are spent far from the optimum, so take them on a
            // spread-out subset of the groups (they are sorted by x, t_x, T), then polish on all.
            var subset = data.everyKth((data.size() + WARM_START_GROUPS - 1) / WARM_START_GROUPS);
            var rough = maximizer.maximize(q -> subset.logLikelihood(q[0], q[1], q[2], q[3]));
            maximum = maximizer.maximizeFrom(q -> data.logLikelihood(q[0], q[1], q[2], q[3]), rough.parameters(), 0.05);
        }
        double[] q = maximum.parameters();
        return new BgNbdParameters(q[0], q[1], q[2], q[3], maximum.logLikelihood());
    }

    /**
     * Distinct (x, t_x, T) triples with their multiplicity, sorted by (x, t_x, T) so that the
     * result does not depend on the customer order. Each triple refers to its x, t_x and T by
     * index into the sorted distinct values of each, because the per-evaluation work that
     * depends on one coordinate only (Γ and B terms of x, ln(α + t_x), ln(α + T)) is done once
     * per distinct value, not once per customer.
     */
    record GroupedHistories(double[] xValues, double[] txValues, double[] ageValues,
                            int[] x, int[] tx, int[] age, double[] weight) {

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
            double[] xs = distinct(x);
            double[] txs = distinct(tx);
            double[] ages = distinct(age);
            int xBits = bits(xs.length), txBits = bits(txs.length), ageBits = bits(ages.length);
            if (xBits + txBits + ageBits > 63) {
                throw new IllegalArgumentException("too many distinct (x, t_x, T) values to group: "
                        + xs.length + " x " + txs.length + " x " + ages.length);
            }
            // One packed long per customer: (rank of x, rank of t_x, rank of T). Sorting these
            // sorts by (x, t_x, T) and brings identical triples together, without boxing.
            long[] keys = new long[x.length];
            IntStream.range(0, (x.length + CHUNK - 1) / CHUNK).parallel().forEach(c -> {
                for (int i = c * CHUNK, to = Math.min(x.length, (c + 1) * CHUNK); i < to; i++) {
                    keys[i] = ((long) Arrays.binarySearch(xs, x[i]) << (txBits + ageBits))
                            | ((long) Arrays.binarySearch(txs, tx[i]) << ageBits)
                            | Arrays.binarySearch(ages, age[i]);
                }
            });
            Arrays.parallelSort(keys);
            int groups = 0;
            for (int k = 0; k < keys.length; k++) {
                if (k == 0 || keys[k] != keys[k - 1]) {
                    groups++;
                }
            }
            int[] gx = new int[groups], gtx = new int[groups], gage = new int[groups];
            double[] w = new double[groups];
            long txMask = (1L << txBits) - 1, ageMask = (1L << ageBits) - 1;
            int g = -1;
            for (int k = 0; k < keys.length; k++) {
                if (k == 0 || keys[k] != keys[k - 1]) {
                    g++;
                    gx[g] = (int) (keys[k] >>> (txBits + ageBits));
                    gtx[g] = (int) ((keys[k] >>> ageBits) & txMask);
                    gage[g] = (int) (keys[k] & ageMask);
                }
                w[g]++;
            }
            return new GroupedHistories(xs, txs, ages, gx, gtx, gage, w);
        }

        private static double[] distinct(double[] values) {
            double[] sorted = values.clone();
            Arrays.parallelSort(sorted);
            int n = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) {
                    sorted[n++] = sorted[i];
                }
            }
            return Arrays.copyOf(sorted, n);
        }

        /** Bits needed to store an index below {@code count}. */
        private static int bits(int count) {
            return Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(0, count - 1)));
        }

        int size() {
            return weight.length;
        }

        /** Every k-th group (with its full weight): a cheap stand-in for the data, for a warm start. */
        GroupedHistories everyKth(int k) {
            int n = (size() + k - 1) / k;
            int[] gx = new int[n], gtx = new int[n], gage = new int[n];
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                gx[i] = x[i * k];
                gtx[i] = tx[i * k];
                gage[i] = age[i * k];
                w[i] = weight[i * k];
            }
            return new GroupedHistories(xValues, txValues, ageValues, gx, gtx, gage, w);
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
                s += xValues[x[i]] > 0 ? weight[i] : 0;
            }
            return s;
        }

        /** FHL 2005 eq. 6 summed over customers; see {@link BgNbdParameters#customerLogLikelihood}. */
        double logLikelihood(double r, double alpha, double a, double b) {
            double logBetaAB = Beta.logBeta(a, b);
            double logGammaR = Gamma.logGamma(r);
            double logAlpha = Math.log(alpha);
            // Terms that depend on x only: Γ(r+x)α^r/Γ(r), B(a,b+x)/B(a,b), B(a+1,b+x-1)/B(a,b).
            int nx = xValues.length;
            double[] common = new double[nx], alive = new double[nx], dead = new double[nx];
            for (int j = 0; j < nx; j++) {
                double xv = xValues[j];
                common[j] = Gamma.logGamma(r + xv) - logGammaR + r * logAlpha;
                alive[j] = Beta.logBeta(a, b + xv) - logBetaAB;
                dead[j] = xv > 0 ? Beta.logBeta(a + 1, b + xv - 1) - logBetaAB : Double.NEGATIVE_INFINITY;
            }
            double[] logAlphaTx = logAlphaPlus(alpha, txValues);
            double[] logAlphaAge = logAlphaPlus(alpha, ageValues);
            int n = x.length;
            if (n <= PARALLEL_ABOVE) {
                return chunk(r, common, alive, dead, logAlphaTx, logAlphaAge, 0, n);
            }
            int chunks = (n + CHUNK - 1) / CHUNK;
            double[] partial = new double[chunks];
            IntStream.range(0, chunks).parallel().forEach(c ->
                    partial[c] = chunk(r, common, alive, dead, logAlphaTx, logAlphaAge, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
            double total = 0;
            for (double p : partial) {
                total += p;
            }
            return total;
        }

        private static double[] logAlphaPlus(double alpha, double[] values) {
            double[] logs = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                logs[i] = Math.log(alpha + values[i]);
            }
            return logs;
        }

        private double chunk(double r, double[] common, double[] aliveTerm, double[] deadTerm,
                             double[] logAlphaTx, double[] logAlphaAge, int from, int to) {
            double total = 0;
            for (int i = from; i < to; i++) {
                int j = x[i];
                double xv = xValues[j];
                double alive = aliveTerm[j] - (r + xv) * logAlphaAge[age[i]];
                double ll;
                if (xv <= 0) {
                    ll = common[j] + alive;
                } else {
                    double dead = deadTerm[j] - (r + xv) * logAlphaTx[tx[i]];
                    double max = Math.max(alive, dead);
                    // log(1 + e^d), d <= 0: Math.log is a JIT intrinsic, Math.log1p is not (it was a third of
                    // the CPU samples of a 1M-customer fit); the absolute error is at most one ulp of 1, ~2e-16.
                    ll = common[j] + max + Math.log(1 + Math.exp(Math.min(alive, dead) - max));
                }
                total += weight[i] * ll;
            }
            return total;
        }
    }
}
