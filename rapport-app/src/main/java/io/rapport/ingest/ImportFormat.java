package io.rapport.ingest;

import io.rapport.platform.RapportException;
import java.util.Arrays;
import java.util.List;

/** What a file holds and in which layout. {@code native} layouts are documented in docs/import-format.md. */
enum ImportFormat {
    CUSTOMERS_NATIVE("customers", "native", List.of()),
    PRODUCTS_NATIVE("products", "native", List.of("sku")),
    STORES_NATIVE("stores", "native", List.of("code")),
    ORDERS_NATIVE("orders", "native", List.of("order_id", "line_no", "ordered_at", "sku", "quantity", "unit_price",
            "currency")),
    EVENTS_NATIVE("events", "native", List.of()),
    ORDERS_UCI("orders", "uci-online-retail", RecordMappers.UciOnlineRetail.COLUMNS);

    final String kind;
    final String preset;
    /** Columns the header must have (after the column mapping), checked before any row is read. */
    final List<String> requiredColumns;

    ImportFormat(String kind, String preset, List<String> requiredColumns) {
        this.kind = kind;
        this.preset = preset;
        this.requiredColumns = requiredColumns;
    }

    boolean jsonLines() {
        return this == EVENTS_NATIVE;
    }

    static ImportFormat of(String kind, String preset) {
        String p = preset == null || preset.isBlank() ? "native" : preset.trim().toLowerCase(java.util.Locale.ROOT);
        String k = kind == null ? "" : kind.trim().toLowerCase(java.util.Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.kind.equals(k) && f.preset.equals(p)).findFirst()
                .orElseThrow(() -> RapportException.badRequest("unknown-format", "kind",
                        "No import format for kind '" + kind + "' with preset '" + p + "'; known: "
                                + Arrays.stream(values()).map(f -> f.kind + "/" + f.preset).toList()));
    }
}
