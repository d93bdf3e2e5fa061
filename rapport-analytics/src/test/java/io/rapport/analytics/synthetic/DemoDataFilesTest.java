package io.rapport.analytics.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataFilesTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void should_write_the_native_files_with_their_headers_and_one_row_per_record() throws Exception {
        var counts = DemoDataFiles.write(new DemoDataGenerator(1, 400, END, 3), dir);
        var expected = RecordingSink.of(new DemoDataGenerator(1, 400, END, 3));

        assertThat(rows(DemoDataFiles.STORES)).first().isEqualTo(DemoDataFiles.STORES_HEADER);
        assertThat(rows(DemoDataFiles.PRODUCTS)).first().isEqualTo(
                "sku,name,category,unit_price,currency,maintenance_months,warranty_months,consumable_for");
        assertThat(rows(DemoDataFiles.CUSTOMERS)).first().isEqualTo(
                "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone");
        assertThat(rows(DemoDataFiles.ORDERS)).first().isEqualTo("order_id,line_no,customer_id,channel,store_code,"
                + "ordered_at,sku,quantity,unit_price,discount,coupon_code,currency,kind,original_order_id");

        assertThat(rows(DemoDataFiles.STORES)).hasSize(expected.stores.size() + 1);
        assertThat(rows(DemoDataFiles.PRODUCTS)).hasSize(expected.products.size() + 1);
        assertThat(rows(DemoDataFiles.CUSTOMERS)).hasSize(401);
        assertThat(rows(DemoDataFiles.ORDERS)).hasSize(expected.lines.size() + 1);
        assertThat(Files.readAllLines(dir.resolve(DemoDataFiles.EVENTS))).hasSize(expected.events.size());
        assertThat(counts.customers()).isEqualTo(400);
        assertThat(counts.orderLines()).isEqualTo(expected.lines.size());
        assertThat(counts.events()).isEqualTo(expected.events.size());
        assertThat(counts.orders()).isEqualTo(expected.lines.stream().map(DemoOrderLine::orderId).distinct().count());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "stores.csv", "products.csv", "customers.csv", "orders.csv", "events.jsonl");
        }
    }

    @Test
    void should_render_values_as_the_import_format_says() throws Exception {
        DemoDataFiles.write(new DemoDataGenerator(1, 50, END, 3), dir);
        var expected = RecordingSink.of(new DemoDataGenerator(1, 50, END, 3));
        var c = expected.customers.getFirst();
        assertThat(rows(DemoDataFiles.CUSTOMERS).get(1)).isEqualTo(String.join(",", c.externalId(), c.memberNo(),
                c.name(), c.gender(), c.birthday().toString(), c.city(), c.email(), c.phone(),
                c.registeredAt().toString(), "Asia/Shanghai"));
        var l = expected.lines.getFirst();
        assertThat(rows(DemoDataFiles.ORDERS).get(1)).isEqualTo(String.join(",", l.orderId(), "1",
                l.customerExternalId(), l.channel(), l.storeCode(), l.orderedAt().toString(), l.sku(),
                Integer.toString(l.quantity()), l.unitPrice().toPlainString(), l.discount().toPlainString(),
                l.couponCode().orElse(""), "CNY", "sale", ""));
        assertThat(rows(DemoDataFiles.PRODUCTS)).contains(
                "DW-13,\"Built-in dishwasher, 13 place settings\",dishwasher,4299.00,CNY,12,24,",
                "WP-PP01,PP cotton filter cartridge,water_filter,99.00,CNY,6,0,water_purifier");
        assertThat(rows(DemoDataFiles.STORES)).contains("ONLINE,Online shop,shop,", "SH01,Shanghai Xujiahui flagship store,store,Shanghai");
        var e = expected.events.getFirst();
        var firstEvent = Files.readAllLines(dir.resolve(DemoDataFiles.EVENTS)).getFirst();
        assertThat(firstEvent).startsWith("{\"external_id\":\"" + e.externalId() + "\",\"type\":\"" + e.type()
                + "\",\"occurred_at\":\"" + e.occurredAt() + "\",\"customer_id\":\"" + e.customerExternalId()
                + "\",\"properties\":{").endsWith("}}");
        assertThat(Files.readString(dir.resolve(DemoDataFiles.ORDERS))).contains("\r\n");
        assertThat(Files.readString(dir.resolve(DemoDataFiles.EVENTS))).doesNotContain("\r");
    }

    @Test
    void should_write_byte_identical_files_for_the_same_seed() throws Exception {
        var other = Files.createDirectory(dir.resolve("again"));
        DemoDataFiles.write(new DemoDataGenerator(77, 200, END, 3), dir);
        DemoDataFiles.write(new DemoDataGenerator(77, 200, END, 3), other);
        for (var name : List.of("stores.csv", "products.csv", "customers.csv", "orders.csv", "events.jsonl")) {
            assertThat(Files.mismatch(dir.resolve(name), other.resolve(name))).as(name).isEqualTo(-1);
        }
    }

    @Test
    void should_report_progress_up_to_the_total() throws Exception {
        var reported = new ArrayList<Integer>();
        DemoDataFiles.write(new DemoDataGenerator(1, 30, END, 3), dir, (done, total) -> {
            assertThat(total).isEqualTo(30);
            reported.add(done);
        });
        assertThat(reported).isSorted().endsWith(30);
    }

    private List<String> rows(String name) throws Exception {
        // No field of the demo data holds a line break, so a line is a row.
        return List.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8).split("\r\n"));
    }
}
