package io.rapport.analytics.churn;

/**
 * Churn features of a retail or durable-goods customer from the figures Rapport keeps
 * ({@link BehaviourFigures}). Ratios are what carry over between customers with very different
 * rhythms: 90 days without a purchase is alarming for a monthly filter buyer and normal for a
 * once-a-year one, so recency is measured against the customer's own usual interval
 * (the "buy-till-you-die" intuition of Schmittlein, Morrison &amp; Colombo 1987, in a form a tree
 * can split on), and trends compare the last 180 days with the 180 before.
 *
 * <p>A figure that cannot be computed (no usual interval before a second purchase day, no trend
 * without a previous window) is NaN, which the tree model handles natively.
 */
public final class BehaviourChurnFeatures {

    public static final String RECENCY_VS_USUAL_INTERVAL = "recency_vs_usual_interval";
    public static final String DAYS_SINCE_LAST_PURCHASE = "days_since_last_purchase";
    public static final String DAYS_SINCE_FIRST_PURCHASE = "days_since_first_purchase";
    public static final String PURCHASE_DAYS = "purchase_days";
    public static final String ORDERS_PER_YEAR = "orders_per_year";
    public static final String ORDERS_LAST_180 = "orders_last_180_days";
    public static final String ORDER_TREND = "order_trend";
    public static final String SPEND_TREND = "spend_trend";
    public static final String ORDER_VALUE_TREND = "order_value_trend";
    public static final String TOTAL_SPEND = "total_spend";
    public static final String RETURN_RATE = "return_rate";
    public static final String EVENTS_LAST_30 = "events_last_30_days";
    public static final String SERVICE_CONTACTS = "service_contacts";
    public static final String AVERAGE_SENTIMENT = "average_sentiment";
    public static final String CHANNEL_SHARE_PREFIX = "channel_share_";

    /** Below a month of history, "orders a year" would extrapolate one order to a dozen. */
    private static final double MIN_DAYS_FOR_RATE = 30;

    private BehaviourChurnFeatures() {
    }

    public static ChurnFeatures build(BehaviourFigures f) {
        int n = f.customerCount();
        double[] recencyRatio = new double[n];
        double[] perYear = new double[n];
        double[] orderTrend = new double[n];
        double[] spendTrend = new double[n];
        double[] valueTrend = new double[n];
        double[] returnRate = new double[n];
        for (int i = 0; i < n; i++) {
            double interval = f.medianIntervalDays()[i];
            recencyRatio[i] = interval > 0 ? f.daysSinceLastPurchase()[i] / interval : Double.NaN;
            perYear[i] = f.orderCount()[i] * 365.0 / Math.max(MIN_DAYS_FOR_RATE, f.daysSinceFirstPurchase()[i]);
            int last = f.ordersLast180()[i];
            int previous = f.ordersPrevious180()[i];
            orderTrend[i] = previous > 0 ? (double) last / previous - 1 : Double.NaN;
            spendTrend[i] = f.spendPrevious180()[i] > 0 ? f.spendLast180()[i] / f.spendPrevious180()[i] - 1 : Double.NaN;
            double lastValue = last > 0 ? f.spendLast180()[i] / last : Double.NaN;
            double previousValue = previous > 0 ? f.spendPrevious180()[i] / previous : Double.NaN;
            valueTrend[i] = previousValue > 0 && !Double.isNaN(lastValue) ? lastValue / previousValue - 1 : Double.NaN;
            returnRate[i] = f.orderCount()[i] > 0 ? (double) f.returnCount()[i] / f.orderCount()[i] : Double.NaN;
        }
        var b = ChurnFeatures.builder(n)
                .number(RECENCY_VS_USUAL_INTERVAL, recencyRatio,
                        ReasonWording.of("no purchase for {value}× the usual interval", "last purchase within {value}× the usual interval")
                                .whenMissing("fewer than two purchase days, no usual interval yet"))
                .number(DAYS_SINCE_LAST_PURCHASE, f.daysSinceLastPurchase(),
                        ReasonWording.of("no purchase for {value} days", "bought {value} days ago").whenZero("bought today"))
                .number(DAYS_SINCE_FIRST_PURCHASE, f.daysSinceFirstPurchase(),
                        ReasonWording.of("first purchase {value} days ago").whenZero("first purchase today"))
                .number(PURCHASE_DAYS, f.purchaseDays(),
                        ReasonWording.of("only {value} purchase day{s}", "{value} purchase day{s}"))
                .number(ORDERS_PER_YEAR, perYear,
                        ReasonWording.of("only {value} order{s} a year", "{value} order{s} a year"))
                .number(ORDERS_LAST_180, f.ordersLast180(),
                        ReasonWording.of("only {value} order{s} in the last 180 days", "{value} order{s} in the last 180 days")
                                .whenZero("no order in the last 180 days"))
                .number(ORDER_TREND, orderTrend,
                        ReasonWording.of("orders {change} on the 180 days before")
                                .whenMissing("no order in the 180 days before the last 180"))
                .number(SPEND_TREND, spendTrend,
                        ReasonWording.of("spend {change} on the 180 days before")
                                .whenMissing("no spend in the 180 days before the last 180"))
                .number(ORDER_VALUE_TREND, valueTrend,
                        ReasonWording.of("order value {change} on the 180 days before")
                                .whenMissing("no order value to compare over the last 360 days"))
                .number(TOTAL_SPEND, f.totalSpend(),
                        ReasonWording.of("total spend only {value}", "total spend {value}"))
                .number(RETURN_RATE, returnRate,
                        ReasonWording.of("returned {percent} of orders").whenZero("no returns")
                                .whenMissing("no orders"))
                .number(EVENTS_LAST_30, f.eventsLast30(),
                        ReasonWording.of("only {value} interaction{s} in the last 30 days", "{value} interaction{s} in the last 30 days")
                                .whenZero("no app, web or message activity in the last 30 days"))
                .number(SERVICE_CONTACTS, f.serviceContacts(),
                        ReasonWording.of("{value} service contact{s}").whenZero("no service contacts"))
                .number(AVERAGE_SENTIMENT, f.averageSentiment(),
                        ReasonWording.of("low sentiment in reviews and service ({value} on −1 to 1)",
                                        "positive sentiment in reviews and service ({value} on −1 to 1)")
                                .whenMissing("no review or service feedback"));
        for (int c = 0; c < f.channels().size(); c++) {
            String channel = f.channels().get(c);
            b.number(CHANNEL_SHARE_PREFIX + channel, f.channelShare()[c],
                    ReasonWording.of("{percent} of orders in the " + channel + " channel")
                            .whenZero("no orders in the " + channel + " channel"));
        }
        return b.build();
    }
}
