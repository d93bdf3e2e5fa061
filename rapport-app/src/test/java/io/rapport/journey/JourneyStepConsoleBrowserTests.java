package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.channel.ChannelTestSupport;
import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Console pages of journey steps: the staff task page (a journey's task shows up in Chinese and English and is
 * completed with its outcome) and the version migration form on a journey's page.
 */
@Import(ChannelTestSupport.Beans.class)
@TestPropertySource(properties = "rapport.test.context=journey-console")
abstract class JourneyStepConsoleBrowserTests extends BrowserTest {

    static TestGateway gateway;

    @DynamicPropertySource
    static void channelProperties(DynamicPropertyRegistry registry) {
        if (gateway == null) {
            gateway = TestGateway.start();
        }
        ChannelTestSupport.properties(registry, ChannelTestSupport.freePort(), gateway);
    }

    long customer() {
        String email = source + "-c@example.com";
        String csv = "customer_id,name,email,time_zone\n" + source + "-c,客户," + email + ",Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        long customer = db.select(DSL.field("customer_id", Long.class)).from("customer_identity")
                .where(DSL.field("kind").eq("EMAIL")).and(DSL.field("id_value").eq(email)).fetchOne().value1();
        return customer;
    }

    void save(String code, String definition) {
        var saved = admin().putJson("/api/v1/journeys/" + code, tools.jackson.databind.json.JsonMapper.builder()
                .build().readTree(definition));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }

    long taskForAdmin() {
        long customer = customer();
        String code = source + "-care";
        save(code, """
                    {"name": "care", "trigger": {"type": "manual"}, "holdoutPercent": 0,
                     "steps": [{"id": "call", "type": "task", "kind": "care-call", "title": "Call %s",
                                "assignee": "admin", "due": "P1D"}]}""".formatted(source));
        admin().postJson("/api/v1/journeys/" + code + "/status", Map.of("status", "active"));
        admin().postJson("/api/v1/journeys/" + code + "/enrolments", Map.of("customerId", customer, "key", "1"));
        for (JsonNode t : admin().get("/api/v1/staff-tasks?mine=true&limit=1000").json()) {
            if (t.get("customerId").asLong() == customer) {
                return t.get("id").asLong();
            }
        }
        throw new AssertionError("no task for customer " + customer);
    }

    @Test
    void should_list_my_open_task_in_chinese_and_complete_it_with_its_outcome() {
        long id = taskForAdmin();
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/staff-tasks?mine=true&lang=zh-CN");
        assertThat(browser.find("h1").getText()).isEqualTo("员工任务");
        assertThat(browser.find("#nav-staff-tasks").getText()).isEqualTo("任务");
        assertThat(browser.find("#task-" + id).getText()).contains("关怀回访").contains("Call " + source);

        browser.find("#task-" + id + " .outcome-input").sendKeys("已回访，客户满意");
        browser.find("#task-" + id + " button.complete").click();
        browser.awaitVisible("#completed");
        assertThat(browser.has("#task-" + id)).as("no longer open").isFalse();
        JsonNode done = admin().get("/api/v1/staff-tasks?status=done&limit=1000").json();
        JsonNode task = null;
        for (JsonNode t : done) {
            if (t.get("id").asLong() == id) {
                task = t;
            }
        }
        assertThat(task).isNotNull();
        assertThat(task.get("outcome").asString()).isEqualTo("已回访，客户满意");
        assertThat(task.get("doneBy").asString()).isEqualTo("admin");

        browser.open("/staff-tasks?status=done&lang=en");
        assertThat(browser.find("h1").getText()).isEqualTo("Staff tasks");
        assertThat(browser.find("#task-" + id).getText()).contains("Care call").contains("已回访，客户满意");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void should_count_then_move_waiting_customers_to_the_new_version_from_the_journey_page() {
        long customer = customer();
        String code = source + "-mig";
        String definition = """
            {"name": "migrate me", "trigger": {"type": "manual"}, "holdoutPercent": 0,
             "steps": [{"id": "pause", "type": "wait", "duration": "%s"}, {"id": "%s", "type": "exit"}]}""";
        save(code, definition.formatted("P1D", "done"));
        admin().postJson("/api/v1/journeys/" + code + "/status", Map.of("status", "active"));
        admin().postJson("/api/v1/journeys/" + code + "/enrolments", Map.of("customerId", customer, "key", "1"));
        save(code, definition.formatted("P2D", "finish"));

        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys/" + code + "?lang=en");
        browser.find("#migration-steps").sendKeys("done=finish");
        browser.find("#migration-dry-run").click();
        browser.awaitVisible("#migration-result");
        assertThat(browser.find("#migration-result").getText()).isEqualTo(
                "1 customers would move; 0 would stay on their version.");
        assertThat(admin().get("/api/v1/journeys/" + code + "/instances").json().get(0).get("version").asInt())
                .isEqualTo(1);
        browser.find("#migration-run").click();
        browser.awaitText("#migration-result", "1 customers moved; 0 stay on their version.");
        JsonNode instance = admin().get("/api/v1/journeys/" + code + "/instances").json().get(0);
        assertThat(instance.get("version").asInt()).isEqualTo(2);
        assertThat(instance.get("currentStep").asString()).isEqualTo("finish");
    }
}

@OnH2
class JourneyStepConsoleOnH2BrowserTest extends JourneyStepConsoleBrowserTests {}

@OnPostgres
class JourneyStepConsoleOnPostgresBrowserTest extends JourneyStepConsoleBrowserTests {}
