package io.rapport.analytics.rfm;

import java.util.Arrays;

/**
 * Revenue concentration: the share of revenue brought by the top share of customers, ranked by
 * value (a Lorenz curve read from the top; the "80/20" check). Point k is the top k customers.
 * Negative values (customers whose returns exceed purchases) count as 0, so that shares stay
 * between 0 and 1.
 *
 * @param customerShare k / n for k = 0..n
 * @param revenueShare  share of total revenue from the top k customers, rising from 0 to 1
 */
public record ParetoCurve(double[] customerShare, double[] revenueShare) {

    public static ParetoCurve of(double[] value) {
        int n = value.length;
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = Math.max(0.0, value[i]);
        }
        Arrays.sort(sorted);
        double total = 0;
        for (double v : sorted) {
            total += v;
        }
        double[] customers = new double[n + 1];
        double[] revenue = new double[n + 1];
        double running = 0;
        for (int k = 1; k <= n; k++) {
            running += sorted[n - k];
            customers[k] = (double) k / n;
            revenue[k] = total == 0 ? 0 : running / total;
        }
        if (n > 0 && total > 0) {
            revenue[n] = 1.0;
        }
        return new ParetoCurve(customers, revenue);
    }

    /** Revenue share of the top {@code customerFraction} of customers, interpolated linearly between customers. */
    public double revenueShareOfTop(double customerFraction) {
        if (!(customerFraction >= 0 && customerFraction <= 1)) {
            throw new IllegalArgumentException("customer fraction must be within [0, 1], got " + customerFraction);
        }
        int n = customerShare.length - 1;
        if (n == 0) {
            return 0;
        }
        double position = customerFraction * n;
        int k = (int) Math.floor(position);
        if (k >= n) {
            return revenueShare[n];
        }
        return revenueShare[k] + (position - k) * (revenueShare[k + 1] - revenueShare[k]);
    }
}
