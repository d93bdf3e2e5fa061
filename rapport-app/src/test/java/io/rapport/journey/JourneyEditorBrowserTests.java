package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.channel.ChannelTestSupport;
import io.rapport.testing.BrowserTest;
import io.rapport.testing.MutableClock;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The visual journey editor in Chromium: a journey built by dragging steps from the palette, connected and edited in
 * the side panel, saved and read back through the API; the pickers, the two-dimensional flow chart and undo / redo;
 * validation problems on the offending step; a step the editor does not know kept as it is; and the uplift chart
 * drawn from the journey's data.
 */
@Import(ChannelTestSupport.Beans.class)
@TestPropertySource(properties = "rapport.test.context=journey-console")
abstract class JourneyEditorBrowserTests extends BrowserTest {

    static TestGateway gateway;

    @Autowired
    MutableClock clock;

    @DynamicPropertySource
    static void channelProperties(DynamicPropertyRegistry registry) {
        if (gateway == null) {
            gateway = TestGateway.start();
        }
        ChannelTestSupport.properties(registry, ChannelTestSupport.freePort(), gateway);
    }

    @AfterEach
    void daytime() {
        clock.set(ChannelTestSupport.DAYTIME);
    }

    /** Drags with the mouse (pointer events, as a person does): press, move a little, move to the target, release. */
    void drag(WebElement from, WebElement to, int yOffsetFromCentre) {
        new Actions(browser.driver()).clickAndHold(from).moveByOffset(10, 10)
                .moveToElement(to, 0, yOffsetFromCentre).moveByOffset(0, 1).release().perform();
    }

    /** Drops a palette entry below every step of the canvas (its bottom edge). */
    void dropAtEnd(String type) {
        dropBelowTheChart(browser.find("#je-palette-" + type));
    }

    /** Drags onto the canvas's bottom edge, below every step, scrolled into view first as a person would. */
    void dropBelowTheChart(WebElement from) {
        WebElement canvas = browser.find(".je-canvas-wrap");
        browser.script("arguments[0].scrollIntoView({block: 'end'})", canvas);
        drag(from, canvas, canvas.getSize().getHeight() / 2 - 4);
    }

    JsonNode savedDefinition(String code) {
        var journey = admin().get("/api/v1/journeys/" + code);
        assertThat(journey.status()).as(journey.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(journey.json().get("definition").asString());
    }

    List<String> stepIds(JsonNode definition) {
        List<String> ids = new ArrayList<>();
        definition.get("steps").forEach(s -> ids.add(s.get("id").asString()));
        return ids;
    }

    @Test
    void should_build_a_journey_by_dragging_steps_from_the_palette_connect_and_edit_them_and_save_it() {
        String template = source + "-hello";
        var saved = admin().putJson("/api/v1/channel/templates/" + template, Map.of("channel", "email",
                "purpose", "marketing", "variables", List.of(), "defaultLanguage", "zh-CN",
                "texts", Map.of("zh-CN", Map.of("subject", "你好", "body", "你好"))));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        String code = source + "-drag";

        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys?lang=en");
        browser.find("#new-journey").click();
        browser.awaitVisible("#journey-editor[data-ready]");
        browser.find("#journey-code").sendKeys(code);
        // the journey panel is open first: name and trigger
        browser.find("#je-field-name").sendKeys("Built by dragging");
        new Select(browser.find("#je-trigger-type")).selectByValue("event");
        // an event type typed in the picker's search can be chosen even before the platform has seen one
        browser.find("#je-trigger-event-search").sendKeys("cart_add");
        new Select(browser.find("#je-trigger-event")).selectByValue("cart_add");

        dropAtEnd("send");
        browser.awaitVisible("#je-step-send");
        new Select(browser.find("#je-field-template")).selectByValue(template);
        dropAtEnd("wait");
        browser.awaitVisible("#je-step-wait");
        browser.find("#je-field-duration").clear();
        browser.find("#je-field-duration").sendKeys("P2D");
        dropAtEnd("branch");
        browser.awaitVisible("#je-step-branch");
        dropAtEnd("exit");
        browser.awaitVisible("#je-step-exit");
        // dropped on the upper half of the first step: goes before it
        drag(browser.find("#je-palette-points"), browser.find("#je-step-send"), -8);
        browser.awaitVisible("#je-step-points");
        assertThat(browser.findAll("#je-canvas .je-step").stream().map(e -> e.getAttribute("data-id")).toList())
                .containsExactly("points", "send", "wait", "branch", "exit");
        browser.find("#je-field-points").clear();
        browser.find("#je-field-points").sendKeys("50");

        // moved with the keyboard: Alt+↓ puts the points after the message
        browser.find("#je-step-points").sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_DOWN));
        assertThat(browser.findAll("#je-canvas .je-step").stream().map(e -> e.getAttribute("data-id")).toList())
                .containsExactly("send", "points", "wait", "branch", "exit");
        // and a step dragged by its body: the exit above the branch, then back below it
        drag(browser.find("#je-step-exit"), browser.find("#je-step-branch"), -8);
        assertThat(browser.findAll("#je-canvas .je-step").stream().map(e -> e.getAttribute("data-id")).toList())
                .containsExactly("send", "points", "wait", "exit", "branch");
        dropBelowTheChart(browser.find("#je-step-exit"));
        assertThat(browser.findAll("#je-canvas .je-step").stream().map(e -> e.getAttribute("data-id")).toList())
                .containsExactly("send", "points", "wait", "branch", "exit");

        // connect: the branch's "then" dragged onto the points step, its "else" chosen in the side panel
        drag(browser.find("#je-step-branch .je-connector[data-field='then']"), browser.find("#je-step-points"), 0);
        assertThat(browser.find("#je-step-branch").getText()).contains("then → points");
        browser.find("#je-step-branch .je-id").click();
        new Select(browser.find("#je-field-else")).selectByValue("exit");
        assertThat(browser.find("#definition").getAttribute("value")).contains("\"else\": \"exit\"");
        // a field the form does not show, typed as raw JSON, is kept
        browser.find("#je-field-other").sendKeys("{\"note\": \"kept as written\"}");
        // the JSON editor follows every change
        assertThat(browser.find("#definition").getAttribute("value")).contains("\"then\": \"points\"")
                .contains("\"note\": \"kept as written\"");

        browser.find("#save-definition").click();
        browser.await(d -> browser.path().startsWith("/journeys/" + code));
        browser.awaitVisible("#saved");

        JsonNode definition = savedDefinition(code);
        assertThat(definition.get("name").asString()).isEqualTo("Built by dragging");
        assertThat(definition.get("trigger").get("type").asString()).isEqualTo("event");
        assertThat(definition.get("trigger").get("event").asString()).isEqualTo("cart_add");
        assertThat(stepIds(definition)).containsExactly("send", "points", "wait", "branch", "exit");
        JsonNode steps = definition.get("steps");
        assertThat(steps.get(0).get("template").asString()).isEqualTo(template);
        assertThat(steps.get(1).get("points").asInt()).isEqualTo(50);
        assertThat(steps.get(2).get("duration").asString()).isEqualTo("P2D");
        assertThat(steps.get(3).get("condition").get("event").asString()).isEqualTo("order");
        assertThat(steps.get(3).get("then").asString()).isEqualTo("points");
        assertThat(steps.get(3).get("else").asString()).isEqualTo("exit");
        assertThat(steps.get(3).get("note").asString()).isEqualTo("kept as written");
        assertThat(steps.get(4).get("type").asString()).isEqualTo("exit");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void should_pick_from_the_catalogues_draw_branch_arms_side_by_side_undo_and_redo_and_save() {
        String template = source + "-pick";
        var saved = admin().putJson("/api/v1/channel/templates/" + template, Map.of("channel", "email",
                "purpose", "marketing", "variables", List.of("name"), "defaultLanguage", "en",
                "texts", Map.of("en", Map.of("subject", "Hello", "body", "Hello {{name|there}}"))));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        // an event type the platform has seen: one wishlist_add event of a known customer
        String email = source + "-pick@example.com";
        assertThat(importFile("customers", "native", "p.csv", ("customer_id,name,email,time_zone\n" + source
                + "-pick,客户," + email + ",Asia/Shanghai\n").getBytes(StandardCharsets.UTF_8)).status()).isLessThan(300);
        var event = admin().postJson("/api/v1/events", Map.of("external_id", source + "-wish", "source", source,
                "type", "wishlist_add", "occurred_at", clock.instant().toString(), "email", email));
        assertThat(event.status()).as(event.body()).isEqualTo(200);
        String code = source + "-chart2d";

        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys/new?lang=en");
        browser.awaitVisible("#journey-editor[data-ready]");
        browser.find("#journey-code").sendKeys(code);
        browser.find("#je-field-name").sendKeys("Drawn in two dimensions");
        new Select(browser.find("#je-trigger-type")).selectByValue("event");
        // the event type picker: the search narrows the list to what matches, the seen type is picked from it
        browser.find("#je-trigger-event-search").sendKeys("wishl");
        List<String> offered = new Select(browser.find("#je-trigger-event")).getOptions().stream()
                .map(o -> o.getAttribute("value")).filter(v -> !v.isEmpty()).toList();
        assertThat(offered).contains("wishlist_add").allMatch(v -> v.contains("wishl"));
        new Select(browser.find("#je-trigger-event")).selectByValue("wishlist_add");

        // a branch, two messages (one per arm) and an exit, from the palette (each goes after the selected step)
        browser.find("#je-palette-branch").click();
        browser.awaitVisible("#je-step-branch");
        browser.find("#je-palette-send").click();
        browser.awaitVisible("#je-step-send");
        browser.find("#je-field-template-search").sendKeys(source + "-pi");
        new Select(browser.find("#je-field-template")).selectByValue(template);
        assertThat(browser.find("#je-template-variables").getText()).contains("name");
        browser.find("#je-palette-send").click();
        browser.awaitVisible("#je-step-send-2");
        new Select(browser.find("#je-field-template")).selectByValue(template);
        browser.find("#je-palette-exit").click();
        browser.awaitVisible("#je-step-exit");
        // the first message goes on to the exit, not to the second message below it in the list
        browser.find("#je-step-send .je-id").click();
        new Select(browser.find("#je-field-next")).selectByValue("exit");
        browser.find("#je-step-branch .je-id").click();
        new Select(browser.find("#je-field-then")).selectByValue("send");
        new Select(browser.find("#je-field-else")).selectByValue("send-2");

        // the chart: trigger above the branch, the arms side by side under it, the exit below both
        var trigger = browser.find("#je-trigger").getRect();
        var branch = browser.find("#je-step-branch").getRect();
        var then = browser.find("#je-step-send").getRect();
        var otherwise = browser.find("#je-step-send-2").getRect();
        var exit = browser.find("#je-step-exit").getRect();
        assertThat(trigger.getY() + trigger.getHeight()).isLessThan(branch.getY());
        assertThat(then.getY()).isEqualTo(otherwise.getY());
        assertThat(then.getY()).isGreaterThan(branch.getY() + branch.getHeight());
        assertThat(then.getX() + then.getWidth()).isLessThan(otherwise.getX());
        assertThat(then.getX()).isLessThan(branch.getX() + branch.getWidth() / 2);
        assertThat(otherwise.getX() + otherwise.getWidth()).isGreaterThan(branch.getX() + branch.getWidth() / 2);
        assertThat(exit.getY()).isGreaterThan(then.getY() + then.getHeight());
        // and an arrow for each connection
        assertThat(browser.has("#je-edges path[data-from='trigger'][data-to='branch']")).isTrue();
        assertThat(browser.has("#je-edges path[data-from='branch'][data-to='send'][data-field='then']")).isTrue();
        assertThat(browser.has("#je-edges path[data-from='branch'][data-to='send-2'][data-field='else']")).isTrue();
        assertThat(browser.has("#je-edges path[data-from='send'][data-to='exit']")).isTrue();
        assertThat(browser.has("#je-edges path[data-from='send-2'][data-to='exit']")).isTrue();

        // undo (button) takes back the else arm: both arms lead to the first message again, the text follows
        browser.find("#je-undo").click();
        assertThat(browser.find("#definition").getAttribute("value")).doesNotContain("\"else\"");
        assertThat(browser.has("#je-edges path[data-from='branch'][data-to='send-2']")).isFalse();
        // redo (Ctrl+Shift+Z) puts it back, and the arms are side by side again
        browser.find("#je-step-branch").sendKeys(Keys.chord(Keys.CONTROL, Keys.SHIFT, "z"));
        assertThat(browser.find("#definition").getAttribute("value")).contains("\"else\": \"send-2\"");
        assertThat(browser.find("#je-step-send").getRect().getY())
                .isEqualTo(browser.find("#je-step-send-2").getRect().getY());
        // a goal added and taken back with Ctrl+Z, then redone with the button and undone again
        browser.find("#je-palette-goal").click();
        browser.awaitVisible("#je-step-goal");
        browser.find("#je-step-goal").sendKeys(Keys.chord(Keys.CONTROL, "z"));
        assertThat(browser.has("#je-step-goal")).isFalse();
        browser.find("#je-redo").click();
        assertThat(browser.has("#je-step-goal")).isTrue();
        browser.find("#je-undo").click();
        assertThat(browser.has("#je-step-goal")).isFalse();
        assertThat(browser.find("#definition").getAttribute("value")).doesNotContain("\"goal\"");

        String sent = browser.find("#definition").getAttribute("value");
        browser.find("#save-definition").click();
        browser.await(d -> browser.path().startsWith("/journeys/" + code) || browser.has("#problems"));
        assertThat(browser.has("#problems")).as(() -> browser.find("#problems").getText() + " in " + sent).isFalse();
        browser.awaitVisible("#saved");
        JsonNode definition = savedDefinition(code);
        assertThat(definition.get("trigger").get("type").asString()).isEqualTo("event");
        assertThat(definition.get("name").asString()).isEqualTo("Drawn in two dimensions");
        assertThat(definition.get("trigger").get("event").asString()).isEqualTo("wishlist_add");
        assertThat(stepIds(definition)).containsExactly("branch", "send", "send-2", "exit");
        JsonNode steps = definition.get("steps");
        assertThat(steps.get(0).get("then").asString()).isEqualTo("send");
        assertThat(steps.get(0).get("else").asString()).isEqualTo("send-2");
        assertThat(steps.get(1).get("template").asString()).isEqualTo(template);
        assertThat(steps.get(1).get("next").asString()).isEqualTo("exit");
        assertThat(steps.get(2).get("template").asString()).isEqualTo(template);
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void should_keep_the_undo_history_of_a_journey_when_the_page_is_left_and_opened_again() {
        String code = source + "-kept";
        var saved = admin().putJson("/api/v1/journeys/" + code, JsonMapper.builder().build().readTree("""
                {"name": "kept", "trigger": {"type": "manual"}, "steps": [{"id": "exit", "type": "exit"}]}"""));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys/" + code + "?lang=en");
        browser.awaitVisible("#journey-editor[data-ready]");
        assertThat(browser.find("#je-undo").isEnabled()).as("nothing to undo yet").isFalse();
        browser.find("#je-palette-goal").click();
        browser.awaitVisible("#je-step-goal");

        // away without saving, and back: the page shows the saved version, the goal is one undo away
        browser.open("/journeys?lang=en");
        browser.open("/journeys/" + code + "?lang=en");
        browser.awaitVisible("#journey-editor[data-ready]");
        assertThat(browser.has("#je-step-goal")).isFalse();
        browser.find("#je-undo").click();
        assertThat(browser.has("#je-step-goal")).as("the unsaved change back").isTrue();
        browser.find("#je-undo").click();
        assertThat(browser.has("#je-step-goal")).isFalse();
        browser.find("#je-redo").click();
        assertThat(browser.has("#je-step-goal")).isTrue();
        assertThat(browser.find("#definition").getAttribute("value")).contains("\"goal\"");

        // another journey's page has a history of its own
        String other = source + "-other";
        assertThat(admin().putJson("/api/v1/journeys/" + other, JsonMapper.builder().build().readTree("""
                {"name": "other", "trigger": {"type": "manual"}, "steps": [{"id": "exit", "type": "exit"}]}"""))
                .status()).isEqualTo(200);
        browser.open("/journeys/" + other + "?lang=en");
        browser.awaitVisible("#journey-editor[data-ready]");
        assertThat(browser.find("#je-undo").isEnabled()).isFalse();
    }

    @Test
    void should_show_a_validation_problem_on_its_step_keep_a_step_type_it_does_not_know_and_spare_half_typed_json() {
        String code = source + "-keep";
        var saved = admin().putJson("/api/v1/journeys/" + code, JsonMapper.builder().build().readTree("""
                {"name": "keep", "trigger": {"type": "manual"}, "holdoutPercent": 0,
                 "steps": [{"id": "pause", "type": "wait", "duration": "P1D"}, {"id": "end", "type": "exit"}]}"""));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);

        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys/" + code + "?lang=zh-CN");
        browser.awaitVisible("#journey-editor[data-ready]");
        assertThat(browser.find("#je-palette-wait").getText()).isEqualTo("等待");
        // a step type from a later engine, typed into the JSON: drawn, its fields kept and shown as raw JSON
        String text = browser.find("#definition").getAttribute("value");
        JsonNode tree = JsonMapper.builder().build().readTree(text);
        ((tools.jackson.databind.node.ArrayNode) tree.get("steps")).insert(1, JsonMapper.builder().build().readTree(
                "{\"id\": \"call\", \"type\": \"future-step\", \"url\": \"https://example.com/hook\","
                        + " \"retry\": {\"times\": 3}}"));
        String withFuture = tree.toString();
        // while the JSON does not parse, the visual editor leaves the text alone
        browser.script("var t = document.getElementById('definition'); t.value = arguments[0];"
                + " t.dispatchEvent(new Event('input'));", "{\"name\": \"half typed");
        browser.awaitVisible("#je-json-state");
        browser.find("#je-palette-send").click();
        assertThat(browser.find("#definition").getAttribute("value")).isEqualTo("{\"name\": \"half typed");
        browser.script("var t = document.getElementById('definition'); t.value = arguments[0];"
                + " t.dispatchEvent(new Event('input'));", withFuture);
        browser.awaitVisible("#je-step-call");
        browser.find("#je-step-call").click();
        assertThat(browser.find("#je-field-other").getAttribute("value")).contains("https://example.com/hook")
                .contains("\"times\": 3");
        // edit the wait in the panel: the unknown step stays as it was
        browser.find("#je-step-pause").click();
        browser.find("#je-field-duration").clear();
        browser.find("#je-field-duration").sendKeys("two days");
        JsonNode inEditor = JsonMapper.builder().build().readTree(browser.find("#definition").getAttribute("value"));
        assertThat(inEditor.get("steps").get(1).toString())
                .isEqualTo("{\"id\":\"call\",\"type\":\"future-step\",\"url\":\"https://example.com/hook\","
                        + "\"retry\":{\"times\":3}}");
        browser.find("#save-definition").click();
        browser.awaitVisible("#problems");
        // the server refuses both the unknown type and the bad duration; each problem is on its step
        assertThat(browser.find("#je-step-pause").getAttribute("class")).contains("je-problem");
        assertThat(browser.find("#je-step-pause .je-problem-text").getText()).contains("duration");
        assertThat(browser.find("#je-step-call .je-problem-text").getText()).contains("type");
        assertThat(browser.find("#je-step-end").getAttribute("class")).doesNotContain("je-problem");
        assertThat(savedDefinition(code).get("steps").get(0).get("duration").asString()).isEqualTo("P1D");
    }

    @Test
    void should_draw_the_uplift_chart_by_day_since_entry() {
        Instant t0 = Instant.parse("2026-03-10T02:00:00Z");
        clock.set(t0);
        String code = source + "-chart";
        StringBuilder csv = new StringBuilder("customer_id,name,email,time_zone\n");
        for (int i = 0; i < 8; i++) {
            csv.append(source).append('-').append(i).append(",客户,").append(source).append('-').append(i)
                    .append("@example.com,Asia/Shanghai\n");
        }
        assertThat(importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .status()).isLessThan(300);
        var saved = admin().putJson("/api/v1/journeys/" + code, JsonMapper.builder().build().readTree("""
                {"name": "chart", "trigger": {"type": "manual"}, "holdoutPercent": 50,
                 "goal": {"event": "cart_add", "within": "P3D"},
                 "steps": [{"id": "hold", "type": "wait", "duration": "P30D"}]}"""));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        admin().postJson("/api/v1/journeys/" + code + "/status", Map.of("status", "active"));
        for (int i = 0; i < 8; i++) {
            String email = source + "-" + i + "@example.com";
            long customer = db.select(DSL.field("customer_id", Long.class)).from("customer_identity")
                    .where(DSL.field("kind").eq("EMAIL")).and(DSL.field("id_value").eq(email)).fetchOne().value1();
            var enrolled = admin().postJson("/api/v1/journeys/" + code + "/enrolments",
                    Map.of("customerId", customer, "key", "1"));
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(200);
        }
        clock.set(t0.plus(Duration.ofHours(5)));
        for (int i = 0; i < 3; i++) {
            var event = admin().postJson("/api/v1/events", Map.of("external_id", "e" + i, "source", source,
                    "type", "cart_add", "occurred_at", clock.instant().toString(),
                    "email", source + "-" + i + "@example.com"));
            assertThat(event.status()).as(event.body()).isEqualTo(200);
        }
        clock.set(t0.plus(Duration.ofDays(2)).plus(Duration.ofHours(1)));

        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys/" + code + "?lang=en");
        browser.awaitVisible("#uplift-chart[data-rendered]");
        // days 1 and 2 have customers inside that long; day 3 nobody yet
        assertThat(browser.find("#uplift-chart").getAttribute("data-points")).isEqualTo("2");
        assertThat(browser.findAll("#uplift-chart canvas")).isNotEmpty();
        JsonNode curve = JsonMapper.builder().build().readTree(browser.fetch("/journeys/" + code + "/uplift").body());
        assertThat(curve.get("days").get(0).get("treatmentConverted").asLong()
                + curve.get("days").get(0).get("holdoutConverted").asLong()).isEqualTo(3);
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy")
                || m.contains("uplift data"));
    }
}

@OnH2
class JourneyEditorOnH2BrowserTest extends JourneyEditorBrowserTests {}

@OnPostgres
class JourneyEditorOnPostgresBrowserTest extends JourneyEditorBrowserTests {}

