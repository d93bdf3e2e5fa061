package io.rapport.analytics.churn;

import io.rapport.analytics.summary.TransactionColumns;
import io.rapport.analytics.synthetic.DemoCustomer;
import io.rapport.analytics.synthetic.DemoDataGenerator;
import io.rapport.analytics.synthetic.DemoDataSink;
import io.rapport.analytics.synthetic.DemoEvent;
import io.rapport.analytics.synthetic.DemoOrderLine;
import io.rapport.analytics.synthetic.DemoProduct;
import io.rapport.analytics.synthetic.DemoStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo generator's stream kept as compact per-order and per-event columns, from which the
 * figures Rapport keeps ({@link BehaviourFigures}) are rebuilt as of any cutoff day, the way the
 * server's incremental summaries would hold them on that day. Days are China Standard Time
 * (UTC+8), the demo brand's calendar. The demo data has no service tickets: service contacts are 0.
 */
final class DemoBehaviourHistory implements DemoDataSink {

    static final List<String> CHANNELS = List.of(DemoStore.STORE, DemoStore.SHOP, DemoStore.APP, DemoStore.MINI_PROGRAM);
    private static final long LOCAL_OFFSET_SECONDS = 8 * 3600;

    private final Map<String, Integer> customerIndex = new HashMap<>();
    // One entry per order (sale or return); a cancellation's lines are dropped, its sale stays.
    private final IntList orderCustomer = new IntList();
    private final IntList orderDay = new IntList();
    private final List<Double> orderAmount = new ArrayList<>();
    private final IntList orderChannel = new IntList();
    private final IntList orderIsReturn = new IntList();
    private final IntList eventCustomer = new IntList();
    private final IntList eventDay = new IntList();
    private final IntList eventRating = new IntList();
    private String lastOrderId = "";

    static DemoBehaviourHistory generate(long seed, int customers, Instant end, int years) {
        var history = new DemoBehaviourHistory();
        new DemoDataGenerator(seed, customers, end, years).generate(history);
        return history;
    }

    int customerCount() {
        return customerIndex.size();
    }

    static long localDay(Instant t) {
        return Math.floorDiv(t.getEpochSecond() + LOCAL_OFFSET_SECONDS, 86_400);
    }

    @Override
    public void store(DemoStore s) {
    }

    @Override
    public void product(DemoProduct p) {
    }

    @Override
    public void customer(DemoCustomer c) {
        customerIndex.put(c.externalId(), customerIndex.size());
    }

    @Override
    public void orderLine(DemoOrderLine l) {
        if (l.kind().equals(DemoOrderLine.CANCELLATION)) {
            return;
        }
        double amount = l.amount().doubleValue();
        if (l.orderId().equals(lastOrderId)) {
            int last = orderAmount.size() - 1;
            orderAmount.set(last, orderAmount.get(last) + amount);
            return;
        }
        lastOrderId = l.orderId();
        orderCustomer.add(customerIndex.get(l.customerExternalId()));
        orderDay.add((int) localDay(l.orderedAt()));
        orderAmount.add(amount);
        orderChannel.add(CHANNELS.indexOf(l.channel()));
        orderIsReturn.add(l.kind().equals(DemoOrderLine.RETURN) ? 1 : 0);
    }

    @Override
    public void event(DemoEvent e) {
        eventCustomer.add(customerIndex.get(e.customerExternalId()));
        eventDay.add((int) localDay(e.occurredAt()));
        eventRating.add(e.type().equals(DemoEvent.REVIEW) ? Integer.parseInt(e.properties().get("rating")) : 0);
    }

    /** Orders as transactions (returns negative), for {@link ChurnLabels}. */
    TransactionColumns transactions() {
        int n = orderCustomer.size();
        long[] days = new long[n];
        double[] amount = new double[n];
        for (int i = 0; i < n; i++) {
            days[i] = orderDay.get(i);
            amount[i] = orderAmount.get(i);
        }
        return new TransactionColumns(orderCustomer.toArray(), days, amount);
    }

    /** The same orders and events in the library's {@link BehaviourHistory}. */
    BehaviourHistory toBehaviourHistory() {
        var b = BehaviourHistory.builder(customerCount(), CHANNELS);
        for (int i = 0; i < orderCustomer.size(); i++) {
            b.order(orderCustomer.get(i), orderDay.get(i), orderAmount.get(i), orderChannel.get(i), orderIsReturn.get(i) == 1);
        }
        for (int i = 0; i < eventCustomer.size(); i++) {
            int rating = eventRating.get(i);
            b.event(eventCustomer.get(i), eventDay.get(i), rating > 0 ? (rating - 3) / 2.0 : Double.NaN);
        }
        return b.build();
    }

    /** The figures of the given customers as of the end of {@code cutoffDay}. */
    BehaviourFigures figuresAt(long cutoffDay, int[] customers) {
        int n = customers.length;
        int[] position = new int[customerCount()];
        Arrays.fill(position, -1);
        for (int k = 0; k < n; k++) {
            position[customers[k]] = k;
        }
        int[] orders = new int[n];
        double[] spend = new double[n];
        long[] first = new long[n];
        long[] last = new long[n];
        Arrays.fill(first, Long.MAX_VALUE);
        Arrays.fill(last, Long.MIN_VALUE);
        double[] spendLast = new double[n];
        double[] spendPrevious = new double[n];
        int[] ordersLast = new int[n];
        int[] ordersPrevious = new int[n];
        int[] returns = new int[n];
        double[][] share = new double[CHANNELS.size()][n];
        List<List<Long>> days = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            days.add(new ArrayList<>());
        }
        for (int i = 0; i < orderCustomer.size(); i++) {
            int k = position[orderCustomer.get(i)];
            long day = orderDay.get(i);
            if (k < 0 || day > cutoffDay) {
                continue;
            }
            double amount = orderAmount.get(i);
            spend[k] += amount;
            if (orderIsReturn.get(i) == 1) {
                returns[k]++;
                continue;
            }
            orders[k]++;
            first[k] = Math.min(first[k], day);
            last[k] = Math.max(last[k], day);
            days.get(k).add(day);
            if (day > cutoffDay - 180) {
                spendLast[k] += amount;
                ordersLast[k]++;
            } else if (day > cutoffDay - 360) {
                spendPrevious[k] += amount;
                ordersPrevious[k]++;
            }
            if (orderChannel.get(i) >= 0) {
                share[orderChannel.get(i)][k]++;
            }
        }
        int[] purchaseDays = new int[n];
        double[] sinceFirst = new double[n];
        double[] sinceLast = new double[n];
        double[] medianInterval = new double[n];
        for (int k = 0; k < n; k++) {
            long[] distinct = days.get(k).stream().mapToLong(Long::longValue).distinct().sorted().toArray();
            purchaseDays[k] = distinct.length;
            sinceFirst[k] = orders[k] == 0 ? Double.NaN : cutoffDay - first[k];
            sinceLast[k] = orders[k] == 0 ? Double.NaN : cutoffDay - last[k];
            medianInterval[k] = median(distinct);
            for (double[] channel : share) {
                channel[k] = orders[k] == 0 ? 0 : channel[k] / orders[k];
            }
        }
        int[] events30 = new int[n];
        double[] ratingSum = new double[n];
        int[] reviews = new int[n];
        for (int i = 0; i < eventCustomer.size(); i++) {
            int k = position[eventCustomer.get(i)];
            long day = eventDay.get(i);
            if (k < 0 || day > cutoffDay) {
                continue;
            }
            if (day > cutoffDay - 30) {
                events30[k]++;
            }
            if (eventRating.get(i) > 0) {
                // Stars 1 … 5 as sentiment −1 … 1.
                ratingSum[k] += (eventRating.get(i) - 3) / 2.0;
                reviews[k]++;
            }
        }
        double[] sentiment = new double[n];
        for (int k = 0; k < n; k++) {
            sentiment[k] = reviews[k] == 0 ? Double.NaN : ratingSum[k] / reviews[k];
        }
        return new BehaviourFigures(orders, purchaseDays, spend, sinceFirst, sinceLast, medianInterval,
                spendLast, spendPrevious, ordersLast, ordersPrevious, returns, events30, new int[n], sentiment,
                CHANNELS, share);
    }

    private static double median(long[] sortedDays) {
        if (sortedDays.length < 2) {
            return Double.NaN;
        }
        long[] gaps = new long[sortedDays.length - 1];
        for (int i = 1; i < sortedDays.length; i++) {
            gaps[i - 1] = sortedDays[i] - sortedDays[i - 1];
        }
        Arrays.sort(gaps);
        int m = gaps.length / 2;
        return gaps.length % 2 == 1 ? gaps[m] : (gaps[m - 1] + gaps[m]) / 2.0;
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int get(int i) {
            return values[i];
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
