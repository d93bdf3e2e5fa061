package io.rapport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class GenerateCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int rapport(String... args) {
        var cli = RapportCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void should_write_the_five_native_files_readable_by_a_csv_and_a_json_parser() throws Exception {
        var dir = tmp.resolve("demo");
        int exit = rapport("generate", "--customers", "300", "--seed", "7", "--out", dir.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(header(dir, "customers.csv")).containsExactly("customer_id", "member_no", "name", "gender",
                "birthday", "city", "email", "phone", "registered_at", "time_zone");
        assertThat(header(dir, "products.csv")).containsExactly("sku", "name", "category", "unit_price", "currency",
                "maintenance_months", "warranty_months", "consumable_for");
        assertThat(header(dir, "stores.csv")).containsExactly("code", "name", "channel", "city");
        assertThat(header(dir, "orders.csv")).containsExactly("order_id", "line_no", "customer_id", "channel",
                "store_code", "ordered_at", "sku", "quantity", "unit_price", "discount", "coupon_code", "currency",
                "kind", "original_order_id");

        var customers = rows(dir, "customers.csv");
        assertThat(customers).hasSize(300);
        assertThat(customers.stream().map(r -> r.get("customer_id")).distinct()).hasSize(300);

        var products = rows(dir, "products.csv");
        var skus = new HashSet<String>();
        products.forEach(p -> skus.add(p.get("sku")));
        var stores = new HashSet<String>();
        rows(dir, "stores.csv").forEach(s -> stores.add(s.get("code")));
        var orders = rows(dir, "orders.csv");
        assertThat(orders).isNotEmpty().allSatisfy(o -> {
            assertThat(skus).contains(o.get("sku"));
            assertThat(stores).contains(o.get("store_code"));
            assertThat(o.get("kind")).isIn("sale", "return", "cancellation");
            assertThat(o.get("currency")).isEqualTo("CNY");
            assertThat(new java.math.BigDecimal(o.get("unit_price"))).isPositive();
            java.time.Instant.parse(o.get("ordered_at"));
        });

        var mapper = new ObjectMapper();
        var events = Files.readAllLines(dir.resolve("events.jsonl"), StandardCharsets.UTF_8);
        assertThat(events).isNotEmpty().allSatisfy(line -> {
            JsonNode e = mapper.readTree(line);
            assertThat(e.get("external_id").asString()).startsWith("EV-");
            assertThat(e.get("type").asString()).isIn("product_view", "cart_add", "app_feature_use",
                    "message_open", "message_click", "review");
            java.time.Instant.parse(e.get("occurred_at").asString());
            assertThat(e.get("customer_id").asString()).startsWith("C");
            assertThat(e.get("properties").isObject()).isTrue();
        });

        assertThat(out.toString())
                .contains("customers", "300")
                .contains("orders", Integer.toString(orders.stream().map(r -> r.get("order_id")).distinct().toList().size()))
                .contains("events")
                .containsPattern("in \\d+\\.\\d s");
        assertThat(err.toString()).contains("customers 300 / 300 (100%)");
    }

    @Test
    void should_write_the_same_files_for_the_same_seed() throws Exception {
        assertThat(rapport("generate", "-n", "100", "-s", "5", "-q", "-o", tmp.resolve("a").toString())).isZero();
        assertThat(rapport("generate", "-n", "100", "-s", "5", "-q", "-o", tmp.resolve("b").toString())).isZero();
        for (var name : List.of("stores.csv", "products.csv", "customers.csv", "orders.csv", "events.jsonl")) {
            assertThat(Files.mismatch(tmp.resolve("a").resolve(name), tmp.resolve("b").resolve(name))).as(name).isEqualTo(-1);
        }
        assertThat(err.toString()).as("quiet").isEmpty();
    }

    @Test
    void should_honour_end_and_years() throws Exception {
        int exit = rapport("generate", "-n", "50", "-q", "--end", "2025-01-01", "--years", "2", "-o", tmp.toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(rows(tmp, "orders.csv")).allSatisfy(o -> assertThat(o.get("ordered_at"))
                .isGreaterThanOrEqualTo("2023-01-01").isLessThan("2025-01-01"));
    }

    @Test
    void should_reject_a_negative_number_of_customers_with_a_usage_error() {
        int exit = rapport("generate", "--customers", "-5", "--out", tmp.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--customers must be between 1 and").doesNotContain("Exception", "\tat ");
        assertThat(tmp.resolve("customers.csv")).doesNotExist();
    }

    @Test
    void should_reject_a_malformed_option_value_with_a_usage_error() {
        assertThat(rapport("generate", "--customers", "many", "--out", tmp.toString())).isEqualTo(2);
        assertThat(rapport("generate", "--end", "yesterday", "--out", tmp.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'yesterday' is not a date").doesNotContain("\tat ");
    }

    @Test
    void should_require_an_output_directory() {
        assertThat(rapport("generate", "--customers", "10")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--out=DIR'");
    }

    @Test
    void should_fail_without_a_stack_trace_when_the_directory_cannot_be_created() throws Exception {
        var file = Files.writeString(tmp.resolve("not-a-directory"), "x");
        int exit = rapport("generate", "--customers", "10", "--out", file.resolve("demo").toString());
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("rapport: cannot create output directory")
                .contains("not-a-directory")
                .doesNotContain("\tat ", "Exception");
    }

    @Test
    void should_show_help_for_the_command() {
        assertThat(rapport("generate", "--help")).isZero();
        assertThat(out.toString()).contains("--customers=N", "--seed=S", "--out=DIR", "--end=DATE", "--years=Y");
        assertThat(rapport("--help")).isZero();
        assertThat(out.toString()).contains("generate");
    }

    @Test
    void should_explain_itself_when_run_without_a_command() {
        assertThat(rapport()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing a command").contains("generate");
    }

    private static List<String> header(Path dir, String name) throws Exception {
        try (Reader in = Files.newBufferedReader(dir.resolve(name), StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.parse(in).iterator().next().toList();
        }
    }

    private static List<CSVRecord> rows(Path dir, String name) throws Exception {
        var format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader in = Files.newBufferedReader(dir.resolve(name), StandardCharsets.UTF_8)) {
            return new ArrayList<>(format.parse(in).getRecords());
        }
    }

    @Test
    void should_add_basket_lines_and_leave_out_events_when_asked_for_benchmark_data() throws Exception {
        var plain = tmp.resolve("plain");
        var big = tmp.resolve("big");
        assertThat(rapport("generate", "-n", "300", "-q", "--out", plain.toString())).isZero();
        assertThat(rapport("generate", "-n", "300", "-q", "--extra-lines", "2.0", "--no-events", "--out", big.toString()))
                .isZero();
        long plainLines = Files.readAllLines(plain.resolve("orders.csv")).size();
        long bigLines = Files.readAllLines(big.resolve("orders.csv")).size();
        assertThat(bigLines).isGreaterThan(plainLines * 2);
        assertThat(Files.size(big.resolve("events.jsonl"))).isZero();
        assertThat(Files.readString(big.resolve("customers.csv"))).isEqualTo(Files.readString(plain.resolve("customers.csv")));

        assertThat(rapport("generate", "-n", "10", "--extra-lines", "21", "--out", tmp.resolve("bad").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--extra-lines must be between 0 and 20");
    }
}
