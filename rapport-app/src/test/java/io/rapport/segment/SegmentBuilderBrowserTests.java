package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The segment builder in a real, headless Chromium: build a nested segment by clicking, watch the count, save. */
@TestPropertySource(properties = "rapport.test.context=segment")
abstract class SegmentBuilderBrowserTests extends BrowserTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    DSLContext db;

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

    @Test
    void should_chart_a_segments_size_over_time_with_one_point_per_recorded_day() {
        importData();
        String tree = "{\"all\":[{\"field\":\"profile.city\",\"op\":\"eq\",\"value\":\"" + source + "\"}]}";
        JsonNode saved = admin().postJson("/api/v1/segments", java.util.Map.of("name", "sized " + source,
                "definition", JSON.readTree(tree))).json();
        long id = saved.get("id").asLong();
        // four earlier days of history (the nightly job writes one row a day; today's row exists since saving)
        java.time.LocalDate today = admin().get("/api/v1/segments/" + id + "/sizes").json().get(0).get("day").asString()
                .transform(java.time.LocalDate::parse);
        for (int d = 1; d <= 4; d++) {
            db.insertInto(SegmentTables.SIZE_DAY, SegmentTables.SZ_SEGMENT, SegmentTables.SZ_DAY, SegmentTables.SZ_SIZE,
                    SegmentTables.SZ_ENTRIES, SegmentTables.SZ_EXITS).values(id, today.minusDays(d), (long) d, 1L, 0L)
                    .execute();
        }
        int points = admin().get("/api/v1/segments/" + id + "/sizes").json().size();
        assertThat(points).isEqualTo(5);

        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/segments/" + id + "?lang=zh-CN");
        browser.await(d -> browser.has("#chart-sizes[data-points]"));
        assertThat(browser.findAll("#chart-sizes canvas")).isNotEmpty();
        assertThat(((Number) browser.script("return echarts.getInstanceByDom(document.getElementById('chart-sizes'))"
                + ".getOption().series[0].data.length;")).intValue()).isEqualTo(points);
        assertThat(browser.script("return echarts.getInstanceByDom(document.getElementById('chart-sizes'))"
                + ".getOption().series.map(function (s) { return s.name; }).join(',');")).isEqualTo("人数,进入,退出");
        assertThat(browser.findAll("#size-history tr")).hasSize(points + 1);
        assertThat(browser.consoleMessages()).as("browser console").noneMatch(m -> m.contains("SEVERE")
                || m.contains("Content Security Policy"));
    }

    @Test
    void should_build_an_absence_within_a_days_ago_window_by_clicking_and_match_the_api_count() {
        importData();
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/segments/new?lang=en");
        browser.find("#builder .seg-group .seg-add-condition").click();
        new Select(browser.find("#builder .seg-condition .seg-field")).selectByValue("profile.city");
        new Select(browser.find("#builder .seg-condition .seg-op")).selectByValue("eq");
        browser.find("#builder .seg-condition .seg-value").sendKeys(source);

        // no purchase between 1 and 10 days ago: b0..b2 bought 3 and 4 days ago, b3..b5 never
        browser.find("#builder .seg-group > .seg-add-condition").click();
        String second = "#builder .seg-items > .seg-condition:nth-child(2)";
        new Select(browser.find(second + " .seg-field")).selectByValue("behaviour.purchases");
        new Select(browser.find(second + " .seg-window-kind")).selectByValue("days_ago_between");
        WebElement from = browser.find(second + " .seg-window[data-part=from]");
        from.clear();
        from.sendKeys("1");
        WebElement to = browser.find(second + " .seg-window[data-part=to]");
        to.clear();
        to.sendKeys("10");
        new Select(browser.find(second + " .seg-op")).selectByValue("eq");
        browser.find(second + " .seg-value").sendKeys("0");

        String tree = "{\"all\":[{\"field\":\"profile.city\",\"op\":\"eq\",\"value\":\"" + source + "\"},"
                + "{\"field\":\"behaviour.purchases\",\"op\":\"eq\",\"window\":{\"days_ago_between\":[1,10]},"
                + "\"value\":0}]}";
        browser.await(d -> tree.equals(browser.find("#definition").getAttribute("value")));
        long expected = admin().postJson("/api/v1/segments/preview", tree).json().get("count").asLong();
        assertThat(expected).isEqualTo(3);
        browser.awaitText("#count", Long.toString(expected));

        // every window kind the API accepts is offered, and each gives a count, not a problem
        assertThat(new Select(browser.find(second + " .seg-window-kind")).getOptions()).extracting(o -> o.getAttribute("value"))
                .containsExactly("in_last_days", "days_ago_between", "between", "anniversary");
        new Select(browser.find(second + " .seg-window-kind")).selectByValue("anniversary");
        browser.await(d -> browser.find("#definition").getAttribute("value")
                .contains("{\"anniversary\":{\"months\":12,\"in_next_days\":7}}"));
        String anniversary = browser.find("#definition").getAttribute("value");
        browser.awaitText("#count", Long.toString(admin().postJson("/api/v1/segments/preview", anniversary).json()
                .get("count").asLong()));
        new Select(browser.find(second + " .seg-per")).selectByValue("sku");
        browser.await(d -> browser.find("#definition").getAttribute("value").contains("\"per\":\"sku\""));
        assertThat(browser.has("#count-problem")).isFalse();
        assertThat(browser.consoleMessages()).as("browser console").noneMatch(m -> m.contains("SEVERE"));
    }
}

@OnH2
class SegmentBuilderOnH2BrowserTest extends SegmentBuilderBrowserTests {}

@OnPostgres
class SegmentBuilderOnPostgresBrowserTest extends SegmentBuilderBrowserTests {}
