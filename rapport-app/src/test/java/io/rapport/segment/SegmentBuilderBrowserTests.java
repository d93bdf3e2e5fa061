package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The segment builder in a real, headless Chromium: build a nested segment by clicking, watch the count, save. */
@TestPropertySource(properties = "rapport.test.context=segment")
abstract class SegmentBuilderBrowserTests extends BrowserTest {

    void importData() {
        StringBuilder customers = new StringBuilder("customer_id,name,gender,city,email\n");
        StringBuilder orders = new StringBuilder(SegmentFixtures.ORDERS);
        Instant at = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        for (int c = 0; c < 6; c++) {
            customers.append("b").append(c).append(",Name ").append(c).append(',').append(c % 2 == 0 ? "F" : "M")
                    .append(',').append(source).append(",b").append(c).append('.').append(source).append("@example.com\n");
            for (int k = 0; k < (c < 2 ? 2 : c == 2 ? 1 : 0); k++) {
                orders.append(source).append("-o").append(c).append('-').append(k).append(",1,b").append(c)
                        .append(",,,shop,,").append(at.minus(k, ChronoUnit.DAYS)).append(",SKU,1,100,0,,CNY,sale,\n");
            }
        }
        assertThat(importFile("customers", "native", "c.csv", customers.toString().getBytes(StandardCharsets.UTF_8))
                .json().get("rejected").asLong()).isZero();
        assertThat(importFile("orders", "native", "o.csv", orders.toString().getBytes(StandardCharsets.UTF_8))
                .json().get("rejected").asLong()).isZero();
    }

    @Test
    void should_build_a_nested_segment_by_clicking_show_the_api_count_and_save_it() {
        importData();
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/segments/new?lang=en");

        browser.find("#builder .seg-group .seg-add-condition").click();
        WebElement city = browser.find("#builder .seg-condition");
        new Select(city.findElement(org.openqa.selenium.By.cssSelector(".seg-field"))).selectByValue("profile.city");
        new Select(browser.find("#builder .seg-condition .seg-op")).selectByValue("eq");
        browser.find("#builder .seg-condition .seg-value").sendKeys(source);

        browser.find("#builder .seg-group > .seg-add-group").click();
        browser.find("#builder .seg-group .seg-group .seg-add-condition").click();
        String inner = "#builder .seg-group .seg-group .seg-condition";
        new Select(browser.find(inner + " .seg-field")).selectByValue("summary.order_count");
        new Select(browser.find(inner + " .seg-op")).selectByValue("ge");
        browser.find(inner + " .seg-value").sendKeys("2");

        String tree = "{\"all\":[{\"field\":\"profile.city\",\"op\":\"eq\",\"value\":\"" + source + "\"},"
                + "{\"any\":[{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":2}]}]}";
        long expected = admin().postJson("/api/v1/segments/preview", tree).json().get("count").asLong();
        assertThat(expected).isEqualTo(2);
        browser.awaitText("#count", Long.toString(expected));
        assertThat(browser.find("#definition").getAttribute("value")).isEqualTo(tree);

        browser.find("#segment-name").sendKeys("clicked " + source);
        browser.find("#save-segment").click();
        browser.await(d -> browser.path().matches("/segments/\\d+"));
        long id = Long.parseLong(browser.path().substring("/segments/".length()));
        JsonNode saved = admin().get("/api/v1/segments/" + id).json();
        assertThat(saved.get("name").asString()).isEqualTo("clicked " + source);
        assertThat(saved.get("size").asLong()).isEqualTo(expected);
        assertThat(saved.get("definition").toString()).isEqualTo(tree);
        browser.awaitText("#count", Long.toString(expected)); // the saved tree opens in the builder again
        assertThat(browser.consoleMessages()).as("browser console").noneMatch(m -> m.contains("SEVERE")
                || m.contains("Content Security Policy"));

        browser.open("/segments?lang=zh-CN");
        assertThat(browser.find("h1").getText()).isEqualTo("客户分群");
        assertThat(browser.find("#segment-table").getText()).contains("clicked " + source);
    }

    @Test
    void should_show_a_problem_naming_the_path_instead_of_a_count_for_a_bad_value() {
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/segments/new?lang=en");
        browser.find("#builder .seg-group .seg-add-condition").click();
        new Select(browser.find("#builder .seg-condition .seg-field")).selectByValue("summary.last_purchase_at");
        new Select(browser.find("#builder .seg-condition .seg-op")).selectByValue("in_last_days");
        browser.await(d -> browser.has("#count-problem"));
        assertThat(browser.find("#count-problem").getText()).contains("$.all[0].value");
    }
}

@OnH2
class SegmentBuilderOnH2BrowserTest extends SegmentBuilderBrowserTests {}

@OnPostgres
class SegmentBuilderOnPostgresBrowserTest extends SegmentBuilderBrowserTests {}
