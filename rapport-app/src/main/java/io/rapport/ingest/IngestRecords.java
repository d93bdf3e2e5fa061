package io.rapport.ingest;

import io.rapport.customer.IdentityKey;
import io.rapport.customer.ProfilePatch;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.List;

/** The records ingest stores, after a file row or an API item has been validated and normalised. */
final class IngestRecords {

    private IngestRecords() {}

    /** What happened to one record. Anonymous records are stored, just without a customer. */
    enum Outcome { ACCEPTED, ANONYMOUS, DUPLICATE }

    /** Order kinds: sales count as orders; the others net out of spend. */
    static final List<String> ORDER_KINDS = List.of("sale", "return", "cancellation", "adjustment");

    /**
     * One order line. {@code lineId} is unique within the order; the pair (source, orderId:lineId) is the line's
     * idempotency key, (source, orderId) the order's. Quantity is negative on return and cancellation lines.
     */
    record OrderLine(long row, String source, String orderId, String lineId, List<IdentityKey> identities,
                     ProfilePatch profile, String kind, String channel, String storeCode, Instant orderedAt,
                     String sku, String description, int quantity, BigDecimal unitPrice, BigDecimal discount,
                     String couponCode, Currency currency, String originalOrderId) {

        String lineKey() {
            return orderId + ":" + lineId;
        }

        BigDecimal netAmount() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity)).subtract(discount);
        }
    }

    /** One behaviour event; {@code identityHint} keeps the identifiers of an anonymous event for later stitching. */
    record Event(long row, String source, String externalId, String type, Instant occurredAt,
                 List<IdentityKey> identities, String propertiesJson) {}

    /** One customer profile from a customer file. */
    record Customer(long row, String source, List<IdentityKey> identities, ProfilePatch profile) {}

    /** One catalogue product. */
    record Product(long row, String sku, String name, String category, BigDecimal unitPrice, Currency currency,
                   Integer maintenanceMonths, Integer warrantyMonths, String consumableFor) {}

    /** One store or channel point of sale. */
    record Store(long row, String code, String name, String channel, String city) {}
}
