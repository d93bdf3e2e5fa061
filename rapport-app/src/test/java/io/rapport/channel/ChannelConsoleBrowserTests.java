package io.rapport.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.BrowserTest;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The outbox view with its retry button and the template editor with preview, in a real headless Chromium. */
@Import(ChannelTestSupport.Beans.class)
abstract class ChannelConsoleBrowserTests extends BrowserTest {

    static TestGateway gateway;

    @Autowired
    Outbox outbox;

    @DynamicPropertySource
    static void channelProperties(DynamicPropertyRegistry registry) {
        if (gateway == null) {
            gateway = TestGateway.start();
        }
        ChannelTestSupport.properties(registry, ChannelTestSupport.freePort(), gateway);
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    long customer() {
        String csv = "customer_id,name,email,phone,time_zone\n" + source + ",王芳," + source
                + "@example.com,+8613900001111,Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        return admin().get("/api/v1/customers?q=" + source + "@example.com").json().get("hits").get(0).get("id")
                .asLong();
    }

    @Test
    void should_show_a_dead_letter_with_its_reason_and_queue_it_again_with_the_retry_button() {
        long customer = customer();
        admin().putJson("/api/v1/channel/templates/" + source + "-sms", Map.of("channel", "sms", "purpose", "service",
                "defaultLanguage", "zh-CN", "texts", Map.of("zh-CN", Map.of("body", "您好"))));
        gateway.answer(400);
        SendOutcome sent = outbox.enqueue(new SendRequest(source + "-1", customer, source + "-sms", Map.of(), "test"));
        outbox.dispatchDue();
        gateway.answer(200);
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/channel/outbox?status=DEAD&lang=en");

        String row = "#message-" + sent.outboxId();
        assertThat(browser.find(row + " .badge").getText()).isEqualTo("Dead letter");
        assertThat(browser.find(row + " .detail").getText()).contains("refused: gateway answered 400");
        assertThat(browser.find(row + " td:nth-child(5)").getText()).isEqualTo("+86139****1111");
        browser.find(row + " button.retry").click();
        browser.awaitVisible("#retried");
        assertThat(outbox.get(sent.outboxId()).status()).isEqualTo("PENDING");
        assertThat(browser.has(row)).as("no longer among the dead letters").isFalse();
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void should_reject_an_unknown_variable_in_the_editor_then_save_and_preview_masked_in_chinese() {
        long customer = customer();
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/channel/templates/new?lang=zh-CN");
        assertThat(browser.find("h1").getText()).isEqualTo("新建模板");

        browser.find("#code").sendKeys(source + "-cart");
        browser.find("#variables").sendKeys("coupon");
        browser.find("#zhSubject").sendKeys("购物车提醒");
        browser.find("#zhBody").sendKeys("{{customer.name}}，您的购物车还有商品，优惠码 {{coupon}}，链接 {{cart_url}}");
        browser.find("#save-template").click();

        browser.awaitVisible("#problems");
        assertThat(browser.find("#problems").getText()).contains("texts.zh-CN.body").contains("cart_url");
        browser.find("#zhBody").clear();
        browser.find("#zhBody").sendKeys("{{customer.name}}，您的购物车还有商品，优惠码 {{coupon|WELCOME}}");
        browser.find("#save-template").click();
        browser.awaitVisible("#saved");

        browser.find("#preview-customer").sendKeys(Long.toString(customer));
        browser.find("#show-preview").click();
        browser.awaitVisible("#preview-body");
        String preview = browser.find("#preview-body").getText();
        assertThat(preview).startsWith("王*，您的购物车还有商品").doesNotContain("王芳").contains("[coupon]");
        assertThat(browser.find("#preview-subject").getText()).isEqualTo("购物车提醒");
        assertThat(admin().get("/api/v1/channel/templates/" + source + "-cart").json().get("version").asInt())
                .isEqualTo(1);
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy")
                || m.contains("SEVERE"));
    }

    @Test
    void should_list_templates_and_switch_between_the_channel_pages() {
        browser.signIn("admin", ADMIN_PASSWORD);
        admin().putJson("/api/v1/channel/templates/" + source + "-list", Map.of("channel", "email",
                "purpose", "marketing", "defaultLanguage", "en",
                "texts", Map.of("en", Map.of("subject", "Hi", "body", "Hello"))));
        browser.open("/?lang=en");
        browser.find("#nav-journey").click();
        browser.await(d -> browser.path().startsWith("/journeys"));
        browser.find("#tab-outbox").click();
        browser.await(d -> browser.path().startsWith("/channel/outbox"));
        browser.find("#tab-templates").click();
        browser.await(d -> browser.path().startsWith("/channel/templates"));
        List<String> codes = browser.findAll("#template-list td:first-child a").stream().map(e -> e.getText()).toList();
        assertThat(codes).contains(source + "-list");
    }
}

@OnH2
class ChannelConsoleOnH2BrowserTest extends ChannelConsoleBrowserTests {}

@OnPostgres
class ChannelConsoleOnPostgresBrowserTest extends ChannelConsoleBrowserTests {}
