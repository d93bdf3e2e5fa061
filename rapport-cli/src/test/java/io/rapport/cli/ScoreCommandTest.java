package io.rapport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {

    @TempDir
    static Path shared;

    /** 2,000 demo customers written by `rapport bench` (fast path, with churn reasons as `score`), scored once for all tests. */
    static Path transactions;

    @TempDir
    Path tmp;

    private final CliRun cli = new CliRun();

    @BeforeAll
    static void benchData() {
        var run = new CliRun();
        int exit = run.rapport("bench", "--customers", "2000", "--no-duckdb", "--quiet", "--churn-reasons", "--out",
                shared.toString());
        assertThat(exit).as(run.err()).isZero();
        transactions = shared.resolve(BenchCommand.FILE);
    }

    @Test
    void should_write_one_row_of_finite_scores_per_customer() throws IOException {
        var out = tmp.resolve("scores.csv");
        int exit = cli.rapport("score", transactions.toString(), "--out", out.toString(), "--quiet");

        assertThat(exit).as(cli.err()).isZero();
        var rows = rows(out);
        var customers = Files.readAllLines(transactions).stream().skip(1).map(l -> l.split(",")[1]).distinct().count();
        assertThat(rows).hasSize((int) customers);
        var segments = Set.of("champions", "loyal", "potential_loyalists", "new_customers", "promising", "need_attention",
                "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost");
        for (var r : rows) {
            assertThat(segments).contains(r.get("segment"));
            assertThat(r.get("rfm_cell")).isEqualTo(r.get("r_score") + r.get("f_score") + r.get("m_score"));
            double alive = Double.parseDouble(r.get("p_alive"));
            double within = Double.parseDouble(r.get("p_purchase_within"));
            assertThat(alive).isBetween(0.0, 1.0);
            assertThat(within).isBetween(0.0, alive);
            assertThat(Double.parseDouble(r.get("clv"))).isFinite().isNotNegative();
            assertThat(Double.parseDouble(r.get("expected_purchases"))).isFinite().isNotNegative();
            assertThat(r.get("spend_tier")).isIn("black", "gold", "silver");
            assertThat(Double.parseDouble(r.get("churn_risk"))).isBetween(0.0, 1.0);
        }
        long reasons = rows.stream().filter(r -> !r.get("churn_reason").isEmpty()).count();
        assertThat(reasons).as("customers with a top churn reason").isGreaterThan(rows.size() / 2);
        long top = rows.stream().filter(r -> r.get("top_20_percent").equals("true")).count();
        assertThat(top).isBetween((long) (0.19 * rows.size()), (long) (0.25 * rows.size()));
        assertThat(cli.out()).contains("BG/NBD (weeks)", "Gamma-Gamma", "churn             XGBoost on",
                "customers scored, each with its top reason (SHAP)");
    }

    @Test
    void should_give_the_same_scores_through_the_general_parser_as_the_bench_fast_path() throws IOException {
        var out = tmp.resolve("scores.csv");
        int exit = cli.rapport("score", transactions.toString(), "--out", out.toString(), "--quiet");

        assertThat(exit).as(cli.err()).isZero();
        assertThat(Files.readString(out)).isEqualTo(Files.readString(shared.resolve("scores.csv")));
    }

    @Test
    void should_score_the_uci_online_retail_log_skipping_guest_rows() throws IOException {
        var out = tmp.resolve("uci.csv");
        // In days: in weeks the simplex drives BG/NBD's a to the boundary (the likelihood is flat near a = 0), which is reported as non-convergence.
        int exit = cli.rapport("score", CliRun.sharedData("online_retail_full.csv.gz").toString(), "--period", "days",
                "--customer-col", "CustomerID", "--date-col", "InvoiceDate", "--date-format", "yyyy-MM-dd HH:mm:ss",
                "--amount-expr", "qty*price", "--quantity-col", "Quantity", "--price-col", "UnitPrice",
                "--out", out.toString(), "--quiet");

        assertThat(exit).as(cli.err()).isZero();
        // 541,909 rows, of which 135,080 have no CustomerID; 4,372 customers (Chen et al. 2012 report 4,372 too).
        assertThat(cli.out()).contains("541,909", "135,080 skipped");
        var rows = rows(out);
        assertThat(rows).hasSize(4372);
        assertThat(rows.stream().map(r -> r.get("customer_id"))).contains("17850", "12346").noneMatch(id -> id.endsWith(".0"));
    }

    @Test
    void should_leave_churn_risk_empty_and_say_why_when_the_history_is_shorter_than_the_churn_window() throws IOException {
        var out = tmp.resolve("scores.csv");
        // the demo data cover three years: a 2,000-day window leaves no earlier cutoff to learn from
        int exit = cli.rapport("score", transactions.toString(), "--out", out.toString(), "--quiet", "--churn-window", "2000");

        assertThat(exit).as(cli.err()).isZero();
        assertThat(cli.out()).contains("no churn_risk: too little history to train the churn model: the history starts");
        assertThat(rows(out)).allSatisfy(r -> {
            assertThat(r.get("churn_risk")).isEmpty();
            assertThat(r.get("churn_reason")).isEmpty();
            assertThat(r.get("p_alive")).isNotEmpty();
        });
    }

    @Test
    void should_name_the_missing_column_and_list_the_header() throws IOException {
        var file = csv("customer_id,ordered_at,total\nC1,2026-01-01,10\n");
        int exit = cli.rapport("score", file.toString(), "--out", tmp.resolve("s.csv").toString(), "--quiet");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("no column 'amount' (--amount-col)", "customer_id, ordered_at, total");
    }

    @Test
    void should_name_row_column_and_value_of_a_bad_date() throws IOException {
        var file = csv("customer_id,ordered_at,amount\nC1,2026-01-01,10\nC1,2026-13-01,5\n");
        int exit = cli.rapport("score", file.toString(), "--out", tmp.resolve("s.csv").toString(), "--quiet");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("row 3, column ordered_at: '2026-13-01' is not an ISO-8601 date");
    }

    @Test
    void should_name_row_column_and_value_of_a_bad_amount() throws IOException {
        var file = csv("customer_id,ordered_at,amount\nC1,2026-01-01,ten\n");
        int exit = cli.rapport("score", file.toString(), "--out", tmp.resolve("s.csv").toString(), "--quiet");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("row 2, column amount: 'ten' is not a number");
    }

    @Test
    void should_refuse_an_empty_file_and_a_file_without_transactions() throws IOException {
        int exit = cli.rapport("score", csv("").toString(), "--out", tmp.resolve("s.csv").toString(), "--quiet");
        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("is empty");

        var blankIds = csv("customer_id,ordered_at,amount\n,2026-01-01,10\n");
        exit = cli.rapport("score", blankIds.toString(), "--out", tmp.resolve("s.csv").toString(), "--quiet");
        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("has no transactions with a customer id (1 rows have a blank customer_id)");
    }

    @Test
    void should_report_a_fit_without_repeat_purchases_as_a_failure_and_write_nothing() throws IOException {
        var file = csv("customer_id,ordered_at,amount\nC1,2026-01-01,10\nC2,2026-01-05,20\nC3,2026-02-01,5\n");
        var out = tmp.resolve("s.csv");
        int exit = cli.rapport("score", file.toString(), "--out", out.toString(), "--quiet");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("BG/NBD has no finite maximum-likelihood estimate").doesNotContain("NaN", "Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void should_treat_bad_option_values_as_usage_errors() throws IOException {
        var file = csv("customer_id,ordered_at,amount\nC1,2026-01-01,10\n");
        assertThat(cli.rapport("score", file.toString(), "--out", "s.csv", "--period", "months")).isEqualTo(2);
        assertThat(cli.err()).contains("'months' is not a period");
        assertThat(cli.rapport("score", file.toString(), "--out", "s.csv", "--amount-expr", "qty+price")).isEqualTo(2);
        assertThat(cli.err()).contains("supports only 'qty*price'");
        assertThat(cli.rapport("score", file.toString(), "--out", "s.csv", "--date-format", "yyyy-bb")).isEqualTo(2);
        assertThat(cli.err()).contains("--date-format");
        assertThat(cli.rapport("score", file.toString(), "--out", "s.csv", "--churn-window", "0")).isEqualTo(2);
        assertThat(cli.err()).contains("--churn-window must be between 1 and 3650 days, was 0");
    }

    @Test
    void should_compare_with_the_holdout_when_given_a_calibration_end() throws IOException {
        var out = tmp.resolve("scores.csv");
        int exit = cli.rapport("score", transactions.toString(), "--out", out.toString(), "--quiet",
                "--calibration-end", "2026-04-30", "--observation-end", "2026-10-31");

        assertThat(exit).as(cli.err()).isZero();
        assertThat(cli.out()).contains("holdout           2026-05-01 to 2026-10-31", "actual", "predicted");
        assertThat(rows(out).getFirst().isMapped("holdout_purchases")).isTrue();
    }

    private Path csv(String content) throws IOException {
        var file = Files.createTempFile(tmp, "tx", ".csv");
        Files.writeString(file, content);
        return file;
    }

    static List<CSVRecord> rows(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }
}
