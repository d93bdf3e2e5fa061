package io.rapport.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.analytics.synthetic.DemoDataGenerator;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The churn model in the server on the demo brand: a run trains XGBoost on the stored behaviour with the time-based
 * split, reports its held-out evaluation, scores every buyer with it and stores SHAP reasons; a later run reuses it;
 * a run with too little history falls back to BG/NBD and says why.
 */
@org.springframework.test.context.TestPropertySource(properties = "rapport.test.context=scoring-churn")
abstract class ScoringChurnModelTests extends ServerTest {

    static final Instant END = Instant.parse("2025-01-01T00:00:00Z");
    static final String AS_OF = "2024-12-31";
    private static final Map<Class<?>, Boolean> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    Path dir;

    /** The demo brand (2,500 customers, 3 years to 2025-01-01), imported once per database. */
    @BeforeEach
    void importDemoBrandOnce() throws IOException {
        if (LOADED.putIfAbsent(getClass(), true) == null) {
            importDemoBrand((kind, file, bytes) -> importFile(kind, "native", file, bytes).json(), dir);
        }
    }

    /** Writes the demo brand's files and imports them through the import API under the test's source. */
    interface Importer {
        JsonNode importFile(String kind, String fileName, byte[] content);
    }

    static void importDemoBrand(Importer importer, Path dir) throws IOException {
        DemoDataFiles.write(new DemoDataGenerator(20250101L, 2_500, END, 3), dir);
        for (var file : List.of(List.of("stores", DemoDataFiles.STORES), List.of("products", DemoDataFiles.PRODUCTS),
                List.of("customers", DemoDataFiles.CUSTOMERS), List.of("orders", DemoDataFiles.ORDERS),
                List.of("events", DemoDataFiles.EVENTS))) {
            JsonNode job = importer.importFile(file.get(0), file.get(1), Files.readAllBytes(dir.resolve(file.get(1))));
            assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("done");
        }
    }

    JsonNode run(String asOf) {
        var response = admin().postJson("/api/v1/scoring/runs?wait=true&asOf=" + asOf, "");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode run = response.json();
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("done");
        return run;
    }

    @Test
    void should_train_the_churn_model_on_the_time_split_report_its_auc_and_score_every_buyer_with_it() {
        JsonNode run = run(AS_OF);

        assertThat(run.get("churnSource").asString()).isEqualTo("model");
        JsonNode churn = run.get("parameters").get("churn");
        System.out.printf(Locale.ROOT, "server churn model: %s%n", churn);
        assertThat(churn.get("source").asString()).isEqualTo("model");
        assertThat(churn.get("cutoff").asString()).isEqualTo("2024-07-04");
        assertThat(churn.get("horizonDays").asInt()).isEqualTo(180);
        assertThat(churn.get("auc").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(churn.get("prAuc").asDouble()).isBetween(0.0, 1.0);
        long modelId = churn.get("modelId").asLong();
        assertThat(run.get("churnModelId").asLong()).isEqualTo(modelId);
        assertThat(db.fetchCount(table("scoring_churn_model"), field("id").eq(modelId))).isEqualTo(1);

        // every buyer scored by the model: risk from the model (not BG/NBD's 1 − P(purchase in 180 days)), reasons
        long buyers = db.fetchCount(table("scoring_current"), field("purchase_days").gt(0));
        long scored = db.fetchCount(table("scoring_current"), field("churn_risk").isNotNull());
        assertThat(scored).isEqualTo(buyers).isPositive();
        JsonNode dashboard = admin().get("/api/v1/scoring/dashboard").json();
        JsonNode model = dashboard.get("churnModel");
        assertThat(model.get("auc").asDouble()).isEqualTo(churn.get("auc").asDouble());
        assertThat(model.get("calibration")).hasSize(10);
        assertThat(model.get("heldOut").asInt() + model.get("trainedOn").asInt())
                .isEqualTo(model.get("cohortCustomers").asInt());

        List<Long> customers = db.select(field("customer_id", Long.class)).from(table("scoring_current"))
                .where(field("reasons").isNotNull()).orderBy(field("churn_risk").desc()).limit(5).fetch(r -> r.value1());
        assertThat(customers).hasSize(5);
        Properties en = bundle("i18n/scoring.properties");
        for (long id : customers) {
            JsonNode score = admin().get("/api/v1/customers/" + id + "/scores").json().get("current");
            assertThat(score.get("churnRisk").asDouble()).isGreaterThan(0.5);
            assertThat(score.get("reasonCodes")).isNotEmpty();
            for (JsonNode reason : score.get("reasonCodes")) {
                String code = reason.get("code").asString();
                assertThat(code).doesNotStartWith("rule.");
                assertThat(en).as(code).containsKey("scoring.reason." + code);
                assertThat(reason.get("text").asString()).doesNotContain("{", "}", "NaN");
            }
        }
        String card = admin().getPage("/customers/" + customers.get(0) + "/scores-card?lang=zh-CN").body();
        assertThat(card).contains("风险原因", "来自流失模型");
    }

    @Test
    void should_reuse_a_recent_model_and_say_so() {
        JsonNode first = run(AS_OF);
        JsonNode second = run(AS_OF);
        assertThat(second.get("parameters").get("churn").get("trainedInThisRun").asBoolean()).isFalse();
        assertThat(second.get("churnModelId").asLong()).isEqualTo(first.get("churnModelId").asLong());
    }

    @Test
    void should_fall_back_to_bg_nbd_and_say_why_when_the_history_is_too_short() {
        // the demo brand's first purchases are three years before its end: 100 days in, no one can be labelled yet
        JsonNode run = run("2022-04-15");

        assertThat(run.get("churnSource").asString()).isEqualTo("fallback");
        assertThat(run.get("churnNote").asString()).contains("too little history");
        assertThat(run.get("parameters").get("churn").get("note").asString()).contains("too little history");
        String page = admin().getPage("/dashboard?lang=en").body();
        assertThat(page).contains("id=\"churn-model-fallback\"", "too little history");
    }

    private static Properties bundle(String path) {
        var properties = new Properties();
        try (var in = ScoringChurnModelTests.class.getClassLoader().getResourceAsStream(path)) {
            properties.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }
}

@OnH2
class ScoringChurnModelOnH2Test extends ScoringChurnModelTests {}

@OnPostgres
class ScoringChurnModelOnPostgresTest extends ScoringChurnModelTests {}
