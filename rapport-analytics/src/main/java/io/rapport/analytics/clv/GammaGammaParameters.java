package io.rapport.analytics.clv;

import org.apache.commons.math3.special.Gamma;

/**
 * A fitted Gamma-Gamma spend model (Fader &amp; Hardie 2013, "The Gamma-Gamma Model of Monetary
 * Value", brucehardie.com note 025; first used in Fader, Hardie &amp; Lee 2005, "RFM and CLV:
 * Using Iso-Value Curves for Customer Base Analysis", JMR 42(4):415-430).
 *
 * <p>Each transaction value of a customer is Gamma(p, ν); ν varies across customers as
 * Gamma(q, γ). A customer's average spend over x transactions, m_x, is then Gamma(px, νx), and
 * the population mean transaction value is pγ/(q-1) (finite only for q &gt; 1).
 *
 * @param p             shape of each transaction value
 * @param q             shape of the across-customer distribution of ν
 * @param gamma         scale of the across-customer distribution of ν
 * @param logLikelihood log-likelihood of the data the model was fitted on
 */
public record GammaGammaParameters(double p, double q, double gamma, double logLikelihood) {

    public GammaGammaParameters {
        for (double v : new double[]{p, q, gamma}) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("Gamma-Gamma parameters must be positive finite numbers, got p="
                        + p + ", q=" + q + ", gamma=" + gamma);
            }
        }
    }

    public static GammaGammaParameters of(double p, double q, double gamma) {
        return new GammaGammaParameters(p, q, gamma, Double.NaN);
    }

    /**
     * Log-density of a customer's average spend m_x over x transactions (the marginal of m_x in
     * Fader &amp; Hardie 2013, §3):
     * f(m_x | p,q,γ,x) = Γ(px+q)/(Γ(px)Γ(q)) · γ^q · m_x^(px-1) · x^(px) / (γ + x m_x)^(px+q).
     */
    public double customerLogLikelihood(double x, double monetaryValue) {
        if (!(x > 0) || !(monetaryValue > 0)) {
            throw new IllegalArgumentException("Gamma-Gamma needs x > 0 and a positive average spend, got x="
                    + x + ", m=" + monetaryValue);
        }
        double px = p * x;
        return Gamma.logGamma(px + q) - Gamma.logGamma(px) - Gamma.logGamma(q) + q * Math.log(gamma)
                + (px - 1) * Math.log(monetaryValue) + px * Math.log(x) - (px + q) * Math.log(gamma + x * monetaryValue);
    }

    /**
     * Expected average transaction value of a customer with x repeat transactions averaging
     * m_x (the posterior mean in Fader &amp; Hardie 2013, §4; lifetimes {@code conditional_expected_average_profit}):
     * E(M | p,q,γ,m_x,x) = p(γ + x m_x)/(px + q - 1),
     * a weighted mean of the population mean pγ/(q-1) and the customer's own m_x, so that a
     * customer with few purchases is pulled towards the population.
     * For x = 0 this is the population mean.
     *
     * @throws IllegalStateException when q &le; 1 and x = 0: the population mean is infinite
     */
    public double conditionalExpectedAverageValue(double x, double monetaryValue) {
        if (!(x >= 0) || !(monetaryValue >= 0)) {
            throw new IllegalArgumentException("need x >= 0 and average spend >= 0, got x=" + x + ", m=" + monetaryValue);
        }
        double denominator = p * x + q - 1;
        if (!(denominator > 0)) {
            throw new IllegalStateException("Gamma-Gamma mean spend is infinite for x=" + x + " when q=" + q + " <= 1");
        }
        return p * (gamma + x * monetaryValue) / denominator;
    }

    /** Population mean transaction value pγ/(q-1). */
    public double populationMeanValue() {
        return conditionalExpectedAverageValue(0, 0);
    }
}
