package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.loyalty.Members;
import io.rapport.loyalty.Points;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Send steps quote the customer, the trigger's product and the loyalty programme ({@code {{customer.firstName}}},
 * {@code {{product.name}}}, {@code {{points.balance}}}, {@code {{tier.name}}}, {@code {{points.expiringSoon}}}),
 * with fallbacks for what a customer does not have; a reference to an unknown variable is refused on save.
 */
abstract class JourneyCustomerVariableTests extends JourneyTestBase {

    @Autowired
    Members members;
    @Autowired
    Points points;

    @BeforeEach
    void morning() {
        clock.set(Instant.parse("2026-03-10T02:00:00Z")); // 10:00 in Shanghai
    }

    String journey() {
        String sku = source + "-SKU";
        String csv = DemoDataFiles.PRODUCTS_HEADER + "\n" + sku + ",Water purifier " + source + "," + source
                + ",999.00,CNY,12,24,\n";
        assertThat(importFile("products", "native", "p.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        template(source + "-vars", "marketing", List.of("name", "product", "points", "tier", "expiring"),
                "{{name|您好}}：{{product|您的家电}}，积分 {{points}}，等级 {{tier|普通客户}}，即将过期 {{expiring|0}}");
        String code = source + "-vars";
        saveJourney(code, """
            {"name": "variables", "trigger": {"type": "event", "event": "delivery_confirmed"}, "holdoutPercent": 0,
             "reentry": "always",
             "steps": [{"id": "say", "type": "send", "template": "%s",
                        "variables": {"name": "{{customer.firstName}}", "product": "{{product.name}}",
                                      "points": "{{points.balance|0}}", "tier": "{{tier.name}}",
                                      "expiring": "{{points.expiringSoon}}"}}]}
            """.formatted(source + "-vars"));
        journeys.setStatus(code, "active");
        return sku;
    }

    void delivered(String email, String id, Map<String, String> properties) {
        var response = admin().postJson("/api/v1/events", Map.of("external_id", id, "source", source,
                "type", "delivery_confirmed", "occurred_at", clock.instant().toString(), "email", email,
                "properties", properties));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    /** The journey's message to this address (the loyalty programme may write to a new member as well). */
    String body(String email) throws Exception {
        outbox.dispatchDue();
        var mail = mailTo(email).stream().filter(m -> subject(m).equals(source + "-vars")).toList();
        assertThat(mail).hasSize(1);
        return ((String) mail.getFirst().getContent()).lines().findFirst().orElse("").strip();
    }

    @Test
    void should_greet_a_member_by_first_name_with_the_delivered_product_balance_and_tier() throws Exception {
        String sku = journey();
        long member = importedCustomer("member"); // 王小明
        members.enrol(member);
        points.grant(member, 120, "test", source + "-points");
        String tier = members.find(member).orElseThrow().tier();
        delivered(source + "-member@example.com", source + "-d1", Map.of("sku", sku));
        assertThat(body(source + "-member@example.com"))
                .isEqualTo("小明：Water purifier " + source + "，积分 120，等级 " + tier + "，即将过期 0");
    }

    static String subject(jakarta.mail.internet.MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void should_fall_back_for_a_customer_without_membership_name_or_known_product() throws Exception {
        journey();
        String email = source + "-plain@example.com";
        String csv = "customer_id,email,time_zone\n" + source + "-plain," + email + ",Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        delivered(email, source + "-d2", Map.of("sku", "NOT-IN-CATALOGUE"));
        assertThat(body(email)).isEqualTo("您好：您的家电，积分 0，等级 普通客户，即将过期 0");
    }

    @Test
    void should_reject_a_reference_to_an_unknown_variable_naming_its_path() {
        template(source + "-one", "marketing", List.of("name"), "{{name|您好}}");
        var response = admin().putJson("/api/v1/journeys/" + source + "-bad", tools.jackson.databind.json.JsonMapper
                .builder().build().readTree("""
                    {"name": "bad", "trigger": {"type": "manual"},
                     "steps": [{"id": "say", "type": "send", "template": "%s",
                                "variables": {"name": "{{customer.nickname|朋友}}"}}]}""".formatted(source + "-one")));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("field").asString()).isEqualTo("steps[0].variables.name");
        assertThat(response.json().get("detail").asString()).contains("customer.nickname").contains("customer.firstName");
    }

    @Test
    void should_greet_by_the_given_name() {
        assertThat(JourneyVariables.firstName("Alice Smith")).isEqualTo("Alice");
        assertThat(JourneyVariables.firstName("王小明")).isEqualTo("小明");
        assertThat(JourneyVariables.firstName("李娜")).isEqualTo("娜");
        assertThat(JourneyVariables.firstName("欧阳娜娜")).isEqualTo("娜娜");
        assertThat(JourneyVariables.firstName("  Bob ")).isEqualTo("Bob");
    }
}

@OnH2
class JourneyCustomerVariableOnH2Test extends JourneyCustomerVariableTests {}

@OnPostgres
class JourneyCustomerVariableOnPostgresTest extends JourneyCustomerVariableTests {}
