package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CustomerSummaries;
import org.apache.commons.math3.special.Gamma;

/**
 * Maximum-likelihood fit of the Gamma-Gamma spend model (Fader &amp; Hardie 2013, "The
 * Gamma-Gamma Model of Monetary Value", §3), lifetimes-style {@code fit(frequency, monetary_value)}.
 *
 * <p>Only repeat customers (x &gt; 0) carry information about spend per repeat transaction, so
 * customers with x = 0 are skipped, as in the note (946 of CDNOW's 2,357). A repeat customer with
 * an average spend of 0 or less cannot come from a gamma distribution and is rejected with its
 * index. Customers with identical (x, m_x) are not grouped: spend is continuous, so ties are rare.
 */
public final class GammaGammaFitter {

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
        double[] logM = new double[n];
        double[] logX = new double[n];
        int k = 0;
        for (int i = 0; i < frequency.length; i++) {
            if (frequency[i] > 0) {
                x[k] = frequency[i];
                m[k] = monetaryValue[i];
                logM[k] = Math.log(m[k]);
                logX[k] = Math.log(x[k]);
                k++;
            }
        }
        var maximum = maximizer.maximize(theta -> {
            double p = theta[0], q = theta[1], gamma = theta[2];
            double constant = q * Math.log(gamma) - Gamma.logGamma(q);
            double total = 0;
            for (int i = 0; i < x.length; i++) {
                double px = p * x[i];
                total += Gamma.logGamma(px + q) - Gamma.logGamma(px) + constant
                        + (px - 1) * logM[i] + px * logX[i] - (px + q) * Math.log(gamma + x[i] * m[i]);
            }
            return total;
        });
        double[] q = maximum.parameters();
        return new GammaGammaParameters(q[0], q[1], q[2], maximum.logLikelihood());
    }
}
