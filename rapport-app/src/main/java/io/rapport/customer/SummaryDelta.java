package io.rapport.customer;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * What newly stored records add to one customer's summary. Ingest accumulates one delta per customer per chunk
 * and {@link CustomerSummaries#apply} adds it in one statement per customer.
 *
 * <p>Definitions (the recomputation test uses the same ones): orders count sales only; returns and cancellations
 * are counted apart and their negative amounts net out of spend; purchase days are distinct calendar days of sales
 * in the brand's time zone; the last channel is the channel of the latest sale, ties broken by the larger channel
 * name so the answer never depends on arrival order.
 */
public final class SummaryDelta {

    final long customerId;
    int orders;
    int returns;
    BigDecimal spend = BigDecimal.ZERO;
    final Set<LocalDate> purchaseDays = new HashSet<>();
    Instant firstPurchase;
    Instant lastPurchase;
    String lastChannel;
    int events;
    Instant lastInteraction;
    final TreeMap<String, Integer> channelOrders = new TreeMap<>();
    final TreeMap<String, BigDecimal> channelSpend = new TreeMap<>();

    public SummaryDelta(long customerId) {
        this.customerId = customerId;
    }

    public long customerId() {
        return customerId;
    }

    /** A new sale order placed at {@code at} (on {@code day} in the brand's zone) through {@code channel}. */
    public void sale(Instant at, LocalDate day, String channel) {
        orders++;
        purchaseDays.add(day);
        channelOrders.merge(channel, 1, Integer::sum);
        if (firstPurchase == null || at.isBefore(firstPurchase)) {
            firstPurchase = at;
        }
        if (lastPurchase == null || at.isAfter(lastPurchase)) {
            lastPurchase = at;
            lastChannel = channel;
        } else if (at.equals(lastPurchase) && channel.compareTo(lastChannel) > 0) {
            lastChannel = channel;
        }
        interaction(at);
    }

    /** A new return or cancellation order. */
    public void refund(Instant at) {
        returns++;
        interaction(at);
    }

    /** A new order line worth {@code amount} in the reporting currency (negative for returns). */
    public void amount(String channel, BigDecimal amount) {
        spend = spend.add(amount);
        channelSpend.merge(channel, amount, BigDecimal::add);
    }

    /** A new behaviour event. */
    public void event(Instant at) {
        events++;
        interaction(at);
    }

    private void interaction(Instant at) {
        if (lastInteraction == null || at.isAfter(lastInteraction)) {
            lastInteraction = at;
        }
    }
}
