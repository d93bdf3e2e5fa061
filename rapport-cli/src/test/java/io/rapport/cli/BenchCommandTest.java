package io.rapport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny runs only: the benchmark's numbers are measured by hand and kept in docs/benchmarks.md. */
class BenchCommandTest {

    @TempDir
    Path tmp;

    private final CliRun cli = new CliRun();

    @Test
    void should_time_every_step_and_agree_with_duckdb_on_the_rfm_inputs() throws IOException {
        int exit = cli.rapport("bench", "--customers", "2000", "--out", tmp.toString(), "--quiet");

        assertThat(exit).as(cli.err()).isZero();
        assertThat(cli.out()).contains("Generated 2,000 customers", "parse CSV (fast)", "summaries", "rfm", "bg/nbd fit",
                "gamma-gamma fit", "predictions", "churn train", "churn scoring", "write scores CSV", "total", "peak heap", "DuckDB", "same as Rapport");
        assertThat(Files.lines(tmp.resolve(BenchCommand.FILE)).count()).isGreaterThan(2000 * 8);
        assertThat(Files.exists(tmp.resolve("scores.csv"))).isTrue();
    }

    @Test
    void should_train_the_churn_model_and_give_every_buyer_a_churn_risk_between_0_and_1() throws IOException {
        int exit = cli.rapport("bench", "--customers", "2000", "--out", tmp.toString(), "--quiet", "--no-duckdb",
                "--churn-reasons");

        assertThat(exit).as(cli.err()).isZero();
        assertThat(cli.out()).containsPattern("churn train +[0-9.]+ s .*XGBoost on [0-9,]+ of the [0-9,]+ customers who had bought by")
                .containsPattern("churn scoring +[0-9.]+ s .* customers, P\\(churn\\) and top reason \\(SHAP\\)");
        var rows = ScoreCommandTest.rows(tmp.resolve("scores.csv"));
        assertThat(rows).isNotEmpty();
        int explained = 0;
        for (var r : rows) {
            // the generated customers in the file all bought something, so each has a risk
            double risk = Double.parseDouble(r.get("churn_risk"));
            assertThat(risk).as(r.get("customer_id")).isBetween(0.0, 1.0);
            explained += r.get("churn_reason").isEmpty() ? 0 : 1;
        }
        assertThat(explained).as("customers with a top reason").isGreaterThan(rows.size() / 2);
        assertThat(rows.stream().mapToDouble(r -> Double.parseDouble(r.get("churn_risk"))).distinct().count())
                .as("distinct risks").isGreaterThan(100);
    }

    @Test
    void should_score_churn_risk_without_reasons_by_default() throws IOException {
        int exit = cli.rapport("bench", "--customers", "2000", "--out", tmp.toString(), "--quiet", "--no-duckdb");

        assertThat(exit).as(cli.err()).isZero();
        assertThat(cli.out()).contains("P(churn) only");
        var rows = ScoreCommandTest.rows(tmp.resolve("scores.csv"));
        assertThat(rows).allSatisfy(r -> {
            assertThat(Double.parseDouble(r.get("churn_risk"))).isBetween(0.0, 1.0);
            assertThat(r.get("churn_reason")).isEmpty();
        });
    }

    @Test
    void should_bench_an_existing_file_with_the_general_parser() throws IOException {
        assertThat(cli.rapport("bench", "--customers", "2000", "--out", tmp.toString(), "--quiet", "--no-duckdb"))
                .as(cli.err()).isZero();
        var again = new CliRun();
        int exit = again.rapport("bench", "--input", tmp.resolve(BenchCommand.FILE).toString(), "--parser", "general",
                "--out", tmp.resolve("second").toString(), "--quiet", "--no-duckdb");

        assertThat(exit).as(again.err()).isZero();
        assertThat(again.out()).contains("parse CSV (general)").doesNotContain("Generated");
        assertThat(Files.readString(tmp.resolve("second/scores.csv"))).isEqualTo(Files.readString(tmp.resolve("scores.csv")));
    }

    @Test
    void should_refuse_a_file_outside_the_fast_layout_with_its_line() throws IOException {
        var file = tmp.resolve("t.csv");
        Files.writeString(file, "order_id,customer_id,ordered_at,amount\nA,C1,2026-01-01T10:00:00Z,1.5\nB,\"C2\",2026-01-02T10:00:00Z,2\n");

        int exit = cli.rapport("bench", "--input", file.toString(), "--out", tmp.toString(), "--quiet", "--no-duckdb");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("line 3: a quoted field");
    }

    @Test
    void should_reject_a_customer_count_out_of_range_as_usage() {
        assertThat(cli.rapport("bench", "--customers", "0")).isEqualTo(2);
        assertThat(cli.err()).contains("--customers must be between 1 and 9999999");
    }
}
