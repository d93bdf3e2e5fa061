package io.rapport.ingest;

import io.rapport.customer.IdentityKey;
import io.rapport.customer.IdentityKind;
import io.rapport.customer.IdentityNormalizer;
import io.rapport.customer.ProfilePatch;
import io.rapport.platform.RapportProperties;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Turns one row of named fields (already renamed by the column mapping) into a record, or a {@link RowProblem}.
 * The native layout is described in {@code docs/import-format.md}.
 */
@Component
class RecordMappers {

    static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_.]{0,59}");
    static final List<String> CHANNELS = List.of("shop", "store", "app", "mini_program", "social", "service_desk",
            "marketplace", "phone", "other");

    private final Clock clock;
    private final IdentityNormalizer normalizer;
    private final RapportProperties properties;
    private final ReportingCurrency money;

    RecordMappers(Clock clock, IdentityNormalizer normalizer, RapportProperties properties, ReportingCurrency money) {
        this.clock = clock;
        this.normalizer = normalizer;
        this.properties = properties;
        this.money = money;
    }

    FieldReader reader(Map<String, String> row) {
        return FieldReader.of(row, clock, properties.ingest().futureTolerance(), normalizer);
    }

    /** Identifiers any record may carry: the source's own customer id and the universal ones. */
    List<IdentityKey> identities(FieldReader f, String source) {
        List<IdentityKey> keys = new ArrayList<>();
        f.identity("customer_id", IdentityKind.EXTERNAL, source, keys);
        f.identity("member_no", IdentityKind.MEMBER_NO, source, keys);
        f.identity("email", IdentityKind.EMAIL, source, keys);
        f.identity("phone", IdentityKind.PHONE, source, keys);
        f.identity("wechat_unionid", IdentityKind.WECHAT_UNIONID, source, keys);
        f.identity("device_id", IdentityKind.DEVICE_ID, source, keys);
        return keys;
    }

    IngestRecords.Customer customer(long row, String source, Map<String, String> values) {
        FieldReader f = reader(values);
        List<IdentityKey> keys = identities(f, source);
        if (keys.isEmpty()) {
            throw new RowProblem("customer_id", "", "a customer row needs at least one identifier "
                    + "(customer_id, member_no, email, phone, wechat_unionid or device_id)");
        }
        String gender = f.optional("gender");
        if (gender != null) {
            gender = switch (gender.toUpperCase(java.util.Locale.ROOT)) {
                case "F", "FEMALE", "女" -> "F";
                case "M", "MALE", "男" -> "M";
                case "X", "OTHER", "U", "UNKNOWN" -> "X";
                default -> throw new RowProblem("gender", gender, "'gender' must be F, M or X");
            };
        }
        ProfilePatch profile = new ProfilePatch(f.optionalText("name", 200), gender, f.optionalDate("birthday"),
                f.optionalText("city", 100), f.optionalText("country", 100), f.zoneId("time_zone"),
                f.optionalInstant("registered_at", properties.timeZone()));
        return new IngestRecords.Customer(row, source, keys, profile);
    }

    IngestRecords.Product product(long row, Map<String, String> values) {
        FieldReader f = reader(values);
        BigDecimal price = f.optional("unit_price") == null ? null : f.decimal("unit_price");
        if (price != null && price.signum() < 0) {
            throw new RowProblem("unit_price", price.toPlainString(), "'unit_price' must not be negative");
        }
        return new IngestRecords.Product(row, f.code("sku", 100), f.optionalText("name", 300),
                f.optionalText("category", 100), price, f.optional("currency") == null ? null : f.currency("currency"),
                f.optionalInteger("maintenance_months"), f.optionalInteger("warranty_months"),
                f.optionalText("consumable_for", 100));
    }

    IngestRecords.Store store(long row, Map<String, String> values) {
        FieldReader f = reader(values);
        return new IngestRecords.Store(row, f.code("code", 60), f.optionalText("name", 200),
                f.oneOf("channel", CHANNELS, "store"), f.optionalText("city", 100));
    }

    IngestRecords.OrderLine orderLine(long row, String source, Map<String, String> values) {
        FieldReader f = reader(values);
        String orderId = f.code("order_id", 100);
        String lineId = f.code("line_no", 30);
        String kind = f.oneOf("kind", IngestRecords.ORDER_KINDS, "sale");
        Currency currency = f.currency("currency");
        if (!money.supports(currency)) {
            throw new RowProblem("currency", currency.getCurrencyCode(), "currency " + currency.getCurrencyCode()
                    + " has no exchange rate to the reporting currency " + money.currency().getCurrencyCode()
                    + "; set rapport.exchange-rates." + currency.getCurrencyCode());
        }
        Instant at = f.instant("ordered_at", properties.timeZone());
        return storable(new IngestRecords.OrderLine(row, source, orderId, lineId, identities(f, source),
                ProfilePatch.NONE, kind, f.oneOf("channel", CHANNELS, "shop"), f.optionalText("store_code", 60), at,
                f.code("sku", 100), f.optionalText("description", 300), f.integer("quantity"), f.decimal("unit_price"),
                f.optionalDecimal("discount", BigDecimal.ZERO), f.optionalText("coupon_code", 60), currency,
                f.optionalText("original_order_id", 100)), "quantity");
    }

    /** Each figure may be storable while their product is not (2,000,000,000 units at 9,999,999,999 each). */
    static IngestRecords.OrderLine storable(IngestRecords.OrderLine line, String quantityField) {
        BigDecimal net = line.netAmount();
        if (net.abs().compareTo(FieldReader.MAX_AMOUNT) >= 0) {
            throw new RowProblem(quantityField, Integer.toString(line.quantity()), "the line amount quantity × "
                    + "unit_price − discount (" + net.toPlainString() + ") is too large (at most 15 digits before "
                    + "the point)");
        }
        return line;
    }

    IngestRecords.Event event(long row, String source, Map<String, String> values, String propertiesJson) {
        FieldReader f = reader(values);
        String type = f.code("type", 60);
        if (!EVENT_TYPE.matcher(type).matches()) {
            throw new RowProblem("type", type, "'type' must be lower-case letters, digits, '_' or '.', "
                    + "starting with a letter (e.g. product_view)");
        }
        return new IngestRecords.Event(row, source, f.code("external_id", 140), type,
                f.instant("occurred_at", properties.timeZone()), identities(f, source), propertiesJson);
    }

    /**
     * UCI Online Retail (Chen, Sain &amp; Guo 2012) as exported by Spark: one row per invoice line, InvoiceNo with a
     * leading C for cancellations and A for bad-debt adjustments, CustomerID written as a float and blank for
     * guests, local UK time, GBP. The file has no line numbers, so a line's id is its position within its invoice
     * in the file — stable when the same file is imported again.
     */
    static final class UciOnlineRetail {

        static final List<String> COLUMNS = List.of("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
                "UnitPrice", "CustomerID", "Country");
        private static final ZoneId LONDON = ZoneId.of("Europe/London");
        private final Map<String, Integer> linesSeen = new HashMap<>();
        private final RecordMappers mappers;

        UciOnlineRetail(RecordMappers mappers) {
            this.mappers = mappers;
        }

        IngestRecords.OrderLine orderLine(long row, String source, Map<String, String> values) {
            FieldReader f = mappers.reader(values);
            String invoice = f.code("InvoiceNo", 100);
            String kind = invoice.startsWith("C") ? "cancellation" : invoice.startsWith("A") ? "adjustment" : "sale";
            int line = linesSeen.merge(invoice, 1, Integer::sum);
            List<IdentityKey> keys = new ArrayList<>();
            f.identity("CustomerID", IdentityKind.EXTERNAL, source, keys);
            Currency gbp = Currency.getInstance("GBP");
            if (!mappers.money.supports(gbp)) {
                throw new RowProblem("UnitPrice", "GBP", "UCI Online Retail is in GBP, which has no exchange rate to "
                        + mappers.money.currency().getCurrencyCode() + "; set rapport.currency=GBP or "
                        + "rapport.exchange-rates.GBP");
            }
            String country = f.optionalText("Country", 100);
            return storable(new IngestRecords.OrderLine(row, source, invoice, Integer.toString(line), keys,
                    new ProfilePatch(null, null, null, null, country, null, null), kind, "shop", null,
                    f.instant("InvoiceDate", LONDON), f.code("StockCode", 100), f.optionalText("Description", 300),
                    f.integer("Quantity"), f.decimal("UnitPrice"), BigDecimal.ZERO, null, gbp,
                    null), "Quantity");
        }
    }
}
