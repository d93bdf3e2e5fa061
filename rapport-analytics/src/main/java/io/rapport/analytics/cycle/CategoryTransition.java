package io.rapport.analytics.cycle;

/**
 * "Customers who bought category {@code from} bought category {@code to} within N days."
 *
 * @param from       the earlier category
 * @param to         the later category (may equal {@code from}: a repeat purchase)
 * @param customers  customers with a {@code from} purchase followed by a {@code to} purchase on a
 *                   later day within the window
 * @param support    customers / customers with any purchase whose window is fully observed
 * @param confidence customers / customers with a {@code from} purchase whose window is fully observed
 * @param lift       confidence / share of customers who bought {@code to} within the window after
 *                   any purchase: above 1, buying {@code from} makes buying {@code to} soon more likely
 */
public record CategoryTransition(int from, int to, int customers, double support, double confidence, double lift) {
}
