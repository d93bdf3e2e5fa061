package io.rapport.analytics.churn;

import io.rapport.analytics.summary.TransactionColumns;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every customer's orders and interactions as primitive columns, grouped by customer and sorted by
 * day, from which the {@link BehaviourFigures} of any cutoff day are rebuilt: the figures the
 * server's incremental summaries held on that day. This is what a time-based churn split needs:
 * features as of a cutoff from the history up to it, labels from the days after it
 * ({@link #noPurchaseWithin}).
 *
 * <p>Definitions (those of the server's summaries): a sale is an order with {@code isReturn} false;
 * returns and cancellations are counted apart and their (negative) amounts net out of spend; a
 * purchase day is a distinct day with a sale. Channel shares are shares of sales. Memory: about
 * 18 bytes an order and 16 an event.
 */
public final class BehaviourHistory {

    /** The 180-day windows of the trend features. */
    public static final int TREND_WINDOW_DAYS = 180;
    /** The window of recent interactions. */
    public static final int ACTIVITY_WINDOW_DAYS = 30;

    private final int customers;
    private final List<String> channels;
    // orders of customer c are at orderStart[c] … orderStart[c + 1] − 1, by day
    private final int[] orderStart;
    private final int[] orderDay;
    private final double[] orderAmount;
    private final byte[] orderChannel;
    private final boolean[] orderIsReturn;
    private final int[] eventStart;
    private final int[] eventDay;
    private final float[] eventSentiment;

    private BehaviourHistory(Builder b) {
        this.customers = b.customers;
        this.channels = List.copyOf(b.channels);
        int n = b.orders;
        int[] order = groupByCustomerThenDay(b.orderCustomer, b.orderDay, n, customers);
        this.orderStart = starts(b.orderCustomer, n, customers);
        this.orderDay = new int[n];
        this.orderAmount = new double[n];
        this.orderChannel = new byte[n];
        this.orderIsReturn = new boolean[n];
        for (int k = 0; k < n; k++) {
            int i = order[k];
            orderDay[k] = b.orderDay[i];
            orderAmount[k] = b.orderAmount[i];
            orderChannel[k] = b.orderChannel[i];
            orderIsReturn[k] = b.orderIsReturn[i];
        }
        int m = b.events;
        int[] eventOrder = groupByCustomerThenDay(b.eventCustomer, b.eventDay, m, customers);
        this.eventStart = starts(b.eventCustomer, m, customers);
        this.eventDay = new int[m];
        this.eventSentiment = new float[m];
        for (int k = 0; k < m; k++) {
            eventDay[k] = b.eventDay[eventOrder[k]];
            eventSentiment[k] = b.eventSentiment[eventOrder[k]];
        }
    }

    /**
     * @param customerCount customers are 0 … customerCount − 1
     * @param channels      order channel names (at most 127 in all); an order's channel is an index into them, or −1
     */
    public static Builder builder(int customerCount, List<String> channels) {
        return new Builder(customerCount, channels);
    }

    /**
     * The history of plain transactions (customer, day, amount; no channels or events): a customer's transactions of
     * one day count as one order, their non-negative part a sale and their negative part a return, as purchase days
     * do in {@link io.rapport.analytics.summary.RepeatPurchaseSummarizer}: the day has a sale when its non-negative
     * part is positive or it has no negative part (a day of zero amounts is a sale of 0), and a return when its
     * negative part is below 0. Customers are grouped in parallel chunks and added in customer order, so the result
     * does not depend on the thread count.
     */
    public static BehaviourHistory ofTransactions(TransactionColumns tx, int customerCount) {
        tx.requireCustomerCount(customerCount);
        int[] customer = tx.customer();
        long[] day = tx.epochDay();
        double[] amount = tx.amount();
        int n = customer.length;
        long minDay = Long.MAX_VALUE;
        for (long d : day) {
            minDay = Math.min(minDay, d);
        }
        int[] start = starts(customer, n, customerCount);
        // a customer's rows as (day offset << 32 | row), sorted per customer: days in order, same-day rows together
        long[] keys = new long[n];
        int[] fill = Arrays.copyOf(start, customerCount);
        for (int i = 0; i < n; i++) {
            long offset = day[i] - minDay;
            if (offset > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("row " + i + ": dates span more than 2^31 days");
            }
            keys[fill[customer[i]]++] = (offset << 32) | i;
        }
        int chunk = 1 << 14;
        long first = minDay;
        List<DailyOrders> chunks = java.util.stream.IntStream.range(0, (customerCount + chunk - 1) / chunk).parallel()
                .mapToObj(k -> DailyOrders.of(k * chunk, Math.min(customerCount, (k + 1) * chunk), start, keys, first, amount))
                .toList();
        var b = builder(customerCount);
        for (DailyOrders d : chunks) {
            for (int k = 0; k < d.count; k++) {
                if (d.sale[k] > 0 || d.returned[k] == 0) {
                    b.order(d.customer[k], d.day[k], d.sale[k], -1, false);
                }
                if (d.returned[k] < 0) {
                    b.order(d.customer[k], d.day[k], d.returned[k], -1, true);
                }
            }
        }
        return b.build();
    }

    /** A builder whose channels are named as orders arrive ({@link Builder#channel}). */
    public static Builder builder(int customerCount) {
        return new Builder(customerCount, List.of());
    }

    public int customerCount() {
        return customers;
    }

    public List<String> channels() {
        return channels;
    }

    public int orderCount() {
        return orderDay.length;
    }

    /** The earliest sale day, if any sale is stored. */
    public java.util.OptionalLong firstSaleDay() {
        long first = Long.MAX_VALUE;
        for (int k = 0; k < orderDay.length; k++) {
            if (!orderIsReturn[k]) {
                first = Math.min(first, orderDay[k]);
            }
        }
        return first == Long.MAX_VALUE ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(first);
    }

    /** Whether each customer made a sale on or before the cutoff day: the customers a model scores. */
    public boolean[] purchasedBy(long cutoffDay) {
        boolean[] bought = new boolean[customers];
        for (int c = 0; c < customers; c++) {
            for (int k = orderStart[c]; k < orderStart[c + 1] && orderDay[k] <= cutoffDay; k++) {
                if (!orderIsReturn[k]) {
                    bought[c] = true;
                    break;
                }
            }
        }
        return bought;
    }

    /** Churned = no sale on days cutoff+1 … cutoff+horizon (see {@link ChurnLabels}). */
    public boolean[] noPurchaseWithin(long cutoffDay, int horizonDays) {
        if (horizonDays < 1) {
            throw new IllegalArgumentException("horizonDays must be at least 1: " + horizonDays);
        }
        boolean[] churned = new boolean[customers];
        Arrays.fill(churned, true);
        for (int c = 0; c < customers; c++) {
            for (int k = orderStart[c]; k < orderStart[c + 1]; k++) {
                if (!orderIsReturn[k] && orderDay[k] > cutoffDay && orderDay[k] <= cutoffDay + horizonDays) {
                    churned[c] = false;
                    break;
                }
            }
        }
        return churned;
    }

    /** The sales and returns as transactions (returns negative), e.g. for {@link ChurnLabels}. */
    public TransactionColumns transactions() {
        int n = orderDay.length;
        int[] customer = new int[n];
        long[] day = new long[n];
        for (int c = 0; c < customers; c++) {
            for (int k = orderStart[c]; k < orderStart[c + 1]; k++) {
                customer[k] = c;
                day[k] = orderDay[k];
            }
        }
        return new TransactionColumns(customer, day, orderAmount.clone());
    }

    /** The figures of the given customers as of the end of {@code cutoffDay}, with this history's channels. */
    public BehaviourFigures figuresAt(long cutoffDay, int[] selected) {
        return figuresAt(cutoffDay, selected, channels);
    }

    /**
     * The figures with the channel-share columns of {@code shareChannels} (a saved model's channels):
     * a channel this history does not know has share 0.
     */
    public BehaviourFigures figuresAt(long cutoffDay, int[] selected, List<String> shareChannels) {
        int n = selected.length;
        int[] orders = new int[n];
        int[] purchaseDays = new int[n];
        double[] spend = new double[n];
        double[] sinceFirst = new double[n];
        double[] sinceLast = new double[n];
        double[] medianInterval = new double[n];
        double[] spendLast = new double[n];
        double[] spendPrevious = new double[n];
        int[] ordersLast = new int[n];
        int[] ordersPrevious = new int[n];
        int[] returns = new int[n];
        int[] events30 = new int[n];
        double[] sentiment = new double[n];
        int[] channelColumn = new int[channels.size()];
        for (int h = 0; h < channels.size(); h++) {
            channelColumn[h] = shareChannels.indexOf(channels.get(h));
        }
        double[][] share = new double[shareChannels.size()][n];
        long[] gaps = new long[16];
        for (int s = 0; s < n; s++) {
            int c = Objects.checkIndex(selected[s], customers);
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long previousDay = Long.MIN_VALUE;
            int gapCount = 0;
            for (int k = orderStart[c]; k < orderStart[c + 1] && orderDay[k] <= cutoffDay; k++) {
                double amount = orderAmount[k];
                spend[s] += amount;
                if (orderIsReturn[k]) {
                    returns[s]++;
                    continue;
                }
                long day = orderDay[k];
                orders[s]++;
                first = Math.min(first, day);
                last = Math.max(last, day);
                if (day != previousDay) {
                    if (previousDay != Long.MIN_VALUE) {
                        if (gapCount == gaps.length) {
                            gaps = Arrays.copyOf(gaps, 2 * gapCount);
                        }
                        gaps[gapCount++] = day - previousDay;
                    }
                    previousDay = day;
                    purchaseDays[s]++;
                }
                if (day > cutoffDay - TREND_WINDOW_DAYS) {
                    spendLast[s] += amount;
                    ordersLast[s]++;
                } else if (day > cutoffDay - 2 * TREND_WINDOW_DAYS) {
                    spendPrevious[s] += amount;
                    ordersPrevious[s]++;
                }
                int channel = orderChannel[k];
                if (channel >= 0 && channelColumn[channel] >= 0) {
                    share[channelColumn[channel]][s]++;
                }
            }
            sinceFirst[s] = orders[s] == 0 ? Double.NaN : cutoffDay - first;
            sinceLast[s] = orders[s] == 0 ? Double.NaN : cutoffDay - last;
            medianInterval[s] = median(gaps, gapCount);
            for (double[] column : share) {
                column[s] = orders[s] == 0 ? 0 : column[s] / orders[s];
            }
            double ratingSum = 0;
            int rated = 0;
            for (int k = eventStart[c]; k < eventStart[c + 1] && eventDay[k] <= cutoffDay; k++) {
                if (eventDay[k] > cutoffDay - ACTIVITY_WINDOW_DAYS) {
                    events30[s]++;
                }
                if (!Float.isNaN(eventSentiment[k])) {
                    ratingSum += eventSentiment[k];
                    rated++;
                }
            }
            sentiment[s] = rated == 0 ? Double.NaN : ratingSum / rated;
        }
        return new BehaviourFigures(orders, purchaseDays, spend, sinceFirst, sinceLast, medianInterval,
                spendLast, spendPrevious, ordersLast, ordersPrevious, returns, events30, new int[n], sentiment,
                shareChannels, share);
    }

    /** Median of the first {@code count} values (sorted in place); NaN when there are none. */
    private static double median(long[] values, int count) {
        if (count == 0) {
            return Double.NaN;
        }
        Arrays.sort(values, 0, count);
        int m = count / 2;
        return count % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2.0;
    }

    /** A counting sort by customer, stable, then each customer's slice sorted by day (usually already is). */
    private static int[] groupByCustomerThenDay(int[] customer, int[] day, int n, int customers) {
        int[] start = starts(customer, n, customers);
        int[] next = Arrays.copyOf(start, customers);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[next[customer[i]]++] = i;
        }
        for (int c = 0; c < customers; c++) {
            int from = start[c];
            int to = start[c + 1];
            // insertion sort: a customer's orders mostly arrive in time order
            for (int k = from + 1; k < to; k++) {
                int v = order[k];
                int j = k - 1;
                while (j >= from && (day[order[j]] > day[v] || (day[order[j]] == day[v] && order[j] > v))) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = v;
            }
        }
        return order;
    }

    private static int[] starts(int[] customer, int n, int customers) {
        int[] start = new int[customers + 1];
        for (int i = 0; i < n; i++) {
            start[customer[i] + 1]++;
        }
        for (int c = 0; c < customers; c++) {
            start[c + 1] += start[c];
        }
        return start;
    }

    /** One chunk of customers' days: the sum of the day's non-negative amounts and of its negative ones. */
    private static final class DailyOrders {
        int count;
        int[] customer = new int[256];
        int[] day = new int[256];
        double[] sale = new double[256];
        double[] returned = new double[256];

        static DailyOrders of(int fromCustomer, int toCustomer, int[] start, long[] keys, long firstDay, double[] amount) {
            var d = new DailyOrders();
            for (int c = fromCustomer; c < toCustomer; c++) {
                Arrays.sort(keys, start[c], start[c + 1]);
                long previous = -1;
                for (int j = start[c]; j < start[c + 1]; j++) {
                    long offset = keys[j] >>> 32;
                    if (offset != previous) {
                        d.add(c, Math.toIntExact(offset + firstDay));
                        previous = offset;
                    }
                    double a = amount[(int) keys[j]];
                    if (a >= 0) {
                        d.sale[d.count - 1] += a;
                    } else {
                        d.returned[d.count - 1] += a;
                    }
                }
            }
            return d;
        }

        private void add(int c, int epochDay) {
            if (count == day.length) {
                customer = Arrays.copyOf(customer, 2 * count);
                day = Arrays.copyOf(day, 2 * count);
                sale = Arrays.copyOf(sale, 2 * count);
                returned = Arrays.copyOf(returned, 2 * count);
            }
            customer[count] = c;
            day[count] = epochDay;
            count++;
        }
    }

    /** Collects orders and events in any order. */
    public static final class Builder {

        private final int customers;
        private final List<String> channels;
        private final java.util.Map<String, Integer> channelIndex = new java.util.HashMap<>();
        private int orders;
        private int[] orderCustomer = new int[1024];
        private int[] orderDay = new int[1024];
        private double[] orderAmount = new double[1024];
        private byte[] orderChannel = new byte[1024];
        private boolean[] orderIsReturn = new boolean[1024];
        private int events;
        private int[] eventCustomer = new int[1024];
        private int[] eventDay = new int[1024];
        private float[] eventSentiment = new float[1024];

        private Builder(int customers, List<String> channels) {
            if (customers < 0) {
                throw new IllegalArgumentException("customerCount must not be negative: " + customers);
            }
            if (channels.size() > Byte.MAX_VALUE) {
                throw new IllegalArgumentException("at most " + Byte.MAX_VALUE + " channels: " + channels.size());
            }
            this.customers = customers;
            this.channels = new java.util.ArrayList<>(channels);
            for (int c = 0; c < channels.size(); c++) {
                channelIndex.put(channels.get(c), c);
            }
        }

        /** The index of a channel name, added if new. */
        public int channel(String name) {
            Objects.requireNonNull(name, "name");
            Integer known = channelIndex.get(name);
            if (known != null) {
                return known;
            }
            if (channels.size() == Byte.MAX_VALUE) {
                throw new IllegalArgumentException("more than " + Byte.MAX_VALUE + " channels");
            }
            channels.add(name);
            channelIndex.put(name, channels.size() - 1);
            return channels.size() - 1;
        }

        /**
         * @param day      epoch day in the brand's calendar
         * @param amount   net amount; negative for a return
         * @param channel  index into the channels, or −1 when not known
         * @param isReturn a return or cancellation rather than a sale
         */
        public Builder order(int customer, long day, double amount, int channel, boolean isReturn) {
            Objects.checkIndex(customer, customers);
            if (channel < -1 || channel >= channels.size()) {
                throw new IllegalArgumentException("channel index " + channel + " for " + channels.size() + " channels");
            }
            if (orders == orderDay.length) {
                int capacity = 2 * orders;
                orderCustomer = Arrays.copyOf(orderCustomer, capacity);
                orderDay = Arrays.copyOf(orderDay, capacity);
                orderAmount = Arrays.copyOf(orderAmount, capacity);
                orderChannel = Arrays.copyOf(orderChannel, capacity);
                orderIsReturn = Arrays.copyOf(orderIsReturn, capacity);
            }
            orderCustomer[orders] = customer;
            orderDay[orders] = Math.toIntExact(day);
            orderAmount[orders] = amount;
            orderChannel[orders] = (byte) channel;
            orderIsReturn[orders] = isReturn;
            orders++;
            return this;
        }

        /**
         * An interaction (view, cart, app use, message open, review, service contact).
         *
         * @param sentiment −1 … 1 for a review or rated contact, NaN otherwise
         */
        public Builder event(int customer, long day, double sentiment) {
            Objects.checkIndex(customer, customers);
            if (events == eventDay.length) {
                int capacity = 2 * events;
                eventCustomer = Arrays.copyOf(eventCustomer, capacity);
                eventDay = Arrays.copyOf(eventDay, capacity);
                eventSentiment = Arrays.copyOf(eventSentiment, capacity);
            }
            eventCustomer[events] = customer;
            eventDay[events] = Math.toIntExact(day);
            eventSentiment[events] = (float) sentiment;
            events++;
            return this;
        }

        public BehaviourHistory build() {
            return new BehaviourHistory(this);
        }
    }
}
