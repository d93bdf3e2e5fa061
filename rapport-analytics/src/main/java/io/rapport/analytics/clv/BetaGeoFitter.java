package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CustomerSummaries;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

import java.util.Arrays;
import java.util.Optional;
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

    /** Largest dropout shape a or b for which expected purchases and CLV are computed by their series. */
    public static final double MAX_SERIES_SHAPE = 1e4;

    /** The penalty λ the server and the command line use by default for {@link #fitOrPenalize}. */
    public static final double DEFAULT_PENALIZER = 1e-4;

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
        double[][] h = histories(summaries);
        return fit(h[0], h[1], h[2]);
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
        return fit(frequency, recency, age, 0);
    }

    /**
     * A penalised fit for bases with little evidence of customers lapsing, where the maximum-likelihood a and b run
     * off to infinity at a fixed ratio (the dropout distribution degenerates to a point; expected purchases and CLV,
     * which sum a hypergeometric series in a and b, then need millions of terms). As lifetimes' {@code
     * penalizer_coef} and {@link GammaGammaFitter#fitPenalized}, the mean log-likelihood per customer is maximised
     * with an L2 penalty on the log-parameters:
     * <pre>  maximise  ℓ(r, α, a, b)/n − λ (ln² r + ln² α + ln² a + ln² b)</pre>
     * With λ → 0 this is the plain fit. The returned log-likelihood is the unpenalised one at the penalised
     * parameters.
     *
     * @param penalizer λ &gt; 0; lifetimes suggests 0.001 … 0.1, 1e-4 already keeps a and b finite
     */
    public BgNbdParameters fitPenalized(double[] frequency, double[] recency, double[] age, double penalizer) {
        if (!(penalizer > 0) || !Double.isFinite(penalizer)) {
            throw new IllegalArgumentException("penalizer must be a positive number, got " + penalizer);
        }
        return fit(frequency, recency, age, penalizer);
    }

    /** {@link #fitPenalized(double[], double[], double[], double)} on every customer who bought at least once. */
    public BgNbdParameters fitPenalized(CustomerSummaries summaries, double penalizer) {
        double[][] h = histories(summaries);
        return fitPenalized(h[0], h[1], h[2], penalizer);
    }

    /**
     * A fit and why it is penalised, if it is.
     *
     * @param penalisedBecause why the maximum-likelihood fit was not usable, when the penalised one is returned
     */
    public record Fit(BgNbdParameters parameters, Optional<String> penalisedBecause) {
    }

    /**
     * The maximum-likelihood fit, or the penalised one where that has no usable maximum: with little evidence of
     * customers lapsing (a young or small base) the plain fit runs off to a boundary (a → 0) or sends a and b off to
     * infinity at a fixed ratio (beyond {@link #MAX_SERIES_SHAPE} the hypergeometric series behind expected purchases
     * and CLV need millions of terms).
     *
     * @throws ModelFitException when there is nothing to fit either way (no customer, no repeat purchase)
     */
    public Fit fitOrPenalize(CustomerSummaries summaries, double penalizer) {
        ModelFitException plainFailure = null;
        String reason;
        try {
            var plain = fit(summaries);
            if (Math.max(plain.a(), plain.b()) <= MAX_SERIES_SHAPE) {
                return new Fit(plain, Optional.empty());
            }
            reason = "maximum-likelihood a = " + plain.a() + ", b = " + plain.b() + " (a degenerate dropout distribution)";
        } catch (ModelFitException e) {
            plainFailure = e;
            reason = e.getMessage();
        }
        try {
            return new Fit(fitPenalized(summaries, penalizer),
                    Optional.of(reason + ": the penalised fit with penalizer " + penalizer + " is used instead"));
        } catch (ModelFitException e) {
            throw plainFailure != null ? plainFailure : e;
        }
    }

    private BgNbdParameters fit(double[] frequency, double[] recency, double[] age, double penalizer) {
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
            maximum = maximizer.maximize(q -> objective(data, q, penalizer));
        } else {
            // Warm start: most simplex steps are spent far from the optimum, so take them on a
            // spread-out subset of the groups (they are sorted by x, t_x, T), then polish on all.
            var subset = data.everyKth((data.size() + WARM_START_GROUPS - 1) / WARM_START_GROUPS);
            var rough = maximizer.maximize(q -> objective(subset, q, penalizer));
            maximum = maximizer.maximizeFrom(q -> objective(data, q, penalizer), rough.parameters(), 0.05);
        }
        double[] q = maximum.parameters();
        double logLikelihood = penalizer > 0 ? data.logLikelihood(q[0], q[1], q[2], q[3]) : maximum.logLikelihood();
        return new BgNbdParameters(q[0], q[1], q[2], q[3], logLikelihood);
    }

    /** The log-likelihood, or with a penalizer the penalised mean log-likelihood per customer. */
    private static double objective(GroupedHistories data, double[] q, double penalizer) {
        double ll = data.logLikelihood(q[0], q[1], q[2], q[3]);
        if (penalizer == 0) {
            return ll;
        }
        double penalty = 0;
        for (double v : q) {
            penalty += Math.log(v) * Math.log(v);
        }
        return ll / data.totalWeight() - penalizer * penalty;
    }

    private static double[][] histories(CustomerSummaries summaries) {
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
        return new double[][] {x, tx, age};
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
