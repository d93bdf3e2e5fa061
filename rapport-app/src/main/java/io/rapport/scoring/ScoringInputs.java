package io.rapport.scoring;

import io.rapport.customer.CustomerSummaries.Summary;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * What one run scores, as columns (one slot per active customer, in customer id order): read from the stored
 * summaries plus the rolling 12-month spend. Days are calendar days in the brand's time zone, as purchase days are.
 */
final class ScoringInputs {

    static final long NONE = Long.MIN_VALUE;

    final LocalDate asOf;
    final long asOfDay;
    private final ZoneId zone;
    int size;
    long[] customerId = new long[1024];
    int[] purchaseDays = new int[1024];
    int[] orders = new int[1024];
    int[] returns = new int[1024];
    double[] totalSpend = new double[1024];
    long[] firstDay = new long[1024];
    long[] lastDay = new long[1024];
    long[] lastInteractionDay = new long[1024];
    double[] spend12Months = new double[1024];

    ScoringInputs(LocalDate asOf, ZoneId zone) {
        this.asOf = asOf;
        this.asOfDay = asOf.toEpochDay();
        this.zone = zone;
    }

    void add(Summary s) {
        if (size == customerId.length) {
            int capacity = size * 2;
            customerId = Arrays.copyOf(customerId, capacity);
            purchaseDays = Arrays.copyOf(purchaseDays, capacity);
            orders = Arrays.copyOf(orders, capacity);
            returns = Arrays.copyOf(returns, capacity);
            totalSpend = Arrays.copyOf(totalSpend, capacity);
            firstDay = Arrays.copyOf(firstDay, capacity);
            lastDay = Arrays.copyOf(lastDay, capacity);
            lastInteractionDay = Arrays.copyOf(lastInteractionDay, capacity);
            spend12Months = Arrays.copyOf(spend12Months, capacity);
        }
        int i = size++;
        customerId[i] = s.customerId();
        purchaseDays[i] = s.purchaseDays();
        orders[i] = s.orderCount();
        returns[i] = s.returnCount();
        totalSpend[i] = s.totalSpend().doubleValue();
        firstDay[i] = day(s.firstPurchaseAt());
        lastDay[i] = day(s.lastPurchaseAt());
        lastInteractionDay[i] = day(s.lastInteractionAt());
    }

    /** Slot of a customer id (ids are added in ascending order), or a negative number. */
    int indexOf(long id) {
        return Arrays.binarySearch(customerId, 0, size, id);
    }

    boolean bought(int i) {
        return purchaseDays[i] > 0 && firstDay[i] != NONE;
    }

    private long day(OffsetDateTime at) {
        return at == null ? NONE : at.atZoneSameInstant(zone).toLocalDate().toEpochDay();
    }
}
