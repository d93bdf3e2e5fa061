package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.PublishedEvents;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The consent ledger, the contact decision built on it, its API, bulk import and one-click unsubscribe links. */
@TestPropertySource(properties = {
        "rapport.privacy.partners.sf-express.name=SF Express",
        "rapport.privacy.partners.sf-express.country=CN",
        "rapport.privacy.partners.klaviyo.name=Klaviyo",
        "rapport.privacy.partners.klaviyo.country=US",
        "rapport.privacy.partners.klaviyo.cross-border=true"})
abstract class ConsentTests extends ServerTest {

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";

    @Autowired
    ContactPolicy policy;
    @Autowired
    UnsubscribeTokens tokens;
    @RegisterExtension
    final PublishedEvents published = new PublishedEvents();

    String email(int n) {
        return "c" + n + "." + source + "@example.com";
    }

    /** Imports {@code n} customers of this test and returns their ids in order. */
    List<Long> customers(int n) {
        StringBuilder csv = new StringBuilder(CUSTOMERS);
        for (int i = 0; i < n; i++) {
            csv.append("K").append(i).append('-').append(source).append(",M").append(i).append(source)
                    .append(",Li Na,F,1990-01-01,Shanghai,").append(email(i)).append(",,2024-01-01T00:00:00Z,Asia/Shanghai\n");
        }
        importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> admin().get("/api/v1/customers?q=" + email(i))
                .json().get("hits").get(0).get("id").asLong()).toList();
    }

    Http.Response change(Http who, long customer, Map<String, Object> body) {
        return who.postJson("/api/v1/customers/" + customer + "/consents", body);
    }

    @Test
    void should_derive_the_current_state_from_the_latest_event_and_never_overwrite_history() {
        long id = customers(1).getFirst();
        assertThat(change(admin(), id, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"),
                "occurredAt", "2025-03-01T10:00:00Z", "source", "web_form", "noticeVersion", "privacy-2025-01",
                "proof", "ip:203.0.113.7")).status()).isEqualTo(201);
        assertThat(policy.may(id, Purpose.MARKETING, ContactChannel.EMAIL).allowed()).isTrue();

        change(admin(), id, Map.of("purpose", "marketing", "action", "withdraw", "channels", List.of("email"),
                "occurredAt", "2025-06-01T10:00:00Z", "source", "app"));
        assertThat(policy.may(id, Purpose.MARKETING, ContactChannel.EMAIL))
                .isEqualTo(ContactDecision.deny("consent-withdrawn"));

        // an older grant imported late is kept in the history but does not override the newer withdrawal
        var late = change(admin(), id, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"),
                "occurredAt", "2025-04-01T10:00:00Z", "source", "store", "proof", "staff:wang"));
        assertThat(late.json().get("unchanged").toString()).contains("EMAIL");
        assertThat(policy.may(id, Purpose.MARKETING, ContactChannel.EMAIL).allowed()).isFalse();

        JsonNode history = admin().get("/api/v1/customers/" + id + "/consents/history").json();
        assertThat(history.size()).isEqualTo(3);
        assertThat(history.get(0).get("source").asString()).isEqualTo("web_form");
        assertThat(history.get(0).get("noticeVersion").asString()).isEqualTo("privacy-2025-01");
        assertThat(history.get(0).get("proof").asString()).isEqualTo("ip:203.0.113.7");
        assertThat(history.get(0).get("recordedBy").asString()).isEqualTo("admin");
        assertThat(history.get(1).get("proof").asString()).isEqualTo("staff:wang");
        assertThat(history.get(2).get("granted").asBoolean()).isFalse();
    }

    @Test
    void should_need_a_grant_for_consent_based_purposes_and_allow_contract_based_service_until_the_customer_opts_out() {
        List<Long> ids = customers(3);
        long granted = ids.get(0);
        long silent = ids.get(1);
        long optedOut = ids.get(2);
        change(admin(), granted, Map.of("purpose", "marketing", "action", "grant", "source", "store"));
        change(admin(), optedOut, Map.of("purpose", "service", "action", "withdraw", "channels", List.of("sms"),
                "source", "service_desk"));

        assertThat(policy.may(granted, Purpose.MARKETING, ContactChannel.SMS).allowed())
                .as("a grant for every channel covers SMS").isTrue();
        assertThat(policy.may(silent, Purpose.MARKETING, ContactChannel.EMAIL))
                .isEqualTo(ContactDecision.deny("no-consent"));
        assertThat(policy.may(silent, Purpose.SERVICE, ContactChannel.SMS).allowed()).isTrue();
        assertThat(policy.may(optedOut, Purpose.SERVICE, ContactChannel.SMS))
                .isEqualTo(ContactDecision.deny("consent-withdrawn"));
        assertThat(policy.may(optedOut, Purpose.SERVICE, ContactChannel.EMAIL).allowed()).isTrue();
        assertThat(policy.may(silent, Purpose.PROFILING, ContactChannel.EMAIL).allowed())
                .as("profiling rests on legitimate interests by default").isTrue();

        Map<Long, ContactDecision> batch = policy.may(List.of(granted, silent, optedOut, granted), Purpose.MARKETING,
                ContactChannel.EMAIL);
        assertThat(batch).containsOnlyKeys(granted, silent, optedOut);
        assertThat(batch.get(granted).allowed()).isTrue();
        assertThat(batch.get(silent).reason()).contains("no-consent");

        JsonNode decision = user(false, "analyst").get("/api/v1/customers/" + silent
                + "/contact-decision?purpose=marketing&channel=email").json();
        assertThat(decision.get("allowed").asBoolean()).isFalse();
        assertThat(decision.get("reason").asString()).isEqualTo("no-consent");
    }

    @Test
    void should_keep_pipl_separate_consents_per_partner_and_sensitive_field_and_honour_ccpa_do_not_sell() {
        long id = customers(1).getFirst();
        ConsentPolicy ledgerPolicy = (ConsentPolicy) policy;
        assertThat(ledgerPolicy.mayShareWith(id, "klaviyo")).isEqualTo(ContactDecision.deny("no-partner-consent"));

        Http.Response uninformed = change(admin(), id, Map.of("purpose", "data_sharing", "action", "grant",
                "partner", "klaviyo", "source", "web_form"));
        assertThat(uninformed.status()).isEqualTo(400);
        assertThat(uninformed.json().get("code").asString()).isEqualTo("notice-required");

        change(admin(), id, Map.of("purpose", "data_sharing", "action", "grant", "partner", "klaviyo",
                "source", "web_form", "noticeVersion", "xborder-us-v2", "occurredAt", "2025-01-01T00:00:00Z"));
        assertThat(ledgerPolicy.mayShareWith(id, "klaviyo").allowed()).isTrue();
        assertThat(ledgerPolicy.mayShareWith(id, "sf-express")).isEqualTo(ContactDecision.deny("no-partner-consent"));

        change(admin(), id, Map.of("purpose", "data_sharing", "action", "withdraw", "source", "web_form",
                "occurredAt", "2025-02-01T00:00:00Z"));
        assertThat(ledgerPolicy.mayShareWith(id, "klaviyo")).isEqualTo(ContactDecision.deny("do-not-sell"));
        assertThat(policy.may(id, Purpose.DATA_SHARING, null)).isEqualTo(ContactDecision.deny("do-not-sell"));

        assertThat(ledgerPolicy.mayUseSensitive(id, "precise_location")).isEqualTo(ContactDecision.deny("no-consent"));
        change(admin(), id, Map.of("purpose", "profiling", "action", "grant", "sensitiveField", "precise_location",
                "source", "app", "noticeVersion", "loc-v1"));
        assertThat(ledgerPolicy.mayUseSensitive(id, "precise_location").allowed()).isTrue();

        JsonNode overview = user(false, "auditor").get("/api/v1/customers/" + id + "/consents").json();
        assertThat(overview.get("doNotSell").asBoolean()).isTrue();
        assertThat(overview.get("partners").toString()).contains("klaviyo").contains("do-not-sell");
    }

    @Test
    void should_refuse_unknown_purposes_channels_partners_and_customers_with_a_clear_4xx_and_record_nothing() {
        long id = customers(1).getFirst();
        record Case(Map<String, Object> body, String code, String field) {}
        List<Case> cases = List.of(
                new Case(Map.of("purpose", "telepathy", "action", "grant"), "unknown-purpose", "purpose"),
                new Case(Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email", "pigeon")),
                        "unknown-channel", "channels[1]"),
                new Case(Map.of("purpose", "marketing", "action", "maybe"), "unknown-consent-action", "action"),
                new Case(Map.of("purpose", "marketing", "action", "grant", "source", "billboard"),
                        "unknown-consent-source", "source"),
                new Case(Map.of("purpose", "data_sharing", "action", "grant", "partner", "acme", "noticeVersion", "v1"),
                        "unknown-partner", "partner"),
                new Case(Map.of("purpose", "profiling", "action", "grant", "channels", List.of("email")),
                        "channel-not-applicable", "channel"),
                new Case(Map.of("purpose", "marketing", "action", "grant", "occurredAt", "2999-01-01T00:00:00Z"),
                        "consent-in-future", "occurredAt"));
        for (Case c : cases) {
            Http.Response response = change(admin(), id, c.body());
            assertThat(response.status()).as(c.code()).isEqualTo(400);
            assertThat(response.json().get("code").asString()).isEqualTo(c.code());
            assertThat(response.json().get("field").asString()).isEqualTo(c.field());
        }
        assertThat(admin().get("/api/v1/customers/" + id + "/consents/history").json().size()).isZero();

        Http.Response unknown = change(admin(), 987654321L, Map.of("purpose", "marketing", "action", "grant"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("code").asString()).isEqualTo("customer-not-found");

        assertThat(change(user(false, "analyst"), id, Map.of("purpose", "marketing", "action", "grant")).status())
                .isEqualTo(403);
        assertThat(change(anonymous(), id, Map.of("purpose", "marketing", "action", "grant")).status()).isEqualTo(401);
    }

    @Test
    void should_import_consents_in_bulk_keeping_good_rows_and_reporting_each_bad_row_once() {
        List<Long> ids = customers(2);
        String file = "email,customer_id,purpose,channel,action,occurred_at,source,notice_version,proof\n"
                + email(0) + ",,marketing,email,grant,2025-01-05T08:00:00Z,store,n-2025,staff:zhao\n"
                + "," + ids.get(1) + ",marketing,sms,grant,2025-01-05T08:00:00Z,,,\n"
                + "nobody." + source + "@example.com,,marketing,email,grant,2025-01-05T08:00:00Z,,,\n"
                + "," + ids.get(1) + ",marketing,fax,grant,2025-01-05T08:00:00Z,,,\n"
                + "," + ids.get(1) + ",marketing,email,grant,yesterday,,,\n";
        JsonNode report = admin().postFile("/api/v1/consents/imports", "consents.csv",
                file.getBytes(StandardCharsets.UTF_8), Map.of()).json();
        assertThat(report.get("rows").asLong()).isEqualTo(5);
        assertThat(report.get("recorded").asLong()).isEqualTo(2);
        assertThat(report.get("rejected").asLong()).isEqualTo(3);
        JsonNode errors = report.get("errors");
        assertThat(errors.get(0).get("row").asLong()).isEqualTo(4);
        assertThat(errors.get(0).get("code").asString()).isEqualTo("unknown-customer");
        assertThat(errors.get(0).get("value").asString()).as("identifiers are masked in the report")
                .isEqualTo("n***@example.com");
        assertThat(errors.get(1).get("field").asString()).isEqualTo("channel");
        assertThat(errors.get(1).get("value").asString()).isEqualTo("fax");
        assertThat(errors.get(2).get("field").asString()).isEqualTo("occurred_at");

        assertThat(policy.may(ids.get(0), Purpose.MARKETING, ContactChannel.EMAIL).allowed()).isTrue();
        assertThat(policy.may(ids.get(1), Purpose.MARKETING, ContactChannel.SMS).allowed()).isTrue();
        assertThat(admin().get("/api/v1/customers/" + ids.get(0) + "/consents/history").json().get(0)
                .get("source").asString()).isEqualTo("store");

        JsonNode replay = admin().postFile("/api/v1/consents/imports", "consents.csv",
                file.getBytes(StandardCharsets.UTF_8), Map.of()).json();
        assertThat(replay.get("recorded").asLong()).isZero();
        assertThat(replay.get("duplicates").asLong()).isEqualTo(2);

        Http.Response noColumns = admin().postFile("/api/v1/consents/imports", "c.csv",
                "purpose,action\nmarketing,grant\n".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(noColumns.status()).isEqualTo(400);
        assertThat(noColumns.json().get("code").asString()).isEqualTo("missing-column");
        assertThat(user(false, "service_agent").postFile("/api/v1/consents/imports", "consents.csv",
                file.getBytes(StandardCharsets.UTF_8), Map.of()).status()).isEqualTo(403);
    }

    @Test
    void should_unsubscribe_through_a_signed_link_without_login_and_refuse_forged_or_expired_links() {
        long id = customers(1).getFirst();
        change(admin(), id, Map.of("purpose", "marketing", "action", "grant", "source", "web_form"));
        JsonNode link = admin().postJson("/api/v1/customers/" + id + "/unsubscribe-links",
                Map.of("purpose", "marketing", "channel", "email")).json();
        String token = link.get("token").asString();
        assertThat(link.get("url").asString()).endsWith("/unsubscribe/" + token);
        assertThat(token).doesNotContain(source);

        Http.Response page = anonymous().getPage("/unsubscribe/" + token);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"unsubscribe\"");
        assertThat(policy.may(id, Purpose.MARKETING, ContactChannel.EMAIL).allowed())
                .as("showing the page changes nothing").isTrue();

        Http.Response done = anonymous().postJson("/unsubscribe/" + token, "");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).contains("unsubscribe-done");
        assertThat(policy.may(id, Purpose.MARKETING, ContactChannel.EMAIL))
                .isEqualTo(ContactDecision.deny("consent-withdrawn"));
        assertThat(policy.may(id, Purpose.MARKETING, ContactChannel.SMS).allowed()).isTrue();
        JsonNode last = admin().get("/api/v1/customers/" + id + "/consents/history").json().get(1);
        assertThat(last.get("source").asString()).isEqualTo("unsubscribe_link");
        assertThat(last.get("proof").asString()).startsWith("ip:");

        anonymous().postJson("/unsubscribe/" + token, "");
        assertThat(admin().get("/api/v1/customers/" + id + "/consents/history").json().size())
                .as("a second click records nothing").isEqualTo(2);

        String forged = token.substring(0, token.indexOf('.')).replace('M', 'N') + token.substring(token.indexOf('.'));
        String otherCustomer = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("1." + (id + 1) + ".MARKETING.EMAIL." + link.get("expiresAt").asString().length())
                        .getBytes(StandardCharsets.US_ASCII)) + token.substring(token.indexOf('.'));
        for (String bad : List.of(forged, otherCustomer, "garbage", token + "x")) {
            Http.Response refused = anonymous().postJson("/unsubscribe/" + bad, "");
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.body()).contains("invalid-unsubscribe-token");
        }
        String expired = tokens.token(id, Purpose.MARKETING, Optional.of(ContactChannel.SMS),
                Instant.now().minusSeconds(60));
        Http.Response gone = anonymous().postJson("/unsubscribe/" + expired, "");
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.body()).contains("unsubscribe-token-expired");
        assertThat(policy.may(id, Purpose.MARKETING, ContactChannel.SMS).allowed())
                .as("refused links change nothing").isTrue();
    }

    @Test
    void should_publish_consent_changed_when_the_state_changes_and_only_then() {
        long id = customers(1).getFirst();
        change(admin(), id, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"),
                "occurredAt", "2025-01-01T00:00:00Z"));
        change(admin(), id, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"),
                "occurredAt", "2025-02-01T00:00:00Z"));
        change(admin(), id, Map.of("purpose", "marketing", "action", "withdraw", "channels", List.of("email"),
                "occurredAt", "2025-03-01T00:00:00Z", "source", "app"));
        List<ConsentChanged> changes = published.stream().filter(ConsentChanged.class::isInstance)
                .map(ConsentChanged.class::cast).filter(c -> c.customerId() == id).toList();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0).granted()).isTrue();
        assertThat(changes.get(1)).isEqualTo(new ConsentChanged(id, Purpose.MARKETING,
                Optional.of(ContactChannel.EMAIL), "", false, Instant.parse("2025-03-01T00:00:00Z"), "app"));
    }

    @Test
    void should_carry_consent_over_when_two_profiles_merge() {
        String a = "ma." + source + "@example.com";
        String b = "mb." + source + "@example.com";
        importFile("customers", "native", "c.csv", (CUSTOMERS
                + "A-" + source + ",,Li Na,F,,," + a + ",,,\n"
                + "B-" + source + ",,Li Na,F,,," + b + ",,,\n").getBytes(StandardCharsets.UTF_8));
        long first = admin().get("/api/v1/customers?q=" + a).json().get("hits").get(0).get("id").asLong();
        long second = admin().get("/api/v1/customers?q=" + b).json().get("hits").get(0).get("id").asLong();
        assertThat(first).isNotEqualTo(second);
        change(admin(), second, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"),
                "source", "web_form", "noticeVersion", "n1"));
        assertThat(policy.may(first, Purpose.MARKETING, ContactChannel.EMAIL).allowed()).isFalse();

        // the source now says customer A uses address b: the two profiles are one person
        importFile("customers", "native", "c2.csv", (CUSTOMERS + "A-" + source + ",,Li Na,F,,," + b + ",,,\n")
                .getBytes(StandardCharsets.UTF_8));
        long survivor = Math.min(first, second);
        assertThat(admin().get("/api/v1/customers/" + Math.max(first, second)).json().get("profile").get("id").asLong())
                .isEqualTo(survivor);
        assertThat(policy.may(survivor, Purpose.MARKETING, ContactChannel.EMAIL).allowed()).isTrue();
        JsonNode history = admin().get("/api/v1/customers/" + survivor + "/consents/history").json();
        assertThat(history.get(history.size() - 1).get("source").asString()).isEqualTo("merge");
        assertThat(history.get(history.size() - 1).get("noticeVersion").asString()).isEqualTo("n1");
    }

    @Test
    void should_show_consent_on_the_customer_360_page() {
        long id = customers(1).getFirst();
        change(admin(), id, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("sms"),
                "source", "store"));
        Http.Response card = user(false, "service_agent").getPage("/customers/" + id + "/consent-card");
        assertThat(card.status()).isEqualTo(200);
        assertThat(card.body()).contains("id=\"consent-matrix\"")
                .contains("data-channel=\"SMS\" data-allowed=\"true\"")
                .contains("data-channel=\"EMAIL\" data-allowed=\"false\"");
        assertThat(admin().getPage("/customers/" + id).body()).contains("/customers/" + id + "/consent-card");
    }
}

@OnH2
class ConsentOnH2Test extends ConsentTests {}

@OnPostgres
class ConsentOnPostgresTest extends ConsentTests {}
