package io.rapport.analytics.clv;

import io.rapport.analytics.summary.CustomerSummaries;

import java.util.Objects;

/**
 * Discounted customer lifetime value over a finite horizon, the approach of lifetimes'
 * {@code GammaGammaFitter.customer_lifetime_value} (after Fader, Hardie &amp; Lee 2005, "RFM and
 * CLV: Using Iso-Value Curves", JMR 42(4), which combines a transaction model with Gamma-Gamma):
 *
 * <pre>
 * CLV = margin · E(M | x, m_x) · Σ_{i=1..H} [E(Y(i·k) | x,t_x,T) - E(Y((i-1)·k) | x,t_x,T)] / (1+d)^i
 * </pre>
 *
 * where E(M) is the Gamma-Gamma expected average transaction value, E(Y) the BG/NBD
 * conditional expected purchases, k the model periods per month, H the horizon in months and d
 * the monthly discount rate: the purchases expected in month i are discounted to today.
 */
public final class CustomerLifetimeValue {

    private final BgNbdParameters transactions;
    private final GammaGammaParameters spend;
    private final ClvSettings settings;

    public CustomerLifetimeValue(BgNbdParameters transactions, GammaGammaParameters spend, ClvSettings settings) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.spend = Objects.requireNonNull(spend, "spend");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** CLV of one customer with history (x, t_x, T) and average repeat spend m_x (0 when x = 0). */
    public double of(double x, double tx, double T, double monetaryValue) {
        BgNbdParameters.requireHistory(x, tx, T);
        return spend.conditionalExpectedAverageValue(x, monetaryValue) * settings.margin()
                * transactions.probabilityAlive(x, tx, T) * discountedPurchasesIfAlive(x, T);
    }

    /**
     * Σ_i [E(Y(i·k)) − E(Y((i−1)·k))] / (1+d)^i for a customer who is alive: E(Y) is P(alive)
     * times a factor of (x, T) only, so the sum is too, and bulk scoring computes it once per
     * distinct (x, T) instead of once per customer.
     */
    double discountedPurchasesIfAlive(double x, double T) {
        double k = settings.periodsPerMonth();
        double discount = 1.0 + settings.monthlyDiscountRate();
        double previous = 0.0;
        double total = 0.0;
        for (int month = 1; month <= settings.horizonMonths(); month++) {
            double cumulative = transactions.expectedPurchasesIfAlive(month * k, x, T);
            total += (cumulative - previous) / Math.pow(discount, month);
            previous = cumulative;
        }
        return total;
    }

    BgNbdParameters transactions() {
        return transactions;
    }

    GammaGammaParameters spend() {
        return spend;
    }

    ClvSettings settings() {
        return settings;
    }

    /** CLV per customer; 0 for customers with no purchase (they are not yet customers). */
    public double[] of(CustomerSummaries summaries) {
        return CustomerPredictions.of(summaries, this, 0.0, 0.0).lifetimeValue();
    }
}
