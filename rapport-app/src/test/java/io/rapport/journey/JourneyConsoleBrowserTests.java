package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.channel.ChannelTestSupport;
import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** The journey list, a journey's diagram and statistics, status buttons and the definition editor, in Chromium. */
@Import(ChannelTestSupport.Beans.class)
@TestPropertySource(properties = "rapport.test.context=journey-console")
abstract class JourneyConsoleBrowserTests extends BrowserTest {

    static TestGateway gateway;

    @DynamicPropertySource
    static void channelProperties(DynamicPropertyRegistry registry) {
        if (gateway == null) {
            gateway = TestGateway.start();
        }
        ChannelTestSupport.properties(registry, ChannelTestSupport.freePort(), gateway);
    }

    @Test
    void should_install_a_playbook_show_its_diagram_activate_it_and_reject_a_bad_edit_naming_the_path() {
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys?lang=en");
        browser.find("#install-abandoned-cart").click();
        browser.await(d -> browser.path().startsWith("/journeys/abandoned-cart"));

        assertThat(browser.findAll("#diagram li.step").stream().map(e -> e.getAttribute("id")).toList())
                .containsExactly("step-reminder", "step-wait-a-day", "step-bought", "step-cart-code", "step-coupon",
                        "step-done");
        assertThat(browser.find("#step-bought").getText()).contains("then → done").contains("else → cart-code");
        assertThat(browser.find("#journey-status").getText()).isEqualTo("Draft");
        browser.find("#activate").click();
        browser.awaitText("#journey-status", "Active");

        String valid = browser.find("#definition").getAttribute("value");
        browser.find("#definition").clear();
        browser.find("#definition").sendKeys(valid.replace("\"P1D\"", "\"one day\""));
        browser.find("#save-definition").click();
        browser.awaitVisible("#problems");
        assertThat(browser.find("#problems").getText()).contains("steps[1].duration").contains("one day");

        browser.find("#definition").clear();
        browser.find("#definition").sendKeys(valid.replace("\"P1D\"", "\"P2D\""));
        browser.find("#save-definition").click();
        browser.awaitVisible("#saved");
        assertThat(admin().get("/api/v1/journeys/abandoned-cart").json().get("journey").get("version").asInt())
                .isEqualTo(2);
        assertThat(browser.find("#step-wait-a-day").getText()).contains("PT48H");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void should_show_the_journey_list_with_counts_in_chinese() {
        admin().postJson("/api/v1/journeys/playbooks/abandoned-cart", "");
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/journeys?lang=zh-CN");
        assertThat(browser.find("h1").getText()).isEqualTo("客户旅程");
        assertThat(browser.find("#journey-abandoned-cart .active-count").getText()).isEqualTo("0");
        browser.find("#journey-abandoned-cart a").click();
        browser.await(d -> browser.path().startsWith("/journeys/abandoned-cart"));
        assertThat(browser.find("#group-holdout td").getText()).isEqualTo("对照组");
    }
}

@OnH2
class JourneyConsoleOnH2BrowserTest extends JourneyConsoleBrowserTests {}

@OnPostgres
class JourneyConsoleOnPostgresBrowserTest extends JourneyConsoleBrowserTests {}
