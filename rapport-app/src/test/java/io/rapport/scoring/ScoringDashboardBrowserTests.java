package io.rapport.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The dashboard and the Scores card in a real, headless Chromium. */
// Scoring reads every customer in the database: these classes get a database of their own (a separate Spring
// context) so that what other test classes imported cannot change the fitted models they check.
@org.springframework.test.context.TestPropertySource(properties = "rapport.test.context=scoring")
abstract class ScoringDashboardBrowserTests extends BrowserTest {

    static final List<String> CHARTS = List.of("chart-rfm", "chart-lifecycle", "chart-tiers", "chart-pareto",
            "chart-clv", "chart-churn", "chart-cohorts");

    long importCustomers() {
        StringBuilder csv = new StringBuilder(ScoringTests.ORDERS);
        for (int c = 0; c < 30; c++) {
            int days = c % 3 == 0 ? 1 : c % 3 == 1 ? 3 : 12;
            for (int d = 0; d < days; d++) {
                csv.append(ScoringTests.order(source + "-" + c + "-" + d, "b" + c + "." + source + "@example.com",
                        LocalDate.of(2024, 2, 1).plusDays(c * 3L + d * (c % 3 == 1 ? 20L : 45L)), 80 + 10 * c));
            }
        }
        JsonNode job = importFile("orders", "native", "orders.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
        return admin().get("/api/v1/customers?q=b2." + source + "@example.com").json().get("hits").get(0).get("id")
                .asLong();
    }

    @Test
    void should_draw_every_dashboard_chart_after_a_run_without_script_errors() {
        importCustomers();
        var run = admin().postJson("/api/v1/scoring/runs?wait=true", "");
        assertThat(run.json().get("status").asString()).as(run.body()).isEqualTo("done");
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/dashboard?lang=en");

        browser.await(d -> browser.find("#dashboard").getAttribute("data-rendered") != null);
        for (String chart : CHARTS) {
            assertThat(browser.findAll("#" + chart + " canvas")).as(chart).isNotEmpty();
        }
        assertThat(browser.find("#scored-customers").getText()).isNotEqualTo("0");
        assertThat(browser.consoleMessages()).as("browser console").noneMatch(m -> m.contains("SEVERE")
                || m.contains("Error") || m.contains("Content Security Policy"));
    }

    @Test
    void should_run_scoring_from_the_button_and_show_its_progress_until_done() {
        importCustomers();
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/dashboard?lang=en");

        String before = browser.find("#run-status").getAttribute("data-run-id");

        browser.find("#run-scoring").click();

        // the page may already show an earlier run as done: wait for the new run's status to be swapped in
        browser.await(d -> !before.equals(browser.find("#run-status").getAttribute("data-run-id"))
                && browser.find("#run-state").getText().equals("done"));
        assertThat(browser.find("#run-progress").getText()).startsWith("100%");
        browser.await(d -> browser.find("#dashboard").getAttribute("data-rendered") != null);
        assertThat(browser.findAll("#chart-rfm canvas")).isNotEmpty();
    }

    @Test
    void should_show_the_current_scores_and_reasons_on_the_customer_page_in_chinese_too() {
        long id = importCustomers();
        admin().postJson("/api/v1/scoring/runs?wait=true&asOf=2027-01-01", "");
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/customers/" + id + "?lang=zh-CN");

        browser.awaitVisible("#score-stage");
        assertThat(browser.find("#scores-card h2").getText()).isNotBlank();
        assertThat(browser.find("#score-stage").getText()).isIn("潜在", "新客", "活跃", "沉睡", "流失");
        // the reasons in the viewer's language, from their codes (i18n/scoring_zh_CN.properties)
        assertThat(browser.find("#score-reasons").getText()).contains("未购买").doesNotContain("purchase", "scoring.reason");
        browser.open("/dashboard");
        assertThat(browser.find("h1").getText()).isEqualTo("仪表盘");
        assertThat(browser.find("#nav-dashboard").getText()).isEqualTo("仪表盘");
    }

    @Test
    void should_hide_the_run_button_from_a_marketer() {
        browser.signIn("admin", ADMIN_PASSWORD);
        String name = "m" + source.substring(1, 9);
        admin().postJson("/api/v1/users", java.util.Map.of("username", name, "password", "password-" + name,
                "roles", List.of("marketer"), "maySeePersonalData", false));
        browser.forget(port).signIn(name, "password-" + name);

        browser.open("/dashboard");

        assertThat(browser.has("#chart-rfm")).isTrue();
        assertThat(browser.has("#run-scoring")).isFalse();
    }
}

@OnH2
class ScoringDashboardBrowserOnH2Test extends ScoringDashboardBrowserTests {}

@OnPostgres
class ScoringDashboardBrowserOnPostgresTest extends ScoringDashboardBrowserTests {}
