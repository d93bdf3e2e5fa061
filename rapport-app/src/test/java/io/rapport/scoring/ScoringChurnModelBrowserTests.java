package io.rapport.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The churn model's evaluation on the dashboard and its reasons on the 360 page, in a real headless Chromium. */
@org.springframework.test.context.TestPropertySource(properties = "rapport.test.context=scoring-churn")
abstract class ScoringChurnModelBrowserTests extends BrowserTest {

    @TempDir
    Path dir;

    @Test
    void should_show_the_models_evaluation_with_its_calibration_chart_and_its_reasons_in_chinese() throws IOException {
        ScoringChurnModelTests.importDemoBrand((kind, file, bytes) -> importFile(kind, "native", file, bytes).json(), dir);
        JsonNode run = admin().postJson("/api/v1/scoring/runs?wait=true&asOf=" + ScoringChurnModelTests.AS_OF, "").json();
        assertThat(run.get("churnSource").asString()).as(run.toString()).isEqualTo("model");
        double auc = run.get("parameters").get("churn").get("auc").asDouble();
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/dashboard?lang=en");

        browser.await(d -> browser.find("#dashboard").getAttribute("data-rendered") != null);
        assertThat(browser.find("#churn-model-used").getText()).contains("XGBoost", "180 days");
        assertThat(browser.find("#churn-auc").getText()).isEqualTo(String.format(java.util.Locale.ROOT, "%.3f", auc));
        assertThat(browser.findAll("#chart-calibration canvas")).isNotEmpty();
        assertThat(browser.consoleMessages()).as("browser console").noneMatch(m -> m.contains("SEVERE")
                || m.contains("Error") || m.contains("Content Security Policy"));

        long customer = db.select(org.jooq.impl.DSL.field("customer_id", Long.class))
                .from(org.jooq.impl.DSL.table("scoring_current"))
                .where(org.jooq.impl.DSL.field("run_id").eq(run.get("id").asLong()))
                .and(org.jooq.impl.DSL.field("reasons").isNotNull())
                .orderBy(org.jooq.impl.DSL.field("churn_risk").desc()).limit(1).fetchOne().value1();
        browser.open("/customers/" + customer + "?lang=zh-CN");
        browser.awaitVisible("#score-reasons");
        assertThat(browser.find("#score-risk-source").getText()).contains("来自流失模型");
        assertThat(browser.find("#score-reasons").getText()).doesNotContain("scoring.reason", "??");
        assertThat(browser.find("#score-reasons").getText()).containsPattern("[\\u4e00-\\u9fff]");
    }
}

@OnH2
class ScoringChurnModelBrowserOnH2Test extends ScoringChurnModelBrowserTests {}

@OnPostgres
class ScoringChurnModelBrowserOnPostgresTest extends ScoringChurnModelBrowserTests {}
