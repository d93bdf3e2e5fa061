package io.rapport.analytics.cycle;

import io.rapport.analytics.summary.TransactionColumns;

import java.util.Arrays;

/**
 * Distinct purchase events (customer, category, day) grouped by customer and sorted by
 * (category, day) within a customer. Without categories every event has category 0.
 */
record PurchaseEvents(int[] start, int[] category, long[] day, int maxEventsPerCustomer) {

    /** Categories up to 2^23, days within 2^39 of each other: far beyond any catalogue or history. */
    private static final int DAY_BITS = 40;

    static PurchaseEvents of(TransactionColumns tx, int[] categories, int customerCount) {
        tx.requireCustomerCount(customerCount);
        if (categories != null && categories.length != tx.size()) {
            throw new IllegalArgumentException("category column has " + categories.length + " rows, transactions " + tx.size());
        }
        int n = tx.size();
        long minDay = Long.MAX_VALUE;
        for (long d : tx.epochDay()) {
            minDay = Math.min(minDay, d);
        }
        int[] bucketStart = new int[customerCount + 1];
        for (int c : tx.customer()) {
            bucketStart[c + 1]++;
        }
        for (int c = 0; c < customerCount; c++) {
            bucketStart[c + 1] += bucketStart[c];
        }
        // Key: category | day offset | purchase flag, so one sort groups by category then day.
        long[] keys = new long[n];
        int[] fill = Arrays.copyOf(bucketStart, customerCount);
        for (int i = 0; i < n; i++) {
            long category = categories == null ? 0 : categories[i];
            long offset = tx.epochDay()[i] - minDay;
            if (category < 0 || category >= (1L << 23) || offset >= (1L << (DAY_BITS - 1))) {
                throw new IllegalArgumentException("row " + i + ": category or date out of range");
            }
            keys[fill[tx.customer()[i]]++] = (category << DAY_BITS) | (offset << 1) | (tx.amount()[i] >= 0 ? 1 : 0);
        }
        int[] start = new int[customerCount + 1];
        int[] outCategory = new int[n];
        long[] outDay = new long[n];
        int events = 0;
        int maxEvents = 0;
        for (int c = 0; c < customerCount; c++) {
            Arrays.sort(keys, bucketStart[c], bucketStart[c + 1]);
            start[c] = events;
            int k = bucketStart[c];
            while (k < bucketStart[c + 1]) {
                long group = keys[k] >>> 1;
                boolean purchase = false;
                while (k < bucketStart[c + 1] && keys[k] >>> 1 == group) {
                    purchase |= (keys[k] & 1) == 1;
                    k++;
                }
                if (purchase) {
                    outCategory[events] = (int) (group >>> (DAY_BITS - 1));
                    outDay[events] = (group & ((1L << (DAY_BITS - 1)) - 1)) + minDay;
                    events++;
                }
            }
            maxEvents = Math.max(maxEvents, events - start[c]);
        }
        start[customerCount] = events;
        return new PurchaseEvents(start, Arrays.copyOf(outCategory, events), Arrays.copyOf(outDay, events), maxEvents);
    }
}
