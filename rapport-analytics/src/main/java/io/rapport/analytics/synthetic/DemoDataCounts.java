package io.rapport.analytics.synthetic;

/**
 * How much a generator run produced.
 *
 * @param orders          distinct orders, including return and cancellation orders
 * @param orderLines      all order lines, including return and cancellation lines
 * @param returnLines     lines of kind {@code return}
 * @param cancelledLines  lines of kind {@code cancellation}
 */
public record DemoDataCounts(
        int stores,
        int products,
        int customers,
        long orders,
        long orderLines,
        long returnLines,
        long cancelledLines,
        long events) {}
