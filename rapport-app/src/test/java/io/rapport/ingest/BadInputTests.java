package io.rapport.ingest;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.ServerTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Bad files: every problem is reported with its row, field, value and reason (or, for a file that cannot be read at
 * all, as the job's failure), the good rows beside the bad ones are stored, and nothing answers with a 500.
 */
abstract class BadInputTests extends ServerTest {

    static final String HEADER = "order_id,line_no,customer_id,channel,ordered_at,sku,description,quantity,unit_price,"
            + "currency\n";

    static String line(String orderId, String description) {
        return orderId + ",1,C1,shop,2025-01-05T10:00:00Z,SKU-A," + description + ",1,100.00,CNY\n";
    }

    // --- malformed CSV -------------------------------------------------------------------------------------------

    @Test
    void should_keep_the_rows_before_an_unclosed_quote_and_mark_the_job_incomplete() {
        String csv = HEADER + line("O1", "fine") + line("O2", "fine")
                + "O3,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,\"never closed,1,100.00,CNY\n"
                + line("O4", "swallowed by the open quote");
        JsonNode job = importOrders(csv);

        assertCounts(job, "incomplete", 2, 2, 0, 1);
        assertThat(job.get("failure").asString()).startsWith("Row 3: ").contains("malformed CSV");
        JsonNode error = errors(job).get(0);
        assertThat(error.get("row").asLong()).isEqualTo(3);
        assertThat(error.get("reason").asString()).contains("the rest of the file could not be read");
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O2:1");
    }

    @Test
    void should_reject_a_row_with_the_wrong_number_of_columns_and_keep_the_others() {
        String csv = HEADER + line("O1", "fine") + line("O2", "an,extra column") + "O3,1,C1\n" + line("O4", "fine");
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 4, 2, 0, 2);
        JsonNode errors = errors(job);
        assertError(errors.get(0), 2, null, "row has 11 fields; the header has 10");
        assertError(errors.get(1), 3, null, "row has 3 fields; the header has 10");
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O4:1");
    }

    @Test
    void should_reject_a_bad_date_naming_the_field_and_the_value() {
        String csv = HEADER + line("O1", "fine")
                + "O2,1,C1,shop,2025-13-45T10:00:00Z,SKU-A,month 13,1,100.00,CNY\n"
                + "O3,1,C1,shop,yesterday,SKU-A,words,1,100.00,CNY\n"
                + "O4,1,C1,shop,05/01/2025,SKU-A,US style,1,100.00,CNY\n";
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 4, 1, 0, 3);
        JsonNode errors = errors(job);
        assertError(errors.get(0), 2, "ordered_at", "'ordered_at' is not a date-time");
        assertThat(errors.get(0).get("value").asString()).isEqualTo("2025-13-45T10:00:00Z");
        assertError(errors.get(1), 3, "ordered_at", "'ordered_at' is not a date-time");
        assertError(errors.get(2), 4, "ordered_at", "'ordered_at' is not a date-time");
        assertThat(storedLines()).containsExactly("O1:1");
    }

    @Test
    void should_reject_a_bad_number_naming_the_field_and_the_value() {
        String csv = HEADER + line("O1", "fine")
                + "O2,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,decimal comma,1,\"12,50\",CNY\n"
                + "O3,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,a word,two,100.00,CNY\n"
                + "O4,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,fraction of a unit,1.5,100.00,CNY\n"
                + "O5,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,beyond NUMERIC(19;4),1,100000000000000000000,CNY\n"
                + "O6,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,line total overflows,2000000000,9999999999,CNY\n"
                + line("O7", "fine");
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 7, 2, 0, 5);
        JsonNode errors = errors(job);
        assertError(errors.get(0), 2, "unit_price", "'unit_price' is not a number");
        assertThat(errors.get(0).get("value").asString()).isEqualTo("12,50");
        assertError(errors.get(1), 3, "quantity", "'quantity' is not a whole number");
        assertError(errors.get(2), 4, "quantity", "'quantity' is not a whole number");
        assertThat(errors.get(3).get("field").asString()).isEqualTo("unit_price");
        assertThat(errors.get(3).get("row").asLong()).isEqualTo(5);
        assertError(errors.get(4), 6, "quantity", "the line amount quantity × unit_price − discount");
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O7:1");
    }

    @Test
    void should_reject_an_unknown_currency_and_one_without_an_exchange_rate() {
        String csv = HEADER + line("O1", "fine")
                + "O2,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,not ISO 4217,1,100.00,XYZ\n"
                + "O3,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,no rate configured,1,100.00,EUR\n"
                + "O4,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,rate configured,1,100.00,usd\n";
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 4, 2, 0, 2);
        JsonNode errors = errors(job);
        assertError(errors.get(0), 2, "currency", "'XYZ' is not an ISO 4217 currency code");
        assertError(errors.get(1), 3, "currency", "EUR has no exchange rate");
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O4:1");
    }

    @Test
    void should_reject_a_10_mb_field_naming_it_and_keep_the_rest() {
        String huge = "x".repeat(10 * 1024 * 1024);
        String csv = HEADER + line("O1", "fine") + line("O2", huge) + line("O3", "fine");
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 3, 2, 0, 1);
        JsonNode error = errors(job).get(0);
        assertError(error, 2, "description", "'description' is 10485760 characters long; the limit is 65536");
        assertThat(error.get("value").asString().length()).isLessThanOrEqualTo(200);
        assertThat(errorReport(job)).contains("2,description,").contains("10485760 characters long");
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O3:1");
    }

    @Test
    void should_reject_a_row_in_another_encoding_naming_the_field_and_keep_the_others() {
        byte[] csv = concat(utf8(HEADER + line("O1", "Café au lait")),
                utf8("O2,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,"), "Caf\u00e9".getBytes(StandardCharsets.ISO_8859_1),
                utf8(",1,100.00,CNY\n"),
                utf8("O3,1,C1,shop,2025-01-05T10:00:00Z,SKU-A,"), "空气净化器".getBytes(Charset.forName("GBK")),
                utf8(",1,100.00,CNY\n"),
                utf8(line("O4", "空气净化器")));
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 4, 2, 0, 2);
        JsonNode errors = errors(job);
        assertError(errors.get(0), 2, "description", "not valid UTF-8");
        assertError(errors.get(1), 3, "description", "not valid UTF-8");
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O4:1");
        assertThat(db.select(field("description", String.class)).from(table("ingest_order_line"))
                .where(field("source", String.class).eq(source)).orderBy(field("external_id", String.class))
                .fetch(0, String.class)).containsExactly("Café au lait", "空气净化器");
    }

    @Test
    void should_reject_a_nul_character_in_a_field_and_keep_the_others() {
        // Past the first 8 KB, which the file-type check looks at; PostgreSQL cannot store NUL in text.
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 150; i++) {
            csv.append(line("P" + i, "padding"));
        }
        csv.append(line("O1", "nul\u0000inside")).append(line("O2", "fine"));
        JsonNode job = importOrders(csv.toString());

        assertCounts(job, "done", 152, 151, 0, 1);
        JsonNode error = errors(job).get(0);
        assertError(error, 151, "description", "'description' contains a NUL character");
        assertThat(error.get("value").asString()).isEqualTo("nul\uFFFDinside");
        assertThat(storedLines()).hasSize(151).contains("O2:1").doesNotContain("O1:1");
    }

    @Test
    void should_reject_nul_characters_in_json_lines_and_keep_the_others() {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            events.append(event("p" + i, null)).append('\n');
        }
        events.append(event("e1", "\"customer_id\":\"C\\u00001\"")).append('\n')
                .append("{\"external_id\":\"e2\u0000\"}\n")
                .append(event("e3", null)).append('\n');
        JsonNode job = importOk("events", "events.jsonl", utf8(events.toString()));

        assertCounts(job, "done", 103, 101, 0, 2);
        JsonNode errors = errors(job);
        assertError(errors.get(0), 101, "customer_id", "'customer_id' contains a NUL character");
        assertError(errors.get(1), 102, null, "not valid JSON");
        assertThat(storedEvents()).hasSize(101).contains("e3");
    }

    @Test
    void should_reject_a_date_the_database_cannot_store() {
        String csv = HEADER + line("O1", "fine")
                + "O2,1,C1,shop,-5000-01-01T00:00:00Z,SKU-A,before the calendar,1,100.00,CNY\n"
                + line("O3", "fine");
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 3, 2, 0, 1);
        assertThat(errors(job).get(0).get("field").asString()).isEqualTo("ordered_at");
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O3:1");
    }

    // --- files that cannot be read ---------------------------------------------------------------------------------

    @Test
    void should_fail_an_empty_file_saying_it_is_empty() {
        for (String kind : List.of("orders", "events")) {
            JsonNode job = importOk(kind, "empty." + ("events".equals(kind) ? "jsonl" : "csv"), new byte[0]);
            assertCounts(job, "failed", 0, 0, 0, 0);
            assertThat(job.get("failure").asString()).contains("empty");
        }
        JsonNode blank = importOk("events", "blank.jsonl", utf8("\n  \n\n"));
        assertCounts(blank, "failed", 0, 0, 0, 0);
        assertThat(blank.get("failure").asString()).contains("no data rows");
    }

    @Test
    void should_fail_a_header_only_file_saying_it_has_no_data_rows() {
        JsonNode job = importOrders(HEADER);
        assertCounts(job, "failed", 0, 0, 0, 0);
        assertThat(job.get("failure").asString()).contains("no data rows");
        assertThat(storedLines()).isEmpty();
    }

    @Test
    void should_fail_a_file_that_is_not_csv_text_saying_what_it_is() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("xl/workbook.xml"));
            out.write(utf8("<workbook/>"));
            out.closeEntry();
        }
        byte[] png = concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13},
                utf8("IHDR"), new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0});
        byte[] utf16 = concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
                (HEADER + line("O1", "fine")).getBytes(StandardCharsets.UTF_16LE));

        assertFailedAs(importOk("orders", "orders.xlsx", zip.toByteArray()), "ZIP archive");
        assertFailedAs(importOk("orders", "orders.png", png), "image");
        assertFailedAs(importOk("orders", "orders.csv", utf16), "UTF-16");
        assertFailedAs(importOk("events", "events.jsonl", utf16), "UTF-16");
        assertThat(storedLines()).isEmpty();
    }

    @Test
    void should_fail_a_file_without_a_required_column_naming_the_column() {
        String csv = "order_id,line_no,customer_id,ordered_at,sku,quantity,unit_price\n"
                + "O1,1,C1,2025-01-05T10:00:00Z,SKU-A,1,100.00\n";
        JsonNode job = importOrders(csv);

        assertCounts(job, "failed", 0, 0, 0, 0);
        assertThat(job.get("failure").asString()).contains("[currency]");
        assertThat(storedLines()).isEmpty();
    }

    // --- duplicates, unknown customers, the future -----------------------------------------------------------------

    @Test
    void should_count_a_repeated_row_as_a_duplicate_and_store_it_once() {
        String csv = HEADER + line("O1", "first") + line("O2", "fine") + line("O1", "first")
                + line("O1", "same key; other content");
        JsonNode job = importOrders(csv);

        assertCounts(job, "done", 4, 2, 2, 0);
        assertThat(errors(job)).isEmpty();
        assertThat(storedLines()).containsExactlyInAnyOrder("O1:1", "O2:1");
        assertThat(db.select(field("description", String.class)).from(table("ingest_order_line"))
                .where(field("source", String.class).eq(source)).and(field("external_id", String.class).eq("O1:1"))
                .fetchOne(0, String.class)).isEqualTo("first");

        JsonNode again = importOrders(csv);
        assertCounts(again, "done", 4, 0, 4, 0);
        assertThat(storedLines()).hasSize(2);
    }

    @Test
    void should_store_events_of_unknown_customers_as_anonymous_and_count_them() {
        JsonNode customers = importOk("customers", "customers.csv", utf8("customer_id,name\nC1,Li Na\n"));
        assertThat(customers.get("accepted").asLong()).isEqualTo(1);
        String events = event("e1", "\"customer_id\":\"C1\"") + "\n"
                + event("e2", "\"customer_id\":\"C-UNKNOWN\"") + "\n"
                + event("e3", "\"email\":\"nobody-" + source + "@example.com\"") + "\n"
                + event("e4", "\"device_id\":\"d-" + source + "\"") + "\n"
                + event("e5", null) + "\n";
        JsonNode job = importOk("events", "events.jsonl", utf8(events));

        assertCounts(job, "done", 5, 5, 0, 0);
        assertThat(job.get("anonymous").asLong()).isEqualTo(4);
        assertThat(db.fetchCount(table("ingest_event"), field("source", String.class).eq(source)
                .and(field("customer_id", Long.class).isNull()))).isEqualTo(4);
        assertThat(db.fetchCount(table("ingest_event"), field("source", String.class).eq(source)
                .and(field("customer_id", Long.class).isNotNull()))).isEqualTo(1);
        Http.Response search = admin().get("/api/v1/customers?q=nobody-" + source + "@example.com");
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        assertThat(search.json().get("hits")).as("no fake customer is made up for an unknown visitor").isEmpty();
    }

    @Test
    void should_reject_a_timestamp_in_the_future_naming_the_field() {
        String csv = HEADER + line("O1", "fine")
                + "O2,1,C1,shop,2099-01-01T00:00:00Z,SKU-A,from the future,1,100.00,CNY\n";
        JsonNode job = importOrders(csv);
        assertCounts(job, "done", 2, 1, 0, 1);
        assertError(errors(job).get(0), 2, "ordered_at", "'ordered_at' lies in the future");
        assertThat(storedLines()).containsExactly("O1:1");

        String events = event("e1", null) + "\n"
                + "{\"external_id\":\"e2\",\"type\":\"product_view\",\"occurred_at\":\"2099-01-01T00:00:00Z\"}\n";
        JsonNode eventJob = importOk("events", "events.jsonl", utf8(events));
        assertCounts(eventJob, "done", 2, 1, 0, 1);
        assertError(errors(eventJob).get(0), 2, "occurred_at", "'occurred_at' lies in the future");
        assertThat(storedEvents()).containsExactly("e1");
    }

    // --- JSON lines --------------------------------------------------------------------------------------------------

    @Test
    void should_reject_a_bad_json_line_and_keep_the_good_ones() {
        String events = event("e1", null) + "\n"
                + "{\"external_id\":\"e2\",\"type\":\"product_view\",\n"
                + "\n"
                + "[1,2,3]\n"
                + "{\"external_id\":\"e4\",\"type\":\"product_view\",\"occurred_at\":\"2025-03-01T10:15:00Z\","
                + "\"colour\":\"red\"}\n"
                + "{\"external_id\":\"e5\",\"type\":\"product_view\",\"occurred_at\":\"2025-03-01T10:15:00Z\","
                + "\"source\":\"elsewhere\"}\n"
                + event("e6", "\"email\":\"not-an-email\"") + "\n"
                + event("e7", null) + "\n";
        JsonNode job = importOk("events", "events.jsonl", utf8(events));

        assertCounts(job, "done", 7, 2, 0, 5);
        JsonNode errors = errors(job);
        assertThat(errors.get(0).get("row").asLong()).isEqualTo(2);
        assertThat(errors.get(0).get("reason").asString()).startsWith("not valid JSON");
        assertThat(errors.get(0).get("value").asString()).startsWith("{\"external_id\":\"e2\"");
        assertError(errors.get(1), 3, null, "an event must be a JSON object");
        assertError(errors.get(2), 4, "colour", "unknown field 'colour'");
        assertError(errors.get(3), 5, "source", "'source' is set by the import job");
        assertError(errors.get(4), 6, "email", "is not an email address");
        assertThat(errorReport(job).lines().toList()).first().isEqualTo("row,field,value,reason");
        assertThat(storedEvents()).containsExactlyInAnyOrder("e1", "e7");
    }

    @Test
    void should_read_a_json_lines_file_that_starts_with_a_byte_order_mark() {
        JsonNode job = importOk("events", "events.jsonl", utf8("\uFEFF" + event("e1", null) + "\n"));
        assertCounts(job, "done", 1, 1, 0, 0);
        assertThat(storedEvents()).containsExactly("e1");
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    static String event(String externalId, String identity) {
        return "{\"external_id\":\"" + externalId + "\",\"type\":\"product_view\","
                + "\"occurred_at\":\"2025-03-01T10:15:00Z\"" + (identity == null ? "" : "," + identity)
                + ",\"properties\":{\"sku\":\"WP-100\"}}";
    }

    JsonNode importOrders(String csv) {
        return importOrders(utf8(csv));
    }

    JsonNode importOrders(byte[] csv) {
        return importOk("orders", "orders.csv", csv);
    }

    /** Imports a file and checks that the server answered with the job, whatever the file held. */
    JsonNode importOk(String kind, String fileName, byte[] content) {
        Http.Response response = importFile(kind, "native", fileName, content);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode job = response.json();
        assertThat(job.get("status").asString()).isIn("done", "failed", "incomplete");
        return job;
    }

    static void assertCounts(JsonNode job, String status, long read, long accepted, long duplicates, long rejected) {
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo(status);
        assertThat(List.of(job.get("rowsRead").asLong(), job.get("accepted").asLong(), job.get("duplicates").asLong(),
                job.get("rejected").asLong()))
                .as("read, accepted, duplicates, rejected of " + job)
                .containsExactly(read, accepted, duplicates, rejected);
    }

    static void assertFailedAs(JsonNode job, String failure) {
        assertCounts(job, "failed", 0, 0, 0, 0);
        assertThat(job.get("failure").asString()).contains(failure);
    }

    static void assertError(JsonNode error, long row, String field, String reason) {
        assertThat(error.get("row").asLong()).as(error.toString()).isEqualTo(row);
        assertThat(error.path("field").isString() ? error.get("field").asString() : null).as(error.toString())
                .isEqualTo(field);
        assertThat(error.get("reason").asString()).contains(reason);
    }

    JsonNode errors(JsonNode job) {
        Http.Response response = admin().get("/api/v1/imports/" + job.get("id").asLong() + "/errors");
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    String errorReport(JsonNode job) {
        Http.Response response = admin().get("/api/v1/imports/" + job.get("id").asLong() + "/errors.csv");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/csv");
        return response.body();
    }

    List<String> storedLines() {
        return db.select(field("external_id", String.class)).from(table("ingest_order_line"))
                .where(field("source", String.class).eq(source)).fetch(0, String.class);
    }

    List<String> storedEvents() {
        return db.select(field("external_id", String.class)).from(table("ingest_event"))
                .where(field("source", String.class).eq(source)).fetch(0, String.class);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}

@io.rapport.testing.OnH2
class BadInputOnH2Test extends BadInputTests {}

@io.rapport.testing.OnPostgres
class BadInputOnPostgresTest extends BadInputTests {}
