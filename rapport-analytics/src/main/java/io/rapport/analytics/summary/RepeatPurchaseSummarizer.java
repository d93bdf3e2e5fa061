package io.rapport.analytics.summary;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Turns a transaction log into the (x, t_x, T, monetary value) summary that BG/NBD, Pareto/NBD
 * and Gamma-Gamma are fitted on, as defined in Fader, Hardie &amp; Lee (2005), "Counting your
 * customers the easy way", Marketing Science 24(2), §2, and in lifetimes'
 * {@code summary_data_from_transaction_data}.
 *
 * <h2>Business rules</h2>
 * <ul>
 *   <li><b>A purchase day, not a transaction, is the unit.</b> Several transactions by one
 *       customer on one calendar day are one purchase day whose value is their sum. This is the
 *       CDNOW convention: the models describe visits, and a split basket is not a second visit.</li>
 *   <li><b>Returns net out on the day they occur on.</b> A negative amount is a return or
 *       cancellation. It is added to the other transactions of the same customer on the same day.
 *       A day counts as a purchase day only when it holds at least one non-negative transaction
 *       (a purchase, possibly free); a day with returns only is not a visit that bought
 *       anything, so it changes neither frequency nor recency and its amount is dropped (we
 *       cannot tell which earlier purchase it refunds, and rewriting history would make past
 *       scores unstable). A purchase day whose returns exceed its purchases is valued at 0,
 *       never below, because the Gamma-Gamma model needs non-negative spend.</li>
 *   <li><b>Zero amounts are purchases.</b> A free order (100% voucher, gift) is still a visit.</li>
 *   <li><b>The end day is included.</b> A transaction on the observation (or calibration) end
 *       day belongs to that period; T counts whole days from the first purchase day to the end
 *       day, so a customer whose first purchase is on the end day has T = 0.</li>
 *   <li>Transactions after the observation end are ignored.</li>
 * </ul>
 *
 * <p>Cost: one counting sort by customer and one sort of each customer's rows by day,
 * O(n log n) time and two arrays of n longs/ints of scratch space. Customers are summarized in
 * parallel chunks; each writes only its own slots, so the result is deterministic.
 */
public final class RepeatPurchaseSummarizer {

    private static final int CHUNK = 16_384;

    private final PeriodUnit unit;

    public RepeatPurchaseSummarizer(PeriodUnit unit) {
        this.unit = Objects.requireNonNull(unit, "unit");
    }

    /** Summary of every transaction on or before {@code observationEnd}. */
    public CustomerSummaries summarize(TransactionColumns transactions, int customerCount, LocalDate observationEnd) {
        long end = observationEnd.toEpochDay();
        return run(transactions, customerCount, end, end).calibration();
    }

    /**
     * Calibration summary up to {@code calibrationEnd} (inclusive) and holdout counts for
     * (calibrationEnd, observationEnd]. Holdout counts are filled for every customer, including
     * those whose first purchase falls in the holdout; callers validating a model should keep
     * only customers with {@code calibration().hasPurchased(i)}.
     */
    public CalibrationHoldoutSummaries summarize(
            TransactionColumns transactions, int customerCount, LocalDate calibrationEnd, LocalDate observationEnd) {
        if (observationEnd.isBefore(calibrationEnd)) {
            throw new IllegalArgumentException(
                    "observation end " + observationEnd + " is before calibration end " + calibrationEnd);
        }
        return run(transactions, customerCount, calibrationEnd.toEpochDay(), observationEnd.toEpochDay());
    }

    private CalibrationHoldoutSummaries run(TransactionColumns tx, int customerCount, long calibrationEnd, long observationEnd) {
        tx.requireCustomerCount(customerCount);
        int[] customer = tx.customer();
        long[] day = tx.epochDay();
        double[] amount = tx.amount();

        long minDay = Long.MAX_VALUE;
        for (int i = 0; i < day.length; i++) {
            if (day[i] <= observationEnd) {
                minDay = Math.min(minDay, day[i]);
            }
        }

        // Counting sort by customer; within a customer, sort keys (dayOffset << 32 | row).
        int[] start = new int[customerCount + 1];
        for (int i = 0; i < customer.length; i++) {
            if (day[i] <= observationEnd) {
                start[customer[i] + 1]++;
            }
        }
        for (int c = 0; c < customerCount; c++) {
            start[c + 1] += start[c];
        }
        long[] keys = new long[start[customerCount]];
        int[] fill = Arrays.copyOf(start, customerCount);
        for (int i = 0; i < customer.length; i++) {
            if (day[i] <= observationEnd) {
                long offset = day[i] - minDay;
                if (offset > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("row " + i + ": dates span more than 2^31 days");
                }
                keys[fill[customer[i]]++] = (offset << 32) | i;
            }
        }

        int[] frequency = new int[customerCount];
        double[] recency = new double[customerCount];
        double[] age = new double[customerCount];
        double[] monetary = new double[customerCount];
        int[] purchaseDays = new int[customerCount];
        double[] totalSpend = new double[customerCount];
        long[] first = new long[customerCount];
        long[] last = new long[customerCount];
        int[] holdoutFrequency = new int[customerCount];
        double[] holdoutMonetary = new double[customerCount];

        // Customers are independent and write only their own slots: summarize them in parallel chunks.
        var out = new Columns(frequency, recency, age, monetary, purchaseDays, totalSpend, first, last,
                holdoutFrequency, holdoutMonetary);
        long firstDay = minDay;
        IntStream.range(0, (customerCount + CHUNK - 1) / CHUNK).parallel().forEach(chunk ->
                summarizeCustomers(chunk * CHUNK, Math.min(customerCount, (chunk + 1) * CHUNK), start, keys, firstDay,
                        amount, calibrationEnd, out));
        var calibration = new CustomerSummaries(unit, calibrationEnd, frequency, recency, age, monetary,
                purchaseDays, totalSpend, first, last);
        return new CalibrationHoldoutSummaries(calibration, holdoutFrequency, holdoutMonetary,
                unit.fromDays(observationEnd - calibrationEnd));
    }

    private record Columns(int[] frequency, double[] recency, double[] age, double[] monetary, int[] purchaseDays,
                           double[] totalSpend, long[] first, long[] last, int[] holdoutFrequency, double[] holdoutMonetary) {}

    private void summarizeCustomers(int fromCustomer, int toCustomer, int[] start, long[] keys, long minDay,
                                    double[] amount, long calibrationEnd, Columns out) {
        int[] frequency = out.frequency();
        double[] recency = out.recency();
        double[] age = out.age();
        double[] monetary = out.monetary();
        int[] purchaseDays = out.purchaseDays();
        double[] totalSpend = out.totalSpend();
        long[] first = out.first();
        long[] last = out.last();
        int[] holdoutFrequency = out.holdoutFrequency();
        double[] holdoutMonetary = out.holdoutMonetary();
        for (int c = fromCustomer; c < toCustomer; c++) {
            int from = start[c];
            int to = start[c + 1];
            Arrays.sort(keys, from, to);
            int calibrationDays = 0;
            double calibrationTotal = 0;
            double firstDayValue = 0;
            long firstDay = 0;
            long lastDay = 0;
            int holdoutDays = 0;
            double holdoutTotal = 0;
            int k = from;
            while (k < to) {
                long d = (keys[k] >>> 32) + minDay;
                double net = 0;
                boolean bought = false;
                while (k < to && (keys[k] >>> 32) + minDay == d) {
                    double a = amount[(int) keys[k]];
                    net += a;
                    bought |= a >= 0;
                    k++;
                }
                if (!bought) {
                    continue;
                }
                double value = Math.max(0.0, net);
                if (d <= calibrationEnd) {
                    if (calibrationDays == 0) {
                        firstDay = d;
                        firstDayValue = value;
                    }
                    lastDay = d;
                    calibrationDays++;
                    calibrationTotal += value;
                } else {
                    holdoutDays++;
                    holdoutTotal += value;
                }
            }
            purchaseDays[c] = calibrationDays;
            holdoutFrequency[c] = holdoutDays;
            holdoutMonetary[c] = holdoutDays == 0 ? 0.0 : holdoutTotal / holdoutDays;
            if (calibrationDays > 0) {
                frequency[c] = calibrationDays - 1;
                recency[c] = unit.fromDays(lastDay - firstDay);
                age[c] = unit.fromDays(calibrationEnd - firstDay);
                monetary[c] = calibrationDays == 1 ? 0.0 : (calibrationTotal - firstDayValue) / (calibrationDays - 1);
                totalSpend[c] = calibrationTotal;
                first[c] = firstDay;
                last[c] = lastDay;
            }
        }
    }
}
