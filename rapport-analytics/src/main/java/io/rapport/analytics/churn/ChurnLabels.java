package io.rapport.analytics.churn;

import io.rapport.analytics.summary.TransactionColumns;

import java.util.Arrays;

/**
 * Labels for a time-based split: at a cutoff day, a customer who has bought is "churned" when
 * they make no purchase in the next N days. Features must be built from data up to the cutoff
 * only, labels from the days after it, so the model learns what it will be asked in production.
 *
 * <p>A purchase is a transaction with a non-negative amount, as in the summaries: a return does
 * not count as coming back.
 */
public final class ChurnLabels {

    private ChurnLabels() {
    }

    /**
     * @param cutoffDay   last day of the history (epoch day, included in the history)
     * @param horizonDays N: churned = no purchase on days cutoff+1 … cutoff+N
     * @return per customer index; customers with no purchase by the cutoff are labelled too,
     *         select the relevant ones with {@link #purchasedBy}
     */
    public static boolean[] noPurchaseWithin(TransactionColumns tx, int customerCount, long cutoffDay, int horizonDays) {
        if (horizonDays < 1) {
            throw new IllegalArgumentException("horizonDays must be at least 1: " + horizonDays);
        }
        boolean[] churned = new boolean[customerCount];
        Arrays.fill(churned, true);
        for (int i = 0; i < tx.size(); i++) {
            long day = tx.epochDay()[i];
            if (day > cutoffDay && day <= cutoffDay + horizonDays && tx.amount()[i] >= 0) {
                churned[checked(tx.customer()[i], customerCount)] = false;
            }
        }
        return churned;
    }

    /** Whether each customer made a purchase on or before the cutoff day: the customers a model scores. */
    public static boolean[] purchasedBy(TransactionColumns tx, int customerCount, long cutoffDay) {
        boolean[] bought = new boolean[customerCount];
        for (int i = 0; i < tx.size(); i++) {
            if (tx.epochDay()[i] <= cutoffDay && tx.amount()[i] >= 0) {
                bought[checked(tx.customer()[i], customerCount)] = true;
            }
        }
        return bought;
    }

    private static int checked(int customer, int customerCount) {
        if (customer >= customerCount) {
            throw new IllegalArgumentException("customer index " + customer + " is not below the customer count " + customerCount);
        }
        return customer;
    }
}
