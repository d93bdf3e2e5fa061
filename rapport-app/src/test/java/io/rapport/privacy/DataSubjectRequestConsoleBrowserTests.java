package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The data-subject request pages in a real headless Chromium: list with deadlines, verify, carry out, reject. */
abstract class DataSubjectRequestConsoleBrowserTests extends BrowserTest {

    long customer() {
        String email = "dsr." + source + "@example.com";
        JsonNode job = importFile("customers", "native", "c.csv",
                ("customer_id,name,email,registered_at\nD-" + source + ",Console Person," + email
                        + ",2024-01-01T00:00:00Z\n").getBytes(StandardCharsets.UTF_8)).json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
        return admin().get("/api/v1/customers?q=" + email).json().get("hits").get(0).get("id").asLong();
    }

    long request(long customer, String type, String regime, Instant receivedAt) {
        var created = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", customer, "type", type,
                "regime", regime, "requestedVia", "web form", "receivedAt", receivedAt.toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    JsonNode api(long id) {
        return admin().get("/api/v1/privacy/requests/" + id).json();
    }

    @Test
    void should_verify_and_carry_out_a_request_from_its_page_with_the_report_the_api_gives() {
        long customer = customer();
        long id = request(customer, "access", "gdpr", Instant.now());
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/privacy/requests?lang=en");
        browser.find("#request-" + id + " a").click();
        browser.await(d -> browser.path().startsWith("/privacy/requests/" + id));
        assertThat(browser.find("#request-status").getText()).isEqualTo("received");
        assertThat(browser.has("#complete")).as("nothing is carried out before verification").isFalse();

        browser.find("#verify-method").sendKeys("one-time code sent to the email on file");
        browser.find("#verify").click();
        browser.awaitText("#request-status", "verified");
        assertThat(api(id).get("status").asString()).isEqualTo("VERIFIED");
        assertThat(api(id).get("verification").asString()).isEqualTo("one-time code sent to the email on file");
        assertThat(api(id).get("verifiedBy").asString()).isEqualTo("admin");

        browser.find("#complete").click();
        browser.awaitText("#request-status", "completed");
        JsonNode done = api(id);
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(browser.findAll("#report-steps .report-step")).hasSize(done.get("outcome").size()).isNotEmpty();
        for (JsonNode step : done.get("outcome")) {
            assertThat(browser.find("#report-steps").getText()).contains(step.get("category").asString());
        }
        assertThat(browser.has("#request-actions")).as("a closed request offers no more steps").isFalse();
        var summary = browser.fetch("/privacy/requests/" + id + "/summary.txt");
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body()).contains("customer #" + customer, "Console Person");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("SEVERE") || m.contains("Content Security"));
    }

    @Test
    void should_highlight_a_request_past_its_deadline_in_both_languages() {
        long customer = customer();
        long late = request(customer, "restriction", "ccpa", Instant.now().minus(Duration.ofDays(60)));
        long onTime = request(customer, "objection", "pipl", Instant.now());
        assertThat(api(late).get("overdue").asBoolean()).isTrue();
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/privacy/requests?open=true&customerId=" + customer + "&lang=en");
        assertThat(browser.find("#request-" + late).getAttribute("class")).contains("overdue");
        assertThat(browser.find("#request-" + late).getText()).contains("Restriction of processing", "CCPA",
                api(late).get("dueOn").asString(), "overdue");
        assertThat(browser.find("#request-" + onTime).getAttribute("class")).doesNotContain("overdue");

        browser.open("/privacy/requests/" + late + "?lang=zh-CN");
        assertThat(browser.find("#request-overdue").getText()).isEqualTo("已逾期");
        assertThat(browser.find("#request-type").getText()).isEqualTo("限制处理");
        assertThat(browser.find("#nav-privacy-requests").getText()).isEqualTo("权利请求");
    }

    @Test
    void should_reject_with_the_reason_and_refuse_a_rejection_without_one() {
        long id = request(customer(), "erasure", "pipl", Instant.now());
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/privacy/requests/" + id + "?lang=en");

        browser.script("document.getElementById('reject-reason').removeAttribute('required')");
        browser.find("#reject").click();
        browser.await(d -> browser.has(".error"));
        assertThat(browser.find(".error").getText()).startsWith("400").contains("Say why the request is rejected");
        assertThat(api(id).get("status").asString()).isEqualTo("RECEIVED");

        browser.open("/privacy/requests/" + id + "?lang=en");
        browser.find("#reject-reason").sendKeys("the requester could not show who they are");
        browser.find("#reject").click();
        browser.awaitText("#request-status", "rejected");
        assertThat(browser.find("#request-rejection").getText()).isEqualTo("the requester could not show who they are");
        assertThat(api(id).get("rejection").asString()).isEqualTo("the requester could not show who they are");
    }

    @Test
    void should_extend_a_gdpr_deadline_from_the_page_and_offer_no_extension_under_pipl() {
        long customer = customer();
        long gdpr = request(customer, "erasure", "gdpr", Instant.now());
        long pipl = request(customer, "access", "pipl", Instant.now());
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/privacy/requests/" + gdpr + "?lang=en");
        String due = browser.find("#request-due").getText();
        browser.find("#extend-reason").sendKeys("the erasure touches archived order records");
        browser.find("#extend").click();
        browser.await(d -> browser.has("#request-extension"));
        JsonNode extended = api(gdpr);
        assertThat(browser.find("#request-due").getText()).isEqualTo(extended.get("dueOn").asString())
                .isEqualTo(java.time.LocalDate.parse(due).plusMonths(2).toString());
        assertThat(browser.find("#request-extension").getText()).contains(due, "the erasure touches archived order records");
        assertThat(browser.has("#extend")).as("only one extension").isFalse();

        browser.open("/privacy/requests/" + pipl + "?lang=zh-CN");
        assertThat(browser.has("#extend")).isFalse();
        assertThat(browser.find("#no-extension").getText()).contains("PIPL");
    }
}

@OnH2
class DataSubjectRequestConsoleBrowserOnH2Test extends DataSubjectRequestConsoleBrowserTests {}

@OnPostgres
class DataSubjectRequestConsoleBrowserOnPostgresTest extends DataSubjectRequestConsoleBrowserTests {}
