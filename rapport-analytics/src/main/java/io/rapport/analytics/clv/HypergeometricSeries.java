package io.rapport.analytics.clv;

/**
 * The generalized hypergeometric series pFq(a_1..a_p; b_1..b_q; z) = Σ_n Π(a_i)_n / Π(b_j)_n · z^n / n!
 * for |z| &lt; 1, summed term by term.
 *
 * <p>Commons Math has no hypergeometric function. The BG/NBD expectations need the Gauss
 * function 2F1 (Fader, Hardie &amp; Lee 2005, eq. 7 and 10; Abramowitz &amp; Stegun 15.1.1), and
 * with large purchase counts its terms first grow by many orders of magnitude before they
 * decay, so the running sum is kept as a mantissa times e^scale and rescaled before it can
 * overflow. Summation stops when the remaining geometric tail is below 1e-16 of the sum.
 */
public final class HypergeometricSeries {

    /** Far more terms than any BG/NBD horizon up to z = 1 - 1e-6 needs; a guard, not a tuning knob. */
    static final int MAX_TERMS = 50_000_000;
    private static final double RESCALE_ABOVE = 1e250;

    private HypergeometricSeries() {
    }

    /** Gauss's 2F1(a, b; c; z) for |z| &lt; 1. */
    public static double gauss2F1(double a, double b, double c, double z) {
        return sum(new double[]{a, b}, new double[]{c}, z).value();
    }

    /**
     * pFq(upper; lower; z), returned as sign and log-magnitude so that callers can combine it
     * with other factors in log space.
     *
     * @throws ArithmeticException if |z| &ge; 1, a lower parameter is a non-positive integer,
     *                             or the series does not converge within {@value #MAX_TERMS} terms
     */
    public static SeriesValue sum(double[] upper, double[] lower, double z) {
        if (!(Math.abs(z) < 1.0)) {
            throw new ArithmeticException("hypergeometric series needs |z| < 1, got z = " + z);
        }
        double term = 1.0;
        double total = 1.0;
        double logScale = 0.0;
        for (int n = 0; n < MAX_TERMS; n++) {
            double ratio = z / (n + 1);
            for (double a : upper) {
                ratio *= a + n;
            }
            for (double b : lower) {
                if (b + n == 0.0) {
                    throw new ArithmeticException("hypergeometric series has a non-positive integer lower parameter " + b);
                }
                ratio /= b + n;
            }
            term *= ratio;
            total += term;
            if (Math.abs(total) > RESCALE_ABOVE || Math.abs(term) > RESCALE_ABOVE) {
                double shift = Math.log(Math.max(Math.abs(total), Math.abs(term)));
                total *= Math.exp(-shift);
                term *= Math.exp(-shift);
                logScale += shift;
            }
            if (term == 0.0) {
                return SeriesValue.of(total, logScale);
            }
            double absRatio = Math.abs(ratio);
            // Once the term ratio is below 1 and shrinking, the tail is bounded by a geometric series.
            if (absRatio < 1.0 && n > 0) {
                double tail = Math.abs(term) * absRatio / (1.0 - absRatio);
                if (tail <= 1e-16 * Math.abs(total)) {
                    return SeriesValue.of(total, logScale);
                }
            }
            if (!Double.isFinite(total)) {
                break;
            }
        }
        throw new ArithmeticException("hypergeometric series did not converge (z = " + z + ")");
    }

    /** A real number stored as sign · e^logAbs, so that huge or tiny values survive. */
    public record SeriesValue(double sign, double logAbs) {

        static SeriesValue of(double mantissa, double logScale) {
            return new SeriesValue(Math.signum(mantissa), Math.log(Math.abs(mantissa)) + logScale);
        }

        public double value() {
            return sign * Math.exp(logAbs);
        }
    }
}
