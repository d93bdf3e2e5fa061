package io.rapport.analytics.churn;

import java.util.List;
import java.util.Objects;

/**
 * The per-customer figures Rapport keeps up to date as events arrive, as of one cutoff day: the
 * raw material of {@link BehaviourChurnFeatures}. One array slot per customer; all arrays have
 * the same length. "Window" counts cover the 180 days up to the cutoff (last) and the 180 days
 * before those (previous).
 *
 * @param orderCount              sale orders up to the cutoff
 * @param purchaseDays            distinct days with a purchase
 * @param totalSpend              spend net of returns
 * @param daysSinceFirstPurchase  cutoff − first purchase day
 * @param daysSinceLastPurchase   cutoff − last purchase day
 * @param medianIntervalDays      median gap between purchase days; NaN with fewer than two
 * @param spendLast180            spend in the last 180 days
 * @param spendPrevious180        spend in the 180 days before those
 * @param ordersLast180           orders in the last 180 days
 * @param ordersPrevious180       orders in the 180 days before those
 * @param returnCount             return orders up to the cutoff
 * @param eventsLast30            behavioural events (views, carts, app use, message opens) in the last 30 days
 * @param serviceContacts         service tickets and contacts up to the cutoff
 * @param averageSentiment        mean sentiment of reviews and service contacts, −1 … 1; NaN when none
 * @param channels                channel names, e.g. {@code store}, {@code app}
 * @param channelShare            {@code channelShare[c][customer]}: share of the customer's orders in channel c
 */
public record BehaviourFigures(
        int[] orderCount,
        int[] purchaseDays,
        double[] totalSpend,
        double[] daysSinceFirstPurchase,
        double[] daysSinceLastPurchase,
        double[] medianIntervalDays,
        double[] spendLast180,
        double[] spendPrevious180,
        int[] ordersLast180,
        int[] ordersPrevious180,
        int[] returnCount,
        int[] eventsLast30,
        int[] serviceContacts,
        double[] averageSentiment,
        List<String> channels,
        double[][] channelShare) {

    public BehaviourFigures {
        channels = List.copyOf(channels);
        int n = orderCount.length;
        check("purchaseDays", purchaseDays.length, n);
        check("totalSpend", totalSpend.length, n);
        check("daysSinceFirstPurchase", daysSinceFirstPurchase.length, n);
        check("daysSinceLastPurchase", daysSinceLastPurchase.length, n);
        check("medianIntervalDays", medianIntervalDays.length, n);
        check("spendLast180", spendLast180.length, n);
        check("spendPrevious180", spendPrevious180.length, n);
        check("ordersLast180", ordersLast180.length, n);
        check("ordersPrevious180", ordersPrevious180.length, n);
        check("returnCount", returnCount.length, n);
        check("eventsLast30", eventsLast30.length, n);
        check("serviceContacts", serviceContacts.length, n);
        check("averageSentiment", averageSentiment.length, n);
        Objects.requireNonNull(channelShare, "channelShare");
        if (channelShare.length != channels.size()) {
            throw new IllegalArgumentException(channelShare.length + " channel share columns for " + channels.size() + " channels");
        }
        for (int c = 0; c < channelShare.length; c++) {
            check("channelShare of " + channels.get(c), channelShare[c].length, n);
        }
    }

    public int customerCount() {
        return orderCount.length;
    }

    private static void check(String name, int length, int n) {
        if (length != n) {
            throw new IllegalArgumentException(name + " has " + length + " values, orderCount " + n);
        }
    }
}
