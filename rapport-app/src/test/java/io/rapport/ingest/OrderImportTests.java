package io.rapport.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Orders and customers arrive as files; profiles, summaries and the 360 view follow. */
abstract class OrderImportTests extends ServerTest {

    static final String ORDERS_HEADER = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,"
            + "quantity,unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    @Test
    void should_create_one_customer_per_identity_and_summarise_their_orders() {
        String orders = ORDERS_HEADER
                + "O1,1,C1,Li.Na@Example.com,+86 138 0013 8000,shop,,2025-01-05T10:00:00Z,SKU-A,2,100.00,10,,CNY,sale,\n"
                + "O1,2,C1,,,shop,,2025-01-05T10:00:00Z,SKU-B,1,50,0,,CNY,sale,\n"
                + "O2,1,C1,,,store,SH01,2025-03-01T02:00:00Z,SKU-C,1,300,0,,CNY,sale,\n"
                + "R1,1,C1,,,store,SH01,2025-03-03T02:00:00Z,SKU-C,-1,300,0,,CNY,return,O2\n";
        JsonNode job = importFile("orders", "native", "orders.csv", orders.getBytes(StandardCharsets.UTF_8)).json();
        assertThat(job.get("status").asString()).isEqualTo("done");
        assertThat(job.get("accepted").asLong()).isEqualTo(4);
        assertThat(job.get("rejected").asLong()).isZero();

        JsonNode hits = admin().get("/api/v1/customers?q=li.na@example.com").json().get("hits");
        assertThat(hits).hasSize(1);
        long id = hits.get(0).get("id").asLong();
        JsonNode customer = admin().get("/api/v1/customers/" + id).json();
        JsonNode summary = customer.get("summary");
        assertThat(summary.get("orderCount").asInt()).isEqualTo(2);
        assertThat(summary.get("returnCount").asInt()).isEqualTo(1);
        assertThat(summary.get("purchaseDays").asInt()).isEqualTo(2);
        assertThat(summary.get("totalSpend").decimalValue()).isEqualByComparingTo("240");
        assertThat(summary.get("lastChannel").asString()).isEqualTo("store");
        assertThat(customer.get("identities").toString()).contains("l***@example.com").doesNotContain("li.na");

        JsonNode timeline = admin().get("/api/v1/customers/" + id + "/timeline").json();
        assertThat(timeline.get("total").asLong()).isEqualTo(3);
        assertThat(timeline.get("entries").get(0).get("type").asString()).isEqualTo("return");
    }

    @Test
    void should_read_a_file_with_other_column_names_through_a_column_mapping() {
        String csv = "Invoice,Line,Client,When,Product,Qty,Price,Cur\n"
                + "M1,1,K9,2025-02-01T08:00:00Z,SKU-Z,3,20,CNY\n";
        var response = admin().postFile("/api/v1/imports", "mapped.csv", csv.getBytes(StandardCharsets.UTF_8),
                java.util.Map.of("kind", "orders", "source", source, "wait", "true", "mapping",
                        "{\"order_id\":\"Invoice\",\"line_no\":\"Line\",\"customer_id\":\"Client\","
                                + "\"ordered_at\":\"When\",\"sku\":\"Product\",\"quantity\":\"Qty\","
                                + "\"unit_price\":\"Price\",\"currency\":\"Cur\"}"));
        JsonNode job = response.json();
        assertThat(job.get("status").asString()).as(response.body()).isEqualTo("done");
        assertThat(job.get("accepted").asLong()).isEqualTo(1);
        assertThat(db.fetchValue("select net_amount from ingest_order_line where source = ?", source))
                .isEqualTo(new java.math.BigDecimal("60.0000"));
    }

    @Test
    void should_audit_every_download_of_an_error_report_as_an_export() {
        String orders = ORDERS_HEADER + "B1,1,C1,,,shop,,not-a-date,SKU-A,1,1,0,,CNY,sale,\n";
        long id = importFile("orders", "native", "bad.csv", orders.getBytes(StandardCharsets.UTF_8)).json()
                .get("id").asLong();
        var report = admin().get("/api/v1/imports/" + id + "/errors.csv");
        assertThat(report.status()).isEqualTo(200);
        assertThat(report.body()).contains("ordered_at").contains("not-a-date");
        assertThat(db.fetchCount(db.selectFrom("privacy_audit")
                .where("action = 'export' and subject_type = 'import-job' and subject_id = ?", Long.toString(id))))
                .isEqualTo(1);
    }
}

@io.rapport.testing.OnH2
class OrderImportOnH2Test extends OrderImportTests {}

@io.rapport.testing.OnPostgres
class OrderImportOnPostgresTest extends OrderImportTests {}
