package io.rapport.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Order lines of known customers just stored by one ingest chunk: new lines only, never a replayed one, so a
 * listener that counts or rewards them counts each line once. Published inside the storing transaction: a
 * synchronous listener's writes commit or roll back with the lines (behaviour counters, ledgers); work that
 * must only follow committed data listens with {@code @TransactionalEventListener}.
 */
public record OrderLinesStored(List<Line> lines) {

    public OrderLinesStored {
        lines = List.copyOf(lines);
    }

    /**
     * One stored line. {@code orderId} is Rapport's order id, {@code externalOrderId} the source's (the pair
     * source + externalOrderId is the order's idempotency key); {@code netAmount} is in the reporting currency,
     * negative on return and cancellation lines; {@code kind} is sale, return, cancellation or adjustment.
     */
    public record Line(long customerId, long orderId, String source, String externalOrderId, String lineId,
                       String kind, String channel, String storeCode, Instant orderedAt, String sku, int quantity,
                       BigDecimal netAmount, BigDecimal discount, String couponCode, String originalOrderId) {}
}
