package io.rapport.journey;

/**
 * The difference of two conversion rates, treatment minus holdout, with its 95 % interval by the normal
 * approximation of the difference of two independent proportions (Wald interval: p1 − p0 ± 1.96 · √(p1(1−p1)/n1 +
 * p0(1−p0)/n0); Newcombe, "Interval estimation for the difference between independent proportions", Statistics in
 * Medicine 17, 1998, method 1). A group with nobody in it has rate 0 and adds nothing to the standard error.
 */
public record Uplift(double treatmentRate, double holdoutRate, double difference, double low, double high) {

    /** The two-sided 95 % quantile of the standard normal distribution. */
    static final double Z95 = 1.96;

    static Uplift of(long treatmentEntered, long treatmentConverted, long holdoutEntered, long holdoutConverted) {
        double p1 = rate(treatmentConverted, treatmentEntered);
        double p0 = rate(holdoutConverted, holdoutEntered);
        double se = Math.sqrt((treatmentEntered == 0 ? 0 : p1 * (1 - p1) / treatmentEntered)
                + (holdoutEntered == 0 ? 0 : p0 * (1 - p0) / holdoutEntered));
        double difference = p1 - p0;
        return new Uplift(p1, p0, difference, difference - Z95 * se, difference + Z95 * se);
    }

    static double rate(long converted, long entered) {
        return entered == 0 ? 0 : (double) converted / entered;
    }
}
