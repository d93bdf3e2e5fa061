package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.ChromiumAvailable;
import io.rapport.testing.HeadlessChromium;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The loyalty console pages in a real headless Chromium, in English and Chinese. */
@ExtendWith(ChromiumAvailable.class)
abstract class LoyaltyConsoleBrowserTests extends LoyaltyTest {

    static final Instant T = Instant.parse("2026-05-20T04:00:00Z");
    static HeadlessChromium browser;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @BeforeEach
    void newVisitor() {
        browser.forget(port);
    }

    long memberWithHistory(String name) {
        clock.set(T);
        long id = customer(name, null, null);
        Instant old = T.atOffset(ZoneOffset.UTC).minusMonths(24).plusDays(10).toInstant();
        orders(sale(source + "-old", name, old, "400") + sale(source + "-o1", name, T.minus(Duration.ofDays(30)), "3200")
                + sale(source + "-o2", name, T.minus(Duration.ofDays(1)), "100"));
        return id;
    }

    @Test
    void should_show_the_member_card_with_tier_progress_points_expiring_points_and_history() {
        long id = memberWithHistory("card");
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/loyalty/members/" + id + "?lang=en");

        assertThat(browser.find("#member-tier").getText()).isEqualTo("Gold");
        assertThat(browser.find("#to-next-tier").getText()).contains("to Black");
        assertThat(browser.find("#member-points").getText()).isEqualTo("3,600");
        assertThat(browser.find("#member-pending").getText()).isEqualTo("125");
        assertThat(browser.find("#member-expiring").getText()).isEqualTo("400");
        assertThat(browser.findAll("#history tr")).hasSizeGreaterThan(3);
        assertThat(browser.find("#history").getText()).as("gold from the order that reached 3,000").contains("Earned",
                "base 100; tier 25");

        browser.open("/loyalty/members/" + id + "?lang=zh-CN");
        assertThat(browser.find("#member-tier").getText()).isEqualTo("金卡");
        assertThat(browser.find("#history").getText()).contains("获得");
        assertThat(browser.find("#nav-loyalty").getText()).isEqualTo("会员积分");
    }

    @Test
    void should_draw_the_tier_charts_and_the_liability_without_script_errors() {
        memberWithHistory("charts");
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/loyalty?lang=en");

        browser.await(d -> browser.find("#loyalty").getAttribute("data-rendered") != null);
        assertThat(browser.findAll("#chart-tiers canvas")).isNotEmpty();
        assertThat(browser.findAll("#chart-movement canvas")).isNotEmpty();
        assertThat(browser.find("#members-count").getText()).isNotEqualTo("0");
        assertThat(browser.consoleMessages()).as("browser console").noneMatch(m -> m.contains("SEVERE")
                || m.contains("Error") || m.contains("Content Security Policy"));
    }

    @Test
    void should_find_a_member_by_number_and_search_the_ledger() {
        long id = memberWithHistory("search");
        String memberNo = card(id).get("member").get("memberNo").asString();
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/loyalty?lang=en");

        browser.find("#member-lookup").sendKeys(memberNo + "\n");

        browser.await(d -> browser.path().startsWith("/loyalty/members/" + id));
        browser.open("/loyalty/ledger?lang=en");
        browser.find("#ledger-member").sendKeys(memberNo);
        browser.find("#ledger-search").click();
        browser.await(d -> browser.path().contains("memberNo=" + memberNo));
        assertThat(browser.findAll("#ledger-table tr")).hasSizeGreaterThan(3);
        assertThat(browser.find("#ledger-table").getText()).contains("Earned", memberNo.isEmpty() ? "" : "base 3200");
    }

    @Test
    void should_add_a_reward_from_the_form_and_show_why_a_programme_is_refused() {
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/loyalty/rewards?lang=en");
        browser.find("#reward-code").sendKeys(source + "-MUG");
        browser.find("#reward-name").sendKeys("Coffee mug");
        browser.find("#reward-cost").sendKeys("800");
        browser.find("#reward-stock").sendKeys("25");
        browser.find("#save-reward").click();

        browser.awaitVisible("#reward-saved");
        assertThat(browser.find("#reward-table").getText()).contains(source + "-MUG", "Coffee mug", "800", "25");

        browser.open("/loyalty/settings?lang=zh-CN");
        assertThat(browser.find("#tier-table").getText()).contains("黑卡", "10000");
        browser.find("#settings-text").clear();
        browser.find("#settings-text").sendKeys("{\"expiryMonths\": 0}");
        browser.find("#save-settings").click();
        browser.awaitVisible("#settings-error");
        assertThat(browser.find("#settings-error").getText()).contains("expiryMonths");
        assertThat(programme.settings().expiryMonths()).isEqualTo(24);
        assertThat(browser.find("#predicted-value").getText()).as("off by default").contains("关闭");

        browser.find("#settings-text").clear();
        browser.find("#settings-text").sendKeys("{\"predictedValue\": {\"enabled\": true, \"topPercent\": 5, "
                + "\"tier\": \"gold\"}}");
        browser.find("#save-settings").click();
        browser.awaitVisible("#settings-saved");
        assertThat(programme.settings().predictedValue().enabled()).isTrue();
        browser.open("/loyalty/settings?lang=en");
        assertThat(browser.find("#predicted-value").getText())
                .isEqualTo("Top 5 % by predicted lifetime value (at least 0) qualify for Gold");
    }

    @Test
    void should_show_the_days_partner_reconciliation_in_english_and_chinese() {
        clock.set(Instant.now());
        long id = member("traveller");
        String memberNo = card(id).get("member").get("memberNo").asString();
        String partner = "air-" + source.substring(1, 9);
        String secret = "a-shared-secret-of-" + source;
        admin().putJson("/api/v1/loyalty/partners/" + partner, Map.of("name", "Airline", "secret", secret,
                "earnRate", 0.5, "burnRate", 2));
        String ts = Long.toString(clock.instant().getEpochSecond());
        for (String nonce : java.util.List.of("n1", "n2")) {
            String body = io.rapport.testing.Http.json(Map.of("memberNo", memberNo, "partnerPoints", 1000));
            assertThat(anonymous().postJson("/api/v1/loyalty/partner-gateway/" + partner + "/earn", body,
                    Map.of("X-Partner-Timestamp", ts, "X-Partner-Nonce", nonce,
                            "X-Partner-Signature", Partners.sign(secret, ts, nonce, body))).status()).isEqualTo(200);
        }
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), programme.brandZone());
        browser.signIn("admin", ADMIN_PASSWORD);

        browser.open("/loyalty/partners?lang=en");
        assertThat(browser.find("#reconciliation-table").getText()).contains(partner, "Earn (partner → us)", "2,000",
                "1,000");

        browser.open("/loyalty/partners?lang=en&day=" + today.minusDays(3));
        assertThat(browser.find("#reconciliation-empty").getText()).isEqualTo("No partner requests that day.");

        browser.open("/loyalty/partners?lang=zh-CN&day=" + today);
        assertThat(browser.find("h1").getText()).isEqualTo("合作伙伴对账");
        assertThat(browser.find("#reconciliation-table").getText()).contains(partner, "转入", "合计");
    }

    @Test
    void should_refuse_the_settings_change_to_an_analyst() {
        browser.signIn("admin", ADMIN_PASSWORD);
        String name = "a" + source.substring(1, 9);
        admin().postJson("/api/v1/users", Map.of("username", name, "password", "password-" + name,
                "roles", java.util.List.of("analyst"), "maySeePersonalData", false));
        browser.forget(port).signIn(name, "password-" + name);

        browser.open("/loyalty/settings");

        assertThat(browser.has("#settings-text")).isTrue();
        assertThat(browser.has("#save-settings")).isFalse();
    }
}

@OnH2
class LoyaltyConsoleBrowserOnH2Test extends LoyaltyConsoleBrowserTests {}

@OnPostgres
class LoyaltyConsoleBrowserOnPostgresTest extends LoyaltyConsoleBrowserTests {}
