package io.rapport.analytics.synthetic;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of an order, a return or a cancellation.
 *
 * <p>The amount paid for a line is {@code quantity × unitPrice − discount}. Return and
 * cancellation lines reverse a sale line: their quantity and discount are negative, so their
 * amount is the negative of what was paid, and {@code originalOrderId} names the sale order.
 *
 * @param orderId            unique id of the order (sale, return or cancellation)
 * @param lineNo             1-based line number within the order
 * @param customerExternalId the customer's {@link DemoCustomer#externalId()}
 * @param channel            the channel of {@code storeCode}, see {@link DemoStore}
 * @param storeCode          a {@link DemoStore#code()}
 * @param orderedAt          when the order (or the return / cancellation) happened
 * @param sku                a {@link DemoProduct#sku()}
 * @param quantity           units; negative for return and cancellation lines
 * @param unitPrice          price per unit before discount
 * @param discount           discount on the whole line (not per unit); negative when reversed
 * @param couponCode         the coupon that gave (part of) the discount, if any
 * @param currency           ISO 4217 code
 * @param kind               {@link #SALE}, {@link #RETURN} or {@link #CANCELLATION}
 * @param originalOrderId    for a return or cancellation: the sale order it reverses
 */
public record DemoOrderLine(
        String orderId,
        int lineNo,
        String customerExternalId,
        String channel,
        String storeCode,
        Instant orderedAt,
        String sku,
        int quantity,
        BigDecimal unitPrice,
        BigDecimal discount,
        Optional<String> couponCode,
        String currency,
        String kind,
        Optional<String> originalOrderId) {

    public static final String SALE = "sale";
    public static final String RETURN = "return";
    public static final String CANCELLATION = "cancellation";

    public DemoOrderLine {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerExternalId, "customerExternalId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(storeCode, "storeCode");
        Objects.requireNonNull(orderedAt, "orderedAt");
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(unitPrice, "unitPrice");
        Objects.requireNonNull(discount, "discount");
        Objects.requireNonNull(couponCode, "couponCode");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(originalOrderId, "originalOrderId");
    }

    /** What the customer paid for this line (negative for a reversal). */
    public BigDecimal amount() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity)).subtract(discount);
    }
}
