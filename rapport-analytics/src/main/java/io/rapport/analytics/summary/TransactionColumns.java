package io.rapport.analytics.summary;

import java.time.ZoneId;
import java.util.Objects;

/**
 * Transactions in columnar form: row {@code i} is customer {@code customer[i]} spending
 * {@code amount[i]} on day {@code epochDay[i]} (days since 1970-01-01 in the tenant's time zone).
 *
 * <p>Customers are dense indexes {@code 0 .. customerCount-1}, so every per-customer result is a
 * plain array indexed by customer. Rows need not be sorted. A negative amount is a return or
 * cancellation. The arrays are used as given, not copied: do not change them while in use.
 */
public record TransactionColumns(int[] customer, long[] epochDay, double[] amount) {

    public TransactionColumns {
        Objects.requireNonNull(customer, "customer");
        Objects.requireNonNull(epochDay, "epochDay");
        Objects.requireNonNull(amount, "amount");
        if (customer.length != epochDay.length || customer.length != amount.length) {
            throw new IllegalArgumentException("columns differ in length: customer=" + customer.length
                    + ", epochDay=" + epochDay.length + ", amount=" + amount.length);
        }
        for (int i = 0; i < amount.length; i++) {
            if (!Double.isFinite(amount[i])) {
                throw new IllegalArgumentException("row " + i + ": amount is not a finite number: " + amount[i]);
            }
            if (customer[i] < 0) {
                throw new IllegalArgumentException("row " + i + ": customer index is negative: " + customer[i]);
            }
        }
    }

    /**
     * Builds columns from instants (epoch milliseconds), assigning each to its calendar day in
     * {@code zone}: "same day" is a business notion, so it must be the shop's day, not UTC's.
     */
    public static TransactionColumns fromEpochMillis(int[] customer, long[] epochMillis, double[] amount, ZoneId zone) {
        long[] days = new long[epochMillis.length];
        var rules = zone.getRules();
        for (int i = 0; i < epochMillis.length; i++) {
            var instant = java.time.Instant.ofEpochMilli(epochMillis[i]);
            long offsetSeconds = rules.getOffset(instant).getTotalSeconds();
            days[i] = Math.floorDiv(Math.addExact(epochMillis[i], offsetSeconds * 1000L), 86_400_000L);
        }
        return new TransactionColumns(customer, days, amount);
    }

    public int size() {
        return customer.length;
    }

    /** One more than the largest customer index, i.e. the smallest valid customer count. */
    public int minimumCustomerCount() {
        int max = -1;
        for (int c : customer) {
            max = Math.max(max, c);
        }
        return max + 1;
    }

    /** Throws unless {@code customerCount} covers every customer index of these transactions. */
    public void requireCustomerCount(int customerCount) {
        int minimum = minimumCustomerCount();
        if (customerCount < minimum) {
            throw new IllegalArgumentException("customerCount " + customerCount
                    + " is smaller than the largest customer index + 1 (" + minimum + ")");
        }
    }
}
