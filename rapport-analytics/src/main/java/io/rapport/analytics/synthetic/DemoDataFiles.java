package io.rapport.analytics.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a generator's stream as Rapport's native import layout: {@value #STORES},
 * {@value #PRODUCTS}, {@value #CUSTOMERS}, {@value #ORDERS} (RFC 4180 CSV: UTF-8, header row,
 * CRLF line ends, fields quoted only when needed) and {@value #EVENTS} (one JSON object per line).
 * Instants are ISO-8601 UTC, dates {@code yyyy-MM-dd}, decimals plain. The layout is described
 * for users in {@code docs/import-format.md}; the server's importer reads the same files.
 *
 * <p>Files are written under temporary names and renamed when complete, so a directory never
 * holds a half-written file under a real name.
 */
public final class DemoDataFiles {

    public static final String STORES = "stores.csv";
    public static final String PRODUCTS = "products.csv";
    public static final String CUSTOMERS = "customers.csv";
    public static final String ORDERS = "orders.csv";
    public static final String EVENTS = "events.jsonl";

    public static final String STORES_HEADER = "code,name,channel,city";
    public static final String PRODUCTS_HEADER =
            "sku,name,category,unit_price,currency,maintenance_months,warranty_months,consumable_for";
    public static final String CUSTOMERS_HEADER =
            "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone";
    public static final String ORDERS_HEADER = "order_id,line_no,customer_id,channel,store_code,ordered_at,sku,"
            + "quantity,unit_price,discount,coupon_code,currency,kind,original_order_id";

    /** Told after each customer is written, to show progress. */
    @FunctionalInterface
    public interface Progress {
        void customersDone(int done, int total);
    }

    private static final String CRLF = "\r\n";
    private static final int BUFFER = 1 << 18;

    private DemoDataFiles() {}

    /** Writes all files into {@code dir}, creating it if needed and replacing files of the same names. */
    public static DemoDataCounts write(DemoDataGenerator generator, Path dir) throws IOException {
        return write(generator, dir, (done, total) -> {});
    }

    public static DemoDataCounts write(DemoDataGenerator generator, Path dir, Progress progress) throws IOException {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(progress, "progress");
        Files.createDirectories(dir);
        var names = List.of(STORES, PRODUCTS, CUSTOMERS, ORDERS, EVENTS);
        var temporary = new ArrayList<Path>();
        for (var name : names) {
            temporary.add(dir.resolve("." + name + ".tmp"));
        }
        boolean complete = false;
        try (var sink = new FileSink(temporary, generator.customers(), progress)) {
            try {
                generator.generate(sink);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            sink.close();
            for (int i = 0; i < names.size(); i++) {
                Files.move(temporary.get(i), dir.resolve(names.get(i)), StandardCopyOption.REPLACE_EXISTING);
            }
            complete = true;
            return sink.counts();
        } finally {
            if (!complete) {
                for (var t : temporary) {
                    Files.deleteIfExists(t);
                }
            }
        }
    }

    private static final class FileSink implements DemoDataSink, AutoCloseable {

        private final Writer stores;
        private final Writer products;
        private final Writer customers;
        private final Writer orders;
        private final Writer events;
        private final int total;
        private final Progress progress;
        private final StringBuilder row = new StringBuilder(512);
        private int fields;
        private boolean closed;

        private int storeCount;
        private int productCount;
        private int customerCount;
        private long orderCount;
        private long lineCount;
        private long returnLines;
        private long cancelledLines;
        private long eventCount;
        private String lastOrderId = "";

        FileSink(List<Path> paths, int total, Progress progress) throws IOException {
            this.total = total;
            this.progress = progress;
            var opened = new ArrayList<Writer>();
            try {
                for (var p : paths) {
                    opened.add(new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(p), StandardCharsets.UTF_8), BUFFER));
                }
            } catch (IOException e) {
                for (var w : opened) {
                    w.close();
                }
                throw e;
            }
            stores = opened.get(0);
            products = opened.get(1);
            customers = opened.get(2);
            orders = opened.get(3);
            events = opened.get(4);
            try {
                stores.write(STORES_HEADER + CRLF);
                products.write(PRODUCTS_HEADER + CRLF);
                customers.write(CUSTOMERS_HEADER + CRLF);
                orders.write(ORDERS_HEADER + CRLF);
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        @Override
        public void store(DemoStore s) {
            startRow();
            csv(s.code()).csv(s.name()).csv(s.channel()).csv(s.city());
            writeRow(stores);
            storeCount++;
        }

        @Override
        public void product(DemoProduct p) {
            startRow();
            csv(p.sku()).csv(p.name()).csv(p.category()).csv(p.unitPrice().toPlainString()).csv(p.currency())
                    .csv(Integer.toString(p.maintenanceMonths())).csv(Integer.toString(p.warrantyMonths())).csv(p.consumableFor());
            writeRow(products);
            productCount++;
        }

        @Override
        public void customer(DemoCustomer c) {
            if (customerCount > 0) {
                progress.customersDone(customerCount, total);
            }
            startRow();
            csv(c.externalId()).csv(c.memberNo()).csv(c.name()).csv(c.gender()).csv(c.birthday().toString())
                    .csv(c.city()).csv(c.email()).csv(c.phone()).csv(c.registeredAt().toString()).csv(c.timeZone());
            writeRow(customers);
            customerCount++;
        }

        @Override
        public void orderLine(DemoOrderLine l) {
            startRow();
            csv(l.orderId()).csv(Integer.toString(l.lineNo())).csv(l.customerExternalId()).csv(l.channel())
                    .csv(l.storeCode()).csv(l.orderedAt().toString()).csv(l.sku()).csv(Integer.toString(l.quantity()))
                    .csv(l.unitPrice().toPlainString()).csv(l.discount().toPlainString()).csv(l.couponCode())
                    .csv(l.currency()).csv(l.kind()).csv(l.originalOrderId());
            writeRow(orders);
            lineCount++;
            if (!l.orderId().equals(lastOrderId)) {
                orderCount++;
                lastOrderId = l.orderId();
            }
            switch (l.kind()) {
                case DemoOrderLine.RETURN -> returnLines++;
                case DemoOrderLine.CANCELLATION -> cancelledLines++;
                default -> { }
            }
        }

        @Override
        public void event(DemoEvent e) {
            row.setLength(0);
            row.append("{\"external_id\":");
            json(e.externalId());
            row.append(",\"type\":");
            json(e.type());
            row.append(",\"occurred_at\":");
            json(e.occurredAt().toString());
            row.append(",\"customer_id\":");
            json(e.customerExternalId());
            row.append(",\"properties\":{");
            boolean first = true;
            for (Map.Entry<String, String> p : e.properties().entrySet()) {
                if (!first) {
                    row.append(',');
                }
                first = false;
                json(p.getKey());
                row.append(':');
                json(p.getValue());
            }
            row.append("}}\n");
            write(events);
            eventCount++;
        }

        DemoDataCounts counts() {
            return new DemoDataCounts(storeCount, productCount, customerCount, orderCount, lineCount,
                    returnLines, cancelledLines, eventCount);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (customerCount > 0) {
                progress.customersDone(customerCount, total);
            }
            IOException failure = null;
            for (var w : List.of(stores, products, customers, orders, events)) {
                try {
                    w.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private FileSink csv(Optional<String> value) {
            return csv(value.orElse(""));
        }

        /** Appends one field; quotes it only if it holds a comma, quote or line break (RFC 4180). */
        private FileSink csv(String value) {
            if (fields++ > 0) {
                row.append(',');
            }
            boolean quote = false;
            for (int i = 0; i < value.length() && !quote; i++) {
                char ch = value.charAt(i);
                quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
            }
            if (quote) {
                row.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                row.append(value);
            }
            return this;
        }

        private void json(String value) {
            row.append('"');
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                switch (ch) {
                    case '"' -> row.append("\\\"");
                    case '\\' -> row.append("\\\\");
                    case '\n' -> row.append("\\n");
                    case '\r' -> row.append("\\r");
                    case '\t' -> row.append("\\t");
                    default -> {
                        if (ch < 0x20 || ch == '\u2028' || ch == '\u2029') {
                            row.append(String.format("\\u%04x", (int) ch));
                        } else {
                            row.append(ch);
                        }
                    }
                }
            }
            row.append('"');
        }

        private void startRow() {
            row.setLength(0);
            fields = 0;
        }

        private void writeRow(Writer w) {
            row.append(CRLF);
            write(w);
        }

        private void write(Writer w) {
            try {
                w.append(row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
