package io.rapport.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Replaying a file or a batch never counts anything twice; an interrupted import completes on a rerun. */
abstract class ImportIdempotencyTests extends ServerTest {

    @Autowired
    ImportJobs jobs;

    @Autowired
    StoredRecordsRecorder published;

    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    private String orders(int count) {
        StringBuilder csv = new StringBuilder(ORDERS);
        for (int i = 0; i < count; i++) {
            csv.append("O").append(i / 2).append(',').append(i % 2 + 1).append(",C").append(i % 97)
                    .append(",,,shop,,2025-0").append(1 + i % 9).append("-1").append(i % 10).append("T10:00:00Z,SKU-")
                    .append(i % 7).append(",1,").append(10 + i % 50).append(",0,,CNY,sale,\n");
        }
        return csv.toString();
    }

    private List<Record> snapshot(String src) {
        return db.fetch("""
                select s.* from customer_summary s where s.customer_id in
                  (select customer_id from ingest_order where source = ?) order by s.customer_id""", src);
    }

    private long lines(String src) {
        return db.fetchCount(db.selectFrom("ingest_order_line").where("source = ?", src));
    }

    @Test
    void should_change_nothing_when_the_same_file_is_imported_twice() {
        byte[] file = orders(1200).getBytes(StandardCharsets.UTF_8);
        JsonNode first = importFile("orders", "native", "orders.csv", file).json();
        assertThat(first.get("accepted").asLong()).isEqualTo(1200);
        List<Record> before = snapshot(source);
        long customers = db.fetchCount(db.selectFrom("customer_profile"));

        JsonNode second = importFile("orders", "native", "orders.csv", file).json();
        assertThat(second.get("accepted").asLong()).isZero();
        assertThat(second.get("duplicates").asLong()).isEqualTo(1200);
        assertThat(lines(source)).isEqualTo(1200);
        assertThat(db.fetchCount(db.selectFrom("customer_profile"))).isEqualTo(customers);
        assertThat(snapshot(source)).isEqualTo(before);
    }

    @Test
    void should_tell_listeners_about_each_stored_line_once_even_when_the_file_is_replayed() {
        byte[] file = orders(300).getBytes(StandardCharsets.UTF_8);
        importFile("orders", "native", "orders.csv", file);
        importFile("orders", "native", "orders.csv", file);

        var lines = published.lines(source);
        assertThat(lines).hasSize(300);
        assertThat(lines.stream().map(l -> l.externalOrderId() + ":" + l.lineId()).distinct()).hasSize(300);
        Long storedOrderOfFirstLine = db.fetchOne("select id from ingest_order where source = ? and external_id = 'O0'",
                source).get(0, Long.class);
        assertThat(lines).filteredOn(l -> l.externalOrderId().equals("O0"))
                .extracting(OrderLinesStored.Line::orderId).containsOnly(storedOrderOfFirstLine);
        assertThat(lines).extracting(OrderLinesStored.Line::kind).containsOnly("sale");
    }

    @Test
    void should_store_every_row_exactly_once_when_an_import_is_cut_short_and_run_again() {
        String all = orders(2000);
        // What a crash leaves behind: the chunks committed before it (a chunk is one transaction).
        String firstChunks = all.lines().limit(1 + 1000).reduce("", (a, b) -> a + b + "\n");
        importFile("orders", "native", "orders.csv", firstChunks.getBytes(StandardCharsets.UTF_8));
        JsonNode rerun = importFile("orders", "native", "orders.csv", all.getBytes(StandardCharsets.UTF_8)).json();
        assertThat(rerun.get("accepted").asLong()).isEqualTo(1000);
        assertThat(rerun.get("duplicates").asLong()).isEqualTo(1000);
        assertThat(lines(source)).isEqualTo(2000);

        String clean = source + "-clean";
        admin().postFile("/api/v1/imports", "orders.csv", all.getBytes(StandardCharsets.UTF_8),
                Map.of("kind", "orders", "source", clean, "wait", "true"));
        List<Object> spendCut = db.fetch("""
                select c.id_value, s.order_count, s.purchase_days, s.total_spend from customer_summary s
                join customer_identity c on c.customer_id = s.customer_id and c.namespace = ?
                order by c.id_value""", source).map(r -> List.of(r.get(0), r.get(1), r.get(2), r.get(3)));
        List<Object> spendClean = db.fetch("""
                select c.id_value, s.order_count, s.purchase_days, s.total_spend from customer_summary s
                join customer_identity c on c.customer_id = s.customer_id and c.namespace = ?
                order by c.id_value""", clean).map(r -> List.of(r.get(0), r.get(1), r.get(2), r.get(3)));
        assertThat(spendCut).hasSize(97).isEqualTo(spendClean);
    }

    @Test
    void should_resume_a_job_left_running_by_a_stopped_server_and_complete_it_without_duplicates() throws Exception {
        String all = orders(1500);
        String firstChunk = all.lines().limit(1 + 500).reduce("", (a, b) -> a + b + "\n");
        importFile("orders", "native", "orders.csv", firstChunk.getBytes(StandardCharsets.UTF_8));
        // The state a kill -9 leaves: the job row says running, its stored file is on disk.
        Path stored = Files.createTempFile("interrupted-", ".csv");
        Files.writeString(stored, all);
        long id = db.insertInto(IngestTables.JOB)
                .set(IngestTables.J_KIND, "orders").set(IngestTables.J_PRESET, "native").set(IngestTables.J_SOURCE, source)
                .set(IngestTables.J_FILE_NAME, "orders.csv").set(IngestTables.J_STORED_PATH, stored.toString())
                .set(IngestTables.J_MAPPING, "{}").set(IngestTables.J_STATUS, "running")
                .set(IngestTables.J_BYTES_TOTAL, Files.size(stored)).set(IngestTables.J_ROWS_READ, 500L)
                .set(IngestTables.J_CREATED_BY, "admin").set(IngestTables.J_CREATED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .returningResult(IngestTables.J_ID).fetchOne(IngestTables.J_ID);

        jobs.resumeInterrupted();
        ImportJobs.Job job = jobs.find(id);
        for (int i = 0; i < 600 && !job.finished(); i++) {
            Thread.sleep(100);
            job = jobs.find(id);
        }
        assertThat(job.status()).isEqualTo("done");
        assertThat(job.accepted()).isEqualTo(1000);
        assertThat(job.duplicates()).isEqualTo(500);
        assertThat(lines(source)).isEqualTo(1500);
    }

    @Test
    void should_store_nothing_new_when_the_same_event_batch_is_sent_again() {
        var batch = List.of(
                Map.of("external_id", source + "-1", "type", "cart_add", "occurred_at", "2025-01-01T00:00:00Z",
                        "source", source),
                Map.of("external_id", source + "-2", "type", "cart_add", "occurred_at", "2025-01-01T00:01:00Z",
                        "source", source));
        assertThat(admin().postJson("/api/v1/events", batch).json().get("anonymous").asInt()).isEqualTo(2);
        JsonNode again = admin().postJson("/api/v1/events", batch).json();
        assertThat(again.get("duplicates").asInt()).isEqualTo(2);
        assertThat(db.fetchCount(db.selectFrom("ingest_event").where("source = ?", source))).isEqualTo(2);
        assertThat(published.events(source)).as("anonymous events are stored but concern no known customer").isEmpty();
    }

    @Test
    void should_tell_listeners_about_each_stored_event_of_a_known_customer_once() {
        importFile("orders", "native", "orders.csv", orders(2).getBytes(StandardCharsets.UTF_8));
        var batch = List.of(Map.of("external_id", source + "-v1", "type", "product_view",
                "occurred_at", "2025-02-01T00:00:00Z", "source", source, "customer_id", "C0",
                "properties", Map.of("sku", "SKU-1")));
        admin().postJson("/api/v1/events", batch);
        admin().postJson("/api/v1/events", batch);

        assertThat(published.events(source)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("product_view");
            assertThat(e.propertiesJson()).contains("SKU-1");
        });
    }
}

@OnH2
class ImportIdempotencyOnH2Test extends ImportIdempotencyTests {}

@OnPostgres
class ImportIdempotencyOnPostgresTest extends ImportIdempotencyTests {}
