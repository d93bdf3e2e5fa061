package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CustomerSummaries;
import org.apache.commons.math3.special.Gamma;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Maximum-likelihood fit of the Gamma-Gamma spend model (Fader &amp; Hardie 2013, "The
 * Gamma-Gamma Model of Monetary Value", §3), lifetimes-style {@code fit(frequency, monetary_value)}.
 *
 * <p>Only repeat customers (x &gt; 0) carry information about spend per repeat transaction, so
 * customers with x = 0 are skipped, as in the note (946 of CDNOW's 2,357). A repeat customer with
 * an average spend of 0 or less cannot come from a gamma distribution and is rejected with its
 * index. Customers with identical (x, m_x) are not grouped: spend is continuous, so ties are rare;
 * instead the sums that do not depend on the parameters are taken once (see {@code Spends}),
 * and a large fit is warm-started on a subset of the customers.
 */
public final class GammaGammaFitter {

    private static final int PARALLEL_ABOVE = 50_000;
    private static final int CHUNK = 8_192;
    /** Customers in the subset a large fit is warm-started on. */
    private static final int WARM_START_CUSTOMERS = 20_000;

    private final LogSpaceMaximizer maximizer;

    public GammaGammaFitter() {
        this(20_000);
    }

    /** @param maxEvaluations likelihood evaluations allowed per simplex run */
    public GammaGammaFitter(int maxEvaluations) {
        this.maximizer = new LogSpaceMaximizer("Gamma-Gamma", maxEvaluations, "p", "q", "gamma");
    }

    /** Fits on the repeat customers of {@code summaries}. */
    public GammaGammaParameters fit(CustomerSummaries summaries) {
        double[] x = new double[summaries.customerCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = summaries.frequency()[i];
        }
        return fit(x, summaries.monetaryValue());
    }

    /**
     * @param frequency     x per customer; customers with x = 0 are skipped
     * @param monetaryValue m_x: the mean value of the customer's repeat transactions
     * @throws ModelFitException when the optimizer does not converge
     */
    public GammaGammaParameters fit(double[] frequency, double[] monetaryValue) {
        return fit(frequency, monetaryValue, Double.NaN);
    }

    /**
     * A penalised fit that always has a finite population mean: for small or heavy-tailed bases whose
     * maximum-likelihood q is at most 1 (population mean value pγ/(q−1) infinite, so no CLV for customers without
     * repeat purchases). The model is reparametrised as p = e^θ₁, q = 1 + e^θ₂, γ = e^θ₃, so q &gt; 1 by
     * construction, and the mean log-likelihood per repeat customer is maximised with an L2 penalty on the
     * log-parameters, as lifetimes' {@code penalizer_coef} adds one to its mean negative log-likelihood:
     * <pre>  maximise  ℓ(p, q, γ)/n − λ (θ₁² + θ₂² + θ₃²)</pre>
     * The penalty keeps θ₂ = ln(q − 1) from running off to −∞, where the population mean would blow up. With λ → 0
     * and a maximum-likelihood q &gt; 1 this is the plain fit. The returned log-likelihood is the unpenalised one
     * at the penalised parameters.
     *
     * @param penalizer λ &gt; 0; lifetimes suggests 0.001 … 0.1
     */
    public GammaGammaParameters fitPenalized(double[] frequency, double[] monetaryValue, double penalizer) {
        if (!(penalizer > 0) || !Double.isFinite(penalizer)) {
            throw new IllegalArgumentException("penalizer must be a positive number, got " + penalizer);
        }
        return fit(frequency, monetaryValue, penalizer);
    }

    private GammaGammaParameters fit(double[] frequency, double[] monetaryValue, double penalizer) {
        if (frequency.length != monetaryValue.length) {
            throw new IllegalArgumentException("frequency and monetaryValue differ in length: "
                    + frequency.length + ", " + monetaryValue.length);
        }
        int n = 0;
        for (int i = 0; i < frequency.length; i++) {
            if (frequency[i] > 0) {
                if (!(monetaryValue[i] > 0) || !Double.isFinite(monetaryValue[i])) {
                    throw new IllegalArgumentException("customer " + i + ": Gamma-Gamma needs a positive average spend "
                            + "for repeat customers, got " + monetaryValue[i]);
                }
                n++;
            }
        }
        if (n == 0) {
            throw new ModelFitException("Gamma-Gamma cannot be fitted: no customer made a repeat purchase");
        }
        double[] x = new double[n];
        double[] m = new double[n];
        int k = 0;
        for (int i = 0; i < frequency.length; i++) {
            if (frequency[i] > 0) {
                x[k] = frequency[i];
                m[k] = monetaryValue[i];
                k++;
            }
        }
        var data = new Spends(x, m);
        if (!Double.isNaN(penalizer)) {
            int customers = n;
            var maximum = maximizer.maximize(t -> data.logLikelihood(t[0], 1 + t[1], t[2]) / customers
                    - penalizer * (square(Math.log(t[0])) + square(Math.log(t[1])) + square(Math.log(t[2]))));
            double[] t = maximum.parameters();
            return new GammaGammaParameters(t[0], 1 + t[1], t[2], data.logLikelihood(t[0], 1 + t[1], t[2]));
        }
        LogSpaceMaximizer.Maximum maximum;
        if (n <= PARALLEL_ABOVE) {
            maximum = maximizer.maximize(t -> data.logLikelihood(t[0], t[1], t[2]));
        } else {
            // Warm start on every k-th customer, then polish on all (see BetaGeoFitter).
            var subset = data.everyKth((n + WARM_START_CUSTOMERS - 1) / WARM_START_CUSTOMERS);
            var rough = maximizer.maximize(t -> subset.logLikelihood(t[0], t[1], t[2]));
            maximum = maximizer.maximizeFrom(t -> data.logLikelihood(t[0], t[1], t[2]), rough.parameters(), 0.05);
        }
        double[] q = maximum.parameters();
        return new GammaGammaParameters(q[0], q[1], q[2], maximum.logLikelihood());
    }

    private static double square(double v) {
        return v * v;
    }

    /**
     * The repeat customers' (x, m_x), with what does not depend on the parameters summed once.
     * The log-likelihood of Fader &amp; Hardie (2013) summed over customers,
     * Σ [ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + x m)],
     * is regrouped as Σ over distinct x of n_x [ln Γ(px+q) − ln Γ(px)] − n ln Γ(q) + n q ln γ
     * + p Σ x ln m − Σ ln m + p Σ x ln x − Σ (px+q) ln(γ + x m): only the last sum needs a
     * logarithm per customer and evaluation, and it is summed in fixed parallel chunks.
     */
    private record Spends(double[] x, double[] m, double[] xValues, double[] xCounts,
                          double sumLogM, double sumXLogM, double sumXLogX) {

        Spends(double[] x, double[] m) {
            this(x, m, distinct(x), counts(x), sum(x, m, 0), sum(x, m, 1), sum(x, m, 2));
        }

        private static double[] distinct(double[] x) {
            double[] sorted = x.clone();
            Arrays.sort(sorted);
            int n = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) {
                    sorted[n++] = sorted[i];
                }
            }
            return Arrays.copyOf(sorted, n);
        }

        private static double[] counts(double[] x) {
            double[] values = distinct(x);
            double[] counts = new double[values.length];
            for (double v : x) {
                counts[Arrays.binarySearch(values, v)]++;
            }
            return counts;
        }

        private static double sum(double[] x, double[] m, int which) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += switch (which) {
                    case 0 -> Math.log(m[i]);
                    case 1 -> x[i] * Math.log(m[i]);
                    default -> x[i] * Math.log(x[i]);
                };
            }
            return s;
        }

        Spends everyKth(int k) {
            int n = (x.length + k - 1) / k;
            double[] sx = new double[n];
            double[] sm = new double[n];
            for (int i = 0; i < n; i++) {
                sx[i] = x[i * k];
                sm[i] = m[i * k];
            }
            return new Spends(sx, sm);
        }

        double logLikelihood(double p, double q, double gamma) {
            int n = x.length;
            double total = -n * Gamma.logGamma(q) + n * q * Math.log(gamma)
                    + p * sumXLogM - sumLogM + p * sumXLogX;
            for (int j = 0; j < xValues.length; j++) {
                double px = p * xValues[j];
                total += xCounts[j] * (Gamma.logGamma(px + q) - Gamma.logGamma(px));
            }
            if (n <= PARALLEL_ABOVE) {
                return total - chunk(p, q, gamma, 0, n);
            }
            int chunks = (n + CHUNK - 1) / CHUNK;
            double[] partial = new double[chunks];
            IntStream.range(0, chunks).parallel().forEach(c ->
                    partial[c] = chunk(p, q, gamma, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
            for (double v : partial) {
                total -= v;
            }
            return total;
        }

        private double chunk(double p, double q, double gamma, int from, int to) {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += (p * x[i] + q) * Math.log(gamma + x[i] * m[i]);
            }
            return s;
        }
    }
}
