package io.rapport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.churn.TrainedChurnModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code rapport churn train} and {@code rapport churn evaluate} on the telco table and on transactions. */
class ChurnCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private final CliRun cli = new CliRun();

    private JsonNode json() {
        return JSON.readTree(cli.out());
    }

    @Test
    void should_train_on_the_telco_table_reach_the_issues_auc_and_save_a_model_that_evaluates_the_same() throws IOException {
        Path telco = CliRun.sharedData("telco_customer_churn.csv");
        Path model = tmp.resolve("telco.model");

        int exit = cli.rapport("churn", "train", telco.toString(), "--label-col", "Churn", "--id-col", "customerID",
                "--model", model.toString(), "--json");

        assertThat(exit).as(cli.err()).isZero();
        JsonNode trained = json();
        System.out.println("churn train telco: " + trained);
        assertThat(trained.get("customers").asInt()).isEqualTo(7043);
        assertThat(trained.get("evaluated").asInt()).isEqualTo(7043 - trained.get("trainedOn").asInt());
        assertThat(trained.get("evaluated").asInt()).isBetween(1755, 1765);
        assertThat(trained.get("auc").asDouble()).isGreaterThanOrEqualTo(0.84);
        assertThat(trained.get("baselineAuc").asDouble()).isGreaterThan(0.8);
        assertThat(trained.get("calibration")).hasSize(10);
        try (var loaded = TrainedChurnModel.fromBytes(Files.readAllBytes(model))) {
            assertThat(loaded.features()).extracting(f -> f.group()).contains("Contract", "tenure")
                    .doesNotContain("customerID", "Churn");
        }

        var evaluate = new CliRun();
        exit = evaluate.rapport("churn", "evaluate", telco.toString(), "--label-col", "Churn", "--id-col", "customerID",
                "--model", model.toString(), "--json");
        assertThat(exit).as(evaluate.err()).isZero();
        JsonNode all = JSON.readTree(evaluate.out());
        assertThat(all.get("evaluated").asInt()).isEqualTo(7043);
        // on every row, three quarters of which it was trained on, it ranks better than on the held-out quarter
        assertThat(all.get("auc").asDouble()).isGreaterThan(trained.get("auc").asDouble());
    }

    @Test
    void should_train_on_transactions_with_the_time_split_and_evaluate_a_later_period() throws IOException {
        var bench = new CliRun();
        assertThat(bench.rapport("bench", "--customers", "3000", "--no-duckdb", "--quiet", "--out", tmp.toString()))
                .as(bench.err()).isZero();
        Path transactions = tmp.resolve(BenchCommand.FILE);
        Path model = tmp.resolve("orders.model");
        String header = Files.readAllLines(transactions).get(0);
        System.out.println("bench header: " + header);

        int exit = cli.rapport("churn", "train", transactions.toString(), "--model", model.toString(), "--json",
                "--as-of", "2025-10-31");

        assertThat(exit).as(cli.err()).isZero();
        JsonNode trained = json();
        System.out.println("churn train transactions: " + trained);
        assertThat(trained.get("cutoff").asString()).isEqualTo("2025-05-04");
        assertThat(trained.get("auc").asDouble()).isGreaterThan(0.7);
        assertThat(Files.size(model)).isPositive();

        var later = new CliRun();
        exit = later.rapport("churn", "evaluate", transactions.toString(), "--model", model.toString(), "--json",
                "--horizon", "180");
        assertThat(exit).as(later.err()).isZero();
        JsonNode evaluated = JSON.readTree(later.out());
        System.out.println("churn evaluate later period: " + evaluated);
        assertThat(evaluated.get("auc").asDouble()).isGreaterThan(0.7);
    }

    @Test
    void should_say_clearly_what_is_wrong() throws IOException {
        Path telco = CliRun.sharedData("telco_customer_churn.csv");
        assertThat(cli.rapport("churn", "train", telco.toString(), "--label-col", "Churned", "--model",
                tmp.resolve("m").toString())).isEqualTo(1);
        assertThat(cli.err()).contains("no column 'Churned' (--label-col)", "Churn, Contract");

        var missing = new CliRun();
        assertThat(missing.rapport("churn", "evaluate", telco.toString(), "--label-col", "Churn", "--model",
                tmp.resolve("none.model").toString())).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read", "none.model", "no such file");

        Path notAModel = Files.writeString(tmp.resolve("bad.model"), "hello");
        var bad = new CliRun();
        assertThat(bad.rapport("churn", "evaluate", telco.toString(), "--label-col", "Churn", "--model",
                notAModel.toString())).isEqualTo(1);
        assertThat(bad.err()).contains("bad.model", "not a").doesNotContain("Exception");

        Path tiny = Files.writeString(tmp.resolve("tiny.csv"), "customer_id,ordered_at,amount\n1,2024-01-01,10\n2,2024-01-02,5\n");
        var few = new CliRun();
        assertThat(few.rapport("churn", "train", tiny.toString(), "--model", tmp.resolve("t.model").toString())).isEqualTo(1);
        assertThat(few.err()).contains("too little history");

        var usage = new CliRun();
        assertThat(usage.rapport("churn", "train", tiny.toString(), "--model", "x", "--kind", "forest")).isEqualTo(2);
        assertThat(usage.err()).contains("--kind must be trees or logistic");
    }
}
