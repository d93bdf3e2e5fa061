package io.rapport.analytics.clv;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * A fitted BG/NBD model (Fader, Hardie &amp; Lee 2005, "Counting Your Customers the Easy Way:
 * An Alternative to the Pareto/NBD Model", Marketing Science 24(2):275-284) and its predictions.
 *
 * <p>While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
 * purchase they drop out with probability p ~ Beta(a, b). Times are in the period unit the
 * model was fitted in (weeks for CDNOW). A customer's history is (x, t_x, T): repeat purchase
 * count, time of the last purchase and age, all measured from the first purchase.
 *
 * <p>Every formula is evaluated in log space or through {@code expm1}/{@code log1p}, so large
 * x and T neither overflow nor lose the small differences that matter.
 *
 * @param r             shape of the purchase-rate gamma distribution
 * @param alpha         scale of the purchase-rate gamma distribution
 * @param a             first shape of the dropout-probability beta distribution
 * @param b             second shape of the dropout-probability beta distribution
 * @param logLikelihood log-likelihood of the data the model was fitted on (eq. 6 summed)
 */
public record BgNbdParameters(double r, double alpha, double a, double b, double logLikelihood) {

    public BgNbdParameters {
        requirePositive("r", r);
        requirePositive("alpha", alpha);
        requirePositive("a", a);
        requirePositive("b", b);
    }

    /** Parameters with the log-likelihood left as NaN, for predictions with known values. */
    public static BgNbdParameters of(double r, double alpha, double a, double b) {
        return new BgNbdParameters(r, alpha, a, b, Double.NaN);
    }

    /**
     * Log-likelihood of one customer's history, FHL 2005 eq. 6:
     * L = B(a,b+x)/B(a,b) · Γ(r+x)α^r / (Γ(r)(α+T)^(r+x))
     *   + [x&gt;0] B(a+1,b+x-1)/B(a,b) · Γ(r+x)α^r / (Γ(r)(α+t_x)^(r+x)),
     * combined with log-sum-exp.
     */
    public double customerLogLikelihood(double x, double tx, double T) {
        requireHistory(x, tx, T);
        return logLikelihood(r, alpha, a, b, Beta.logBeta(a, b), Gamma.logGamma(r), x, tx, T);
    }

    static double logLikelihood(double r, double alpha, double a, double b, double logBetaAB, double logGammaR,
                                double x, double tx, double T) {
        double common = Gamma.logGamma(r + x) - logGammaR + r * Math.log(alpha);
        double alive = Beta.logBeta(a, b + x) - logBetaAB - (r + x) * Math.log(alpha + T);
        if (x <= 0) {
            return common + alive;
        }
        double dead = Beta.logBeta(a + 1, b + x - 1) - logBetaAB - (r + x) * Math.log(alpha + tx);
        double max = Math.max(alive, dead);
        return common + max + Math.log1p(Math.exp(Math.min(alive, dead) - max));
    }

    /**
     * Expected number of purchases in (0, t] by a newly acquired customer, FHL 2005 eq. 9:
     * E[X(t)] = (a+b-1)/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b; a+b-1; t/(α+t))].
     */
    public double expectedPurchases(double t) {
        requireNonNegative("t", t);
        return expectedRemainingPurchases(t, 0.0, 0.0);
    }

    /**
     * Expected number of purchases in the next t periods by a customer with history
     * (x, t_x, T), FHL 2005 eq. 10:
     * E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
     *                       / (1 + [x&gt;0] · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)).
     */
    public double conditionalExpectedPurchases(double t, double x, double tx, double T) {
        requireNonNegative("t", t);
        requireHistory(x, tx, T);
        return expectedRemainingPurchases(t, x, T) * probabilityAlive(x, tx, T);
    }

    /**
     * E[Y(t) | x, t_x, T] divided by P(alive | x, t_x, T): the purchases expected in the next t
     * periods if the customer is still alive. It does not depend on t_x, so bulk predictions
     * compute it once per distinct (x, T).
     */
    double expectedPurchasesIfAlive(double t, double x, double T) {
        return expectedRemainingPurchases(t, x, T);
    }

    /**
     * The bracketed factor of eq. 10 times (a+b+x-1)/(a-1), i.e. the expectation given the
     * customer is alive at T.
     *
     * <p>Computed through Euler's transformation 2F1(α,β;γ;z) = (1-z)^(γ-α-β) 2F1(γ-α, γ-β; γ; z)
     * (Abramowitz &amp; Stegun 15.3.3), which turns the bracket into
     * 1 - (1-z)^(a-1) · 2F1(a+b-1-r, a-1; a+b+x-1; z). The new series has small parameters for
     * any x, so it neither overflows nor cancels. Writing 2F1 = 1 + (a-1)·G with
     * G = (p z / c) · 3F2(p+1, a, 1; c+1, 2; z) (p = a+b-1-r, c = a+b+x-1) then removes the
     * 0/0 at a = 1: the factor becomes c · [-expm1((a-1)L)/(a-1) - e^((a-1)L) · G], L = ln(1-z).
     */
    private double expectedRemainingPurchases(double t, double x, double T) {
        if (t == 0.0) {
            return 0.0;
        }
        double z = t / (alpha + T + t);
        double logOneMinusZ = Math.log((alpha + T) / (alpha + T + t));
        double p = a + b - 1 - r;
        double c = a + b + x - 1;
        double am1 = a - 1;
        double first = am1 == 0.0 ? -logOneMinusZ : -Math.expm1(am1 * logOneMinusZ) / am1;
        // c·G = p z · 3F2(…) · e^((a-1)L), taken without dividing by c: c = a+b+x-1 is negative for a one-time
        // buyer when a + b < 1 (and 0 when a + b = 1), where a log of p z / c would be NaN.
        double cg = 0.0;
        if (p != 0.0) {
            var series = HypergeometricSeries.sum(new double[]{p + 1, a, 1}, new double[]{c + 1, 2}, z);
            cg = Math.signum(p) * series.sign()
                    * Math.exp(Math.log(Math.abs(p) * z) + series.logAbs() + am1 * logOneMinusZ);
        }
        return c * first - cg;
    }

    /**
     * Probability that a customer with history (x, t_x, T) is still alive at T (Fader, Hardie &amp;
     * Lee 2008, "Computing P(alive) Using the BG/NBD Model", brucehardie.com note 021; it is the
     * denominator factor of FHL 2005 eq. 10):
     * 1 / (1 + [x&gt;0] · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)).
     */
    public double probabilityAlive(double x, double tx, double T) {
        requireHistory(x, tx, T);
        if (x <= 0) {
            return 1.0;
        }
        double logOdds = Math.log(a) - Math.log(b + x - 1)
                + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
        // 1/(1+e^u) written so that it neither overflows nor rounds to 1 too early.
        return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
    }

    /**
     * Probability of at least one purchase in (T, T+t] for a customer with history (x, t_x, T).
     *
     * <p>Derivation (from the posterior of FHL 2005 §5): the likelihood splits into an "alive at
     * T" part A = B(a,b+x)/B(a,b) · Γ(r+x)α^r/(Γ(r)(α+T)^(r+x)) and a "dropped out after the x-th
     * purchase" part D. A customer who dropped out buys nothing more; an alive customer buys
     * nothing in the next t iff their Poisson clock has no event, probability e^(-λt), and
     * integrating λ against the alive posterior Gamma(r+x, α+T) gives ((α+T)/(α+T+t))^(r+x).
     * So P(X(T,T+t) = 0 | history) = (A·((α+T)/(α+T+t))^(r+x) + D)/(A + D), hence
     * P(X(T,T+t) &gt; 0 | history) = P(alive) · [1 - ((α+T)/(α+T+t))^(r+x)].
     */
    public double probabilityOfPurchaseWithin(double t, double x, double tx, double T) {
        requireNonNegative("t", t);
        requireHistory(x, tx, T);
        double logNoEvent = (r + x) * Math.log((alpha + T) / (alpha + T + t));
        return probabilityAlive(x, tx, T) * -Math.expm1(logNoEvent);
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException("BG/NBD parameter " + name + " must be a positive finite number, got " + value);
        }
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a non-negative finite number, got " + value);
        }
    }

    static void requireHistory(double x, double tx, double T) {
        if (!(x >= 0) || !(tx >= 0) || !(T >= tx) || !Double.isFinite(T)) {
            throw new IllegalArgumentException(
                    "customer history needs x >= 0 and 0 <= t_x <= T, got x=" + x + ", t_x=" + tx + ", T=" + T);
        }
        if (x == 0 && tx != 0) {
            throw new IllegalArgumentException("a customer with no repeat purchase has t_x = 0, got t_x=" + tx);
        }
    }
}
