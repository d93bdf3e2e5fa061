package io.rapport.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import io.rapport.privacy.ConsentPolicy;
import io.rapport.privacy.Consents;
import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.Purpose;
import io.rapport.testing.MutableClock;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import io.rapport.testing.TestGateway;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The outbox end to end: real SMTP (GreenMail), a real HTTP gateway, both databases, a hand-moved clock. */
@Import(ChannelTestSupport.Beans.class)
abstract class ChannelTests extends ServerTest {

    static final int SMTP_PORT = ChannelTestSupport.freePort();
    static GreenMail smtp;
    static TestGateway gateway;

    @Autowired
    Outbox outbox;
    @Autowired
    MessageTemplates templates;
    @Autowired
    MutableClock clock;
    @Autowired
    Consents consents;
    @Autowired
    io.rapport.privacy.UnsubscribeTokens tokens;
    @Autowired
    ConsentPolicy consentPolicy;
    @Autowired
    OutboxDispatcher dispatcher;
    @Autowired
    SendGuards guards;
    @Autowired
    ChannelProperties settings;

    @DynamicPropertySource
    static void channelProperties(DynamicPropertyRegistry registry) {
        if (gateway == null) {
            gateway = TestGateway.start();
        }
        ChannelTestSupport.properties(registry, SMTP_PORT, gateway);
    }

    @BeforeAll
    static void startSmtp() {
        smtp = ChannelTestSupport.smtp(SMTP_PORT);
        if (gateway == null) {
            gateway = TestGateway.start();
        }
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @BeforeEach
    void daytime() {
        clock.set(ChannelTestSupport.DAYTIME);
        gateway.answer(200);
        gateway.clear();
        dispatcher.dispatchDue(); // leftovers of an earlier test go out now, not in the middle of this one
        gateway.clear();
    }

    String email(int i) {
        return source + "-" + i + "@example.com";
    }

    /**
     * Customers of this test: i-th has email {@link #email}, a phone, and the given time zone; each has granted
     * marketing on every channel in the consent ledger (marketing's lawful basis is consent here, the default).
     */
    List<Long> customers(int count, String timeZone) {
        List<Long> ids = customersWithoutConsent(count, timeZone);
        for (long id : ids) {
            ChannelTestSupport.marketingConsent(consents, id, true);
        }
        return ids;
    }

    /** As {@link #customers} but with nothing in the consent ledger. */
    List<Long> customersWithoutConsent(int count, String timeZone) {
        StringBuilder csv = new StringBuilder("customer_id,name,email,phone,time_zone,birthday\n");
        for (int i = 0; i < count; i++) {
            csv.append(source).append("-c").append(i).append(",张伟").append(i).append(',').append(email(i))
                    .append(",+86138").append(String.format("%08d", Math.abs((source + i).hashCode()) % 100_000_000))
                    .append(',').append(timeZone).append(",1990-04-0").append(1 + i % 9).append('\n');
        }
        var response = importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.body()).isLessThan(300);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(db.select(DSL.field("customer_id", Long.class)).from("customer_identity")
                    .where(DSL.field("kind").eq("EMAIL")).and(DSL.field("id_value").eq(email(i))).fetchOne().value1());
        }
        return ids;
    }

    void template(String code, String channel, String purpose, List<String> variables, String zhBody, String enBody) {
        var body = Map.of("channel", channel, "purpose", purpose, "variables", variables, "defaultLanguage", "zh-CN",
                "texts", Map.of("zh-CN", Map.of("subject", "您好 {{customer.name|朋友}}", "body", zhBody),
                        "en", Map.of("subject", "Hello {{customer.name|friend}}", "body", enBody)));
        var response = admin().putJson("/api/v1/channel/templates/" + code, body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    List<MimeMessage> mailTo(String address) throws Exception {
        List<MimeMessage> result = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(address))) {
                result.add(m);
            }
        }
        return result;
    }

    SendOutcome send(String key, long customerId, String template, Map<String, String> variables) {
        return outbox.enqueue(new SendRequest(source + "-" + key, customerId, template, variables, "test"));
    }

    @Test
    void should_deliver_email_over_smtp_with_list_unsubscribe_header_and_privacy_signed_link() throws Exception {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-welcome", "email", "marketing", List.of("coupon"),
                "{{customer.name}}，欢迎！优惠码 {{coupon}}", "Welcome {{customer.name}}, code {{coupon}}");

        SendOutcome outcome = send("w", customer, source + "-welcome", Map.of("coupon", "SPRING10"));
        assertThat(outcome.status()).isEqualTo("PENDING");
        assertThat(outbox.dispatchDue()).isEqualTo(1);

        List<MimeMessage> received = mailTo(email(0));
        assertThat(received).hasSize(1);
        MimeMessage mail = received.getFirst();
        assertThat(mail.getSubject()).isEqualTo("您好 张伟0");
        String body = ((String) mail.getContent());
        assertThat(body).contains("张伟0，欢迎！优惠码 SPRING10").contains("退订: http://localhost:8080/unsubscribe/");
        String header = mail.getHeader("List-Unsubscribe")[0];
        assertThat(header).startsWith("<http://localhost:8080/unsubscribe/").endsWith(">");
        assertThat(mail.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
        for (String link : List.of(header.substring(1, header.length() - 1), unsubscribeLinkIn(body))) {
            var grant = tokens.verify(link.substring(link.lastIndexOf('/') + 1));
            assertThat(grant.customerId()).isEqualTo(customer);
            assertThat(grant.purpose()).isEqualTo(Purpose.MARKETING);
            assertThat(grant.channel()).contains(ContactChannel.EMAIL);
        }
        assertThat(outbox.get(outcome.outboxId()).status()).isEqualTo("SENT");
    }

    @Test
    void should_withdraw_marketing_email_consent_in_the_ledger_by_one_click_from_the_received_email_and_suppress_later_sends()
            throws Exception {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-news", "email", "marketing", List.of(), "新品上市", "New arrivals");
        assertThat(send("n1", customer, source + "-news", Map.of()).status()).isEqualTo("PENDING");
        assertThat(outbox.dispatchDue()).isEqualTo(1);
        MimeMessage mail = mailTo(email(0)).getFirst();
        String header = mail.getHeader("List-Unsubscribe")[0];
        java.net.URI link = java.net.URI.create(header.substring(1, header.length() - 1));

        // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the link, without cookies or login; the
        // link names the configured public address (rapport.privacy.unsubscribe.base-url), here this test server
        var oneClick = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + link.getRawPath()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(oneClick.statusCode()).as(oneClick.body()).isEqualTo(200);

        assertThat(consentPolicy.may(customer, Purpose.MARKETING, ContactChannel.EMAIL).reason())
                .contains("consent-withdrawn");
        assertThat(consents.history(customer)).anySatisfy(event -> {
            assertThat(event.purpose()).isEqualTo("MARKETING");
            assertThat(event.channel()).isEqualTo("EMAIL");
            assertThat(event.granted()).isFalse();
            assertThat(event.source()).containsIgnoringCase("unsubscribe");
        });
        SendOutcome later = send("n2", customer, source + "-news", Map.of());
        assertThat(later.status()).isEqualTo("SUPPRESSED");
        assertThat(later.reason()).contains("consent-withdrawn");
        assertThat(outbox.dispatchDue()).isZero();
        assertThat(mailTo(email(0))).hasSize(1);
    }

    static String unsubscribeLinkIn(String body) {
        int at = body.indexOf("http://localhost:8080/unsubscribe/");
        int end = at;
        while (end < body.length() && !Character.isWhitespace(body.charAt(end))) {
            end++;
        }
        return body.substring(at, end);
    }

    @Test
    void should_lose_nothing_and_send_nothing_twice_when_smtp_is_down_for_a_while() throws Exception {
        List<Long> ids = customers(3, "Asia/Shanghai");
        template(source + "-svc", "email", "service", List.of("order"), "订单 {{order}} 已发货", "Order {{order}} shipped");
        smtp.stop();
        try {
            for (int i = 0; i < 3; i++) {
                send("o" + i, ids.get(i), source + "-svc", Map.of("order", "SO-" + i));
            }
            assertThat(outbox.dispatchDue()).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                Outbox.Entry entry = outbox.find(source + "-o" + i).map(o -> outbox.get(o.outboxId())).orElseThrow();
                assertThat(entry.status()).isEqualTo("PENDING");
                assertThat(entry.attempts()).isEqualTo(1);
                assertThat(entry.lastError()).contains("SMTP");
            }
            // ten minutes later the server is still down: two more attempts fail, nothing is dead yet
            clock.advance(Duration.ofSeconds(30));
            assertThat(outbox.dispatchDue()).isEqualTo(3);
            clock.advance(Duration.ofMinutes(10));
            assertThat(outbox.dispatchDue()).isEqualTo(3);
        } finally {
            smtp = ChannelTestSupport.smtp(SMTP_PORT);
        }
        assertThat(outbox.dispatchDue()).as("backoff not over yet").isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(outbox.dispatchDue()).isEqualTo(3);
        clock.advance(Duration.ofHours(2));
        assertThat(outbox.dispatchDue()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(mailTo(email(i))).as("customer " + i).hasSize(1);
            Outbox.Entry entry = outbox.get(outbox.find(source + "-o" + i).orElseThrow().outboxId());
            assertThat(entry.status()).isEqualTo("SENT");
            assertThat(entry.attempts()).isEqualTo(4);
        }
    }

    @Test
    void should_back_off_exponentially_between_attempts() {
        assertThat(dispatcher.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(dispatcher.backoff(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(dispatcher.backoff(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(dispatcher.backoff(20)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void should_sign_gateway_requests_and_retry_a_gateway_that_answers_500_then_dead_letter_and_retry_by_hand() {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-sms", "sms", "service", List.of(), "您的包裹已到", "Your parcel arrived");
        gateway.answer(500);
        SendOutcome outcome = send("s", customer, source + "-sms", Map.of());
        for (int attempt = 1; attempt <= 4; attempt++) {
            assertThat(outbox.dispatchDue()).as("attempt " + attempt).isEqualTo(1);
            clock.advance(Duration.ofHours(1));
        }
        Outbox.Entry dead = outbox.get(outcome.outboxId());
        assertThat(dead.status()).isEqualTo("DEAD");
        assertThat(dead.deadReason()).contains("gave up after 4 attempts").contains("500");
        assertThat(outbox.dispatchDue()).isZero();
        assertThat(gateway.received()).hasSize(4);

        TestGateway.Received request = gateway.received().getFirst();
        assertThat(request.path()).isEqualTo("/sms");
        String expected = "sha256=" + HexFormat.of().formatHex(Hmac.sha256(
                ChannelTestSupport.GATEWAY_SECRET.getBytes(StandardCharsets.UTF_8),
                (request.header("X-Rapport-Timestamp") + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.header("X-Rapport-Signature")).isEqualTo(expected);
        assertThat(request.header("Idempotency-Key")).isEqualTo(source + "-s");
        assertThat(request.body()).contains("\"to\":\"+86138").contains("您的包裹已到");

        gateway.answer(200);
        var retried = admin().postJson("/api/v1/channel/outbox/" + outcome.outboxId() + "/retry", "");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("status").asString()).isEqualTo("PENDING");
        assertThat(outbox.dispatchDue()).isEqualTo(1);
        assertThat(outbox.get(outcome.outboxId()).status()).isEqualTo("SENT");
        assertThat(gateway.delivered()).hasSize(1);
        var again = admin().postJson("/api/v1/channel/outbox/" + outcome.outboxId() + "/retry", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("not-dead");
    }

    @Test
    void should_retry_a_gateway_that_times_out_and_dead_letter_at_once_what_it_refuses() {
        List<Long> ids = customers(2, "Asia/Shanghai");
        template(source + "-push", "sms", "service", List.of(), "提醒", "Reminder");
        gateway.stall(3000);
        SendOutcome slow = send("slow", ids.get(0), source + "-push", Map.of());
        assertThat(outbox.dispatchDue()).isEqualTo(1);
        Outbox.Entry afterTimeout = outbox.get(slow.outboxId());
        assertThat(afterTimeout.status()).isEqualTo("PENDING");
        assertThat(afterTimeout.lastError()).contains("timed out");

        gateway.answer(400);
        SendOutcome refused = send("refused", ids.get(1), source + "-push", Map.of());
        clock.advance(Duration.ofMinutes(1));
        assertThat(outbox.dispatchDue()).isEqualTo(2);
        Outbox.Entry dead = outbox.get(refused.outboxId());
        assertThat(dead.status()).isEqualTo("DEAD");
        assertThat(dead.deadReason()).startsWith("refused: gateway answered 400");
        assertThat(dead.attempts()).isEqualTo(1);
    }

    @Test
    void should_hold_marketing_in_quiet_hours_until_the_window_ends_but_send_service_messages_at_once() throws Exception {
        List<Long> ids = customers(2, "Asia/Shanghai");
        template(source + "-promo", "email", "marketing", List.of(), "新品上市", "New arrivals");
        template(source + "-notice", "email", "service", List.of(), "发票已开", "Invoice ready");
        clock.set(Instant.parse("2026-03-10T14:30:00Z")); // 22:30 in Shanghai
        SendOutcome promo = send("p", ids.get(0), source + "-promo", Map.of());
        SendOutcome notice = send("n", ids.get(1), source + "-notice", Map.of());
        assertThat(promo.heldReason()).contains("quiet-hours");
        assertThat(promo.plannedAt()).isEqualTo(Instant.parse("2026-03-11T01:00:00Z")); // 09:00 next morning
        assertThat(notice.heldReason()).isEmpty();

        assertThat(outbox.dispatchDue()).isEqualTo(1);
        assertThat(mailTo(email(0))).isEmpty();
        assertThat(mailTo(email(1))).hasSize(1);

        clock.set(Instant.parse("2026-03-11T00:59:00Z"));
        assertThat(outbox.dispatchDue()).isZero();
        clock.set(Instant.parse("2026-03-11T01:00:00Z"));
        assertThat(outbox.dispatchDue()).isEqualTo(1);
        assertThat(mailTo(email(0))).hasSize(1);
    }

    @Test
    void should_apply_quiet_hours_in_the_customers_own_time_zone() {
        long london = customers(1, "Europe/London").getFirst();
        template(source + "-promo", "email", "marketing", List.of(), "新品", "New");
        clock.set(Instant.parse("2026-03-10T14:30:00Z")); // 22:30 in Shanghai, 14:30 in London
        assertThat(send("l", london, source + "-promo", Map.of()).heldReason()).isEmpty();
    }

    @Test
    void should_suppress_marketing_over_the_daily_cap_and_count_it_but_not_service_messages() {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-m", "email", "marketing", List.of("n"), "活动 {{n}}", "Offer {{n}}");
        template(source + "-s", "email", "service", List.of("n"), "服务 {{n}}", "Service {{n}}");
        assertThat(send("m1", customer, source + "-m", Map.of("n", "1")).status()).isEqualTo("PENDING");
        assertThat(send("m2", customer, source + "-m", Map.of("n", "2")).status()).isEqualTo("PENDING");
        SendOutcome third = send("m3", customer, source + "-m", Map.of("n", "3"));
        assertThat(third.status()).isEqualTo("SUPPRESSED");
        assertThat(third.reason()).contains("frequency-cap-day");
        assertThat(send("s1", customer, source + "-s", Map.of("n", "1")).status()).isEqualTo("PENDING");

        clock.advance(Duration.ofDays(1)); // Wednesday
        assertThat(send("m4", customer, source + "-m", Map.of("n", "4")).status()).isEqualTo("PENDING");
        clock.advance(Duration.ofDays(1)); // Thursday
        assertThat(send("m5", customer, source + "-m", Map.of("n", "5")).status()).isEqualTo("PENDING");
        assertThat(send("m6", customer, source + "-m", Map.of("n", "6")).status()).isEqualTo("PENDING");
        clock.advance(Duration.ofDays(1)); // Friday: five this week already
        SendOutcome overWeek = send("m7", customer, source + "-m", Map.of("n", "7"));
        assertThat(overWeek.reason()).contains("frequency-cap-week");

        var stats = admin().get("/api/v1/channel/stats?origin=test");
        assertThat(stats.json().get("suppressedByReason").get("frequency-cap-day").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void should_send_one_message_for_a_replayed_dedupe_key_and_suppress_identical_content() {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-d", "email", "service", List.of(), "同样的内容", "Same content");
        SendOutcome first = send("same", customer, source + "-d", Map.of());
        SendOutcome replay = send("same", customer, source + "-d", Map.of());
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.outboxId()).isEqualTo(first.outboxId());
        SendOutcome identical = send("other-key", customer, source + "-d", Map.of());
        assertThat(identical.status()).isEqualTo("SUPPRESSED");
        assertThat(identical.reason()).contains("duplicate");
        assertThat(outbox.dispatchDue()).isEqualTo(1);
    }

    @Test
    void should_replay_the_stored_outcome_of_a_key_said_to_be_unused_that_exists_after_all() {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-u", "email", "service", List.of(), "只发一次", "Once only");
        SendOutcome first = send("unused", customer, source + "-u", Map.of());
        SendRequest again = new SendRequest(source + "-unused", customer, source + "-u", Map.of(), "test");
        SendOutcome replay = outbox.enqueueAll(List.of(again), java.util.Set.of(again.dedupeKey())).getFirst()
                .outcome().orElseThrow();
        assertThat(replay.replayed()).isTrue();
        assertThat(replay.outboxId()).isEqualTo(first.outboxId());
        assertThat(replay.status()).isEqualTo(first.status());
        assertThat(outbox.dispatchDue()).isEqualTo(1);
    }

    @Test
    void should_send_no_marketing_to_a_customer_without_any_marketing_consent_when_the_basis_is_consent()
            throws Exception {
        long customer = customersWithoutConsent(1, "Asia/Shanghai").getFirst();
        assertThat(consents.history(customer)).isEmpty();
        template(source + "-promo", "email", "marketing", List.of(), "促销", "Sale");
        template(source + "-receipt", "email", "service", List.of(), "收据", "Receipt");

        SendOutcome marketing = send("m", customer, source + "-promo", Map.of());
        assertThat(marketing.status()).isEqualTo("SUPPRESSED");
        assertThat(marketing.reason()).contains("no-consent");
        SendOutcome service = send("s", customer, source + "-receipt", Map.of());
        assertThat(service.status()).as("service messages rest on the contract, not on consent").isEqualTo("PENDING");
        assertThat(outbox.dispatchDue()).isEqualTo(1);
        assertThat(mailTo(email(0))).hasSize(1);
        assertThat(mailTo(email(0)).getFirst().getSubject()).isEqualTo("您好 张伟0");
        assertThat((String) mailTo(email(0)).getFirst().getContent()).contains("收据").doesNotContain("促销");
    }

    @Test
    void should_suppress_without_consent_at_enqueue_and_when_consent_is_withdrawn_while_held() throws Exception {
        List<Long> ids = customers(2, "Asia/Shanghai");
        template(source + "-promo", "email", "marketing", List.of(), "促销", "Sale");
        ChannelTestSupport.marketingConsent(consents, ids.get(0), false, "email");
        SendOutcome denied = send("a", ids.get(0), source + "-promo", Map.of());
        assertThat(denied.status()).isEqualTo("SUPPRESSED");
        assertThat(denied.reason()).contains("consent-withdrawn");

        clock.set(Instant.parse("2026-03-10T14:30:00Z"));
        SendOutcome held = send("b", ids.get(1), source + "-promo", Map.of());
        assertThat(held.status()).isEqualTo("PENDING");
        ChannelTestSupport.marketingConsent(consents, ids.get(1), false, "email");
        clock.set(Instant.parse("2026-03-11T01:00:00Z"));
        assertThat(outbox.dispatchDue()).isEqualTo(1);
        Outbox.Entry entry = outbox.get(held.outboxId());
        assertThat(entry.status()).isEqualTo("SUPPRESSED");
        assertThat(entry.suppressionReason()).isEqualTo("consent-withdrawn");
        assertThat(mailTo(email(0))).isEmpty();
        assertThat(mailTo(email(1))).isEmpty();
    }

    @Test
    void should_reject_templates_with_unknown_variables_naming_the_path() {
        var response = admin().putJson("/api/v1/channel/templates/" + source + "-bad", Map.of(
                "channel", "email", "purpose", "marketing", "variables", List.of("coupon"), "defaultLanguage", "en",
                "texts", Map.of("en", Map.of("subject", "Hi", "body", "Code {{coupon}} for {{cart_url}}"))));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("invalid-template");
        assertThat(response.json().get("field").asString()).isEqualTo("texts.en.body");
        assertThat(response.json().get("problems").get(0).get("variable").asString()).isEqualTo("cart_url");

        var unknownChannel = admin().putJson("/api/v1/channel/templates/" + source + "-bad2", Map.of(
                "channel", "fax", "purpose", "marketing", "defaultLanguage", "en",
                "texts", Map.of("en", Map.of("body", "x"))));
        assertThat(unknownChannel.status()).isEqualTo(400);
        assertThat(unknownChannel.json().get("field").asString()).isEqualTo("channel");
    }

    @Test
    void should_fall_back_to_the_default_language_and_to_variable_fallbacks() {
        long london = customers(1, "Europe/London").getFirst();
        var only = admin().putJson("/api/v1/channel/templates/" + source + "-zh", Map.of(
                "channel", "sms", "purpose", "service", "variables", List.of("store"), "defaultLanguage", "zh-CN",
                "texts", Map.of("zh-CN", Map.of("body", "门店 {{store|最近的门店}} 欢迎您"))));
        assertThat(only.status()).as(only.body()).isEqualTo(200);
        template(source + "-both", "sms", "service", List.of(), "中文", "English");
        assertThat(send("en", london, source + "-both", Map.of()).status()).isEqualTo("PENDING");
        assertThat(send("zh", london, source + "-zh", Map.of()).status()).isEqualTo("PENDING");
        outbox.dispatchDue();
        assertThat(gateway.delivered()).extracting(TestGateway.Received::body)
                .anySatisfy(b -> assertThat(b).contains("\"body\":\"English\"").contains("\"language\":\"en\""))
                .anySatisfy(b -> assertThat(b).contains("门店 最近的门店 欢迎您").contains("\"language\":\"zh-CN\""));

        var missing = admin().postJson("/api/v1/channel/sends", Map.of("dedupeKey", source + "-x",
                "customerId", london, "template", source + "-zh", "variables", Map.of("unknown", "1")));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("field").asString()).isEqualTo("variables.unknown");
    }

    @Test
    void should_preview_a_template_with_a_real_customer_masked() {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-bday", "email", "marketing", List.of("gift"), "{{customer.name}} 生日 {{customer.birthday}} 礼物 {{gift}}",
                "Happy birthday {{customer.name}}");
        var preview = admin().postJson("/api/v1/channel/templates/" + source + "-bday/preview",
                Map.of("customerId", customer));
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        String body = preview.json().get("body").asString();
        assertThat(body).startsWith("张*").doesNotContain("张伟0").contains("****-04-01").contains("[gift]");
        var english = admin().postJson("/api/v1/channel/templates/" + source + "-bday/preview",
                Map.of("customerId", customer, "language", "en"));
        assertThat(english.json().get("body").asString()).isEqualTo("Happy birthday " + io.rapport.privacy.PersonalDataMask.name("张伟0"));
    }

    @Test
    void should_store_engagement_events_once_and_publish_them() {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-e", "sms", "service", List.of(), "你好", "Hi");
        SendOutcome sent = send("e", customer, source + "-e", Map.of());
        outbox.dispatchDue();
        var events = List.of(
                Map.of("eventId", source + "-1", "messageId", source + "-e", "kind", "delivered"),
                Map.of("eventId", source + "-2", "outboxId", sent.outboxId(), "kind", "clicked"),
                Map.of("eventId", source + "-3", "outboxId", sent.outboxId(), "kind", "exploded"));
        var first = admin().postJson("/api/v1/channel/events/smsgw", events);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("stored").asInt()).isEqualTo(2);
        assertThat(first.json().get("rejected").get(0).get("index").asInt()).isEqualTo(2);
        var replay = admin().postJson("/api/v1/channel/events/smsgw", events.subList(0, 2));
        assertThat(replay.json().get("stored").asInt()).isZero();
        assertThat(replay.json().get("replayed").asInt()).isEqualTo(2);
        var stats = admin().get("/api/v1/channel/stats?origin=test");
        assertThat(stats.json().get("eventsByKind").get("clicked").asInt()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void should_give_each_message_to_exactly_one_of_two_dispatchers_polling_at_once() throws Exception {
        List<Long> ids = customers(40, "Asia/Shanghai");
        template(source + "-many", "sms", "service", List.of("i"), "消息 {{i}}", "Message {{i}}");
        for (int i = 0; i < ids.size(); i++) {
            send("many-" + i, ids.get(i), source + "-many", Map.of("i", Integer.toString(i)));
        }
        OutboxDispatcher first = smallBatchDispatcher();
        OutboxDispatcher second = smallBatchDispatcher();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Integer>> both = List.of(first::dispatchDue, second::dispatchDue);
            int total = 0;
            for (Future<Integer> f : pool.invokeAll(both)) {
                total += f.get();
            }
            assertThat(total).isEqualTo(40);
        } finally {
            pool.shutdown();
        }
        assertThat(gateway.delivered()).hasSize(40);
        assertThat(gateway.delivered().stream().map(r -> r.header("Idempotency-Key")).distinct()).hasSize(40);
    }

    @Test
    void should_send_the_rest_of_a_batch_when_one_message_fails_and_retry_only_that_one_once_after_its_backoff() {
        List<Long> ids = customers(6, "Asia/Shanghai");
        template(source + "-part", "sms", "service", List.of("i"), "消息 {{i}}", "Message {{i}}");
        for (int i = 0; i < ids.size(); i++) {
            send("part-" + i, ids.get(i), source + "-part", Map.of("i", Integer.toString(i)));
        }
        gateway.failOnce(phone(3), 503);
        assertThat(outbox.dispatchDue()).isEqualTo(6);
        assertThat(gateway.received()).hasSize(6);
        assertThat(deliveredKeys()).hasSize(5).doesNotContain(source + "-part-3");
        Outbox.Entry failed = outbox.get(outbox.find(source + "-part-3").orElseThrow().outboxId());
        assertThat(failed.status()).isEqualTo("PENDING");
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastError()).contains("503");
        assertThat(outbox.dispatchDue()).as("its backoff is not over").isZero();

        clock.advance(Duration.ofSeconds(30));
        assertThat(outbox.dispatchDue()).as("only the failed one again").isEqualTo(1);
        clock.advance(Duration.ofHours(2));
        assertThat(outbox.dispatchDue()).isZero();
        assertThat(deliveredKeys()).as("each message delivered exactly once").hasSize(6).doesNotHaveDuplicates();
        for (int i = 0; i < ids.size(); i++) {
            Outbox.Entry entry = outbox.get(outbox.find(source + "-part-" + i).orElseThrow().outboxId());
            assertThat(entry.status()).as("message " + i).isEqualTo("SENT");
            assertThat(entry.attempts()).as("message " + i).isEqualTo(i == 3 ? 2 : 1);
        }
    }

    @Test
    void should_send_the_other_emails_of_a_batch_once_and_dead_letter_an_invalid_address_alone()
            throws Exception {
        List<Long> ids = customers(5, "Asia/Shanghai");
        template(source + "-conn", "email", "service", List.of("i"), "第 {{i}} 封", "Mail {{i}}");
        for (int i = 0; i < ids.size(); i++) {
            send("conn-" + i, ids.get(i), source + "-conn", Map.of("i", Integer.toString(i)));
        }
        // an address no SMTP server can take, as if the profile had been changed after the message was queued
        long bad = outbox.find(source + "-conn-2").orElseThrow().outboxId();
        db.update(DSL.table("channel_outbox")).set(DSL.field("recipient", String.class),
                protection.sealed("not an address@@example.com")).where(DSL.field("id").eq(bad)).execute();
        assertThat(outbox.dispatchDue()).isEqualTo(5);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(mailTo(email(i))).as("customer " + i).hasSize(i == 2 ? 0 : 1);
        }
        Outbox.Entry dead = outbox.get(bad);
        assertThat(dead.status()).isEqualTo("DEAD");
        assertThat(dead.deadReason()).startsWith("refused: invalid address");
        clock.advance(Duration.ofHours(2));
        assertThat(outbox.dispatchDue()).isZero();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(mailTo(email(i))).as("customer " + i + ", later").hasSize(i == 2 ? 0 : 1);
        }
    }

    List<String> deliveredKeys() {
        return gateway.delivered().stream().map(r -> r.header("Idempotency-Key"))
                .filter(k -> k.startsWith(source + "-")).toList();
    }

    /** Erases a customer through the data-subject request API (create, verify, complete); returns when committed. */
    void erase(long customerId) {
        long request = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", customerId,
                "type", "erasure", "regime", "gdpr")).json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + request + "/verify", Map.of("method", "in store"));
        var done = admin().postJson("/api/v1/privacy/requests/" + request + "/complete", "");
        assertThat(done.json().get("status").asString()).as(done.body()).isEqualTo("COMPLETED");
    }

    String phone(int i) {
        return "+86138" + String.format("%08d", Math.abs((source + i).hashCode()) % 100_000_000);
    }

    @Test
    void should_not_send_a_retrying_message_after_its_customer_is_erased_and_blank_what_it_held() throws Exception {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-erase", "email", "service", List.of(), "您好 {{customer.name}}", "Hello {{customer.name}}");
        smtp.stop();
        SendOutcome outcome;
        try {
            outcome = send("erase", customer, source + "-erase", Map.of());
            assertThat(outbox.dispatchDue()).isEqualTo(1);
            assertThat(outbox.get(outcome.outboxId()).status()).as("waiting for a retry").isEqualTo("PENDING");
            erase(customer);
        } finally {
            smtp = ChannelTestSupport.smtp(SMTP_PORT);
        }
        clock.advance(Duration.ofHours(3));
        assertThat(outbox.dispatchDue()).isZero();
        assertThat(mailTo(email(0))).isEmpty();
        var row = db.select(DSL.field("status", String.class), DSL.field("suppression_reason", String.class),
                        DSL.field("recipient", String.class), DSL.field("subject", String.class),
                        DSL.field("body", String.class), DSL.field("content_hash", String.class))
                .from("channel_outbox").where(DSL.field("id").eq(outcome.outboxId())).fetchOne();
        assertThat(row.value1()).isEqualTo("SUPPRESSED");
        assertThat(row.value2()).isEqualTo("erased");
        assertThat(row.value3()).isNull();
        assertThat(row.value4()).isNull();
        assertThat(row.value5()).isNull();
        assertThat(row.value6()).isNull();
    }

    @Test
    void should_send_nothing_to_an_erased_customer_once_the_erasure_has_committed_even_mid_dispatch()
            throws Exception {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-race", "sms", "service", List.of("i"), "消息 {{i}}", "Message {{i}}");
        for (int i = 0; i < 30; i++) {
            send("race-" + i, customer, source + "-race", Map.of("i", Integer.toString(i)));
        }
        gateway.stall(120); // each send takes a while: the erasure lands while the batch is being sent
        // groups of two: fifteen of them one after the other, so the batch lasts longer than the erasure's requests
        OutboxDispatcher twoAtATime = anotherDispatcher(100, 2);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> dispatching = pool.submit(twoAtATime::dispatchDue);
            while (gateway.received().isEmpty() && !dispatching.isDone()) {
                Thread.sleep(10);
            }
            erase(customer);
            int receivedWhenErased = gateway.received().size();
            dispatching.get();
            assertThat(receivedWhenErased).as("the erasure came in the middle of the batch").isBetween(1, 29);
            assertThat(gateway.received()).as("nothing sent after the erasure committed")
                    .hasSize(receivedWhenErased);
        } finally {
            pool.shutdown();
            gateway.answer(200);
        }
        assertThat(gateway.received()).allSatisfy(r -> assertThat(r.body()).contains(phone(0)));
        assertThat(db.fetchCount(DSL.table("channel_outbox"), DSL.field("customer_id").eq(customer)
                .and(DSL.field("recipient").isNotNull().or(DSL.field("body").isNotNull())))).isZero();
        assertThat(db.fetchCount(DSL.table("channel_outbox"), DSL.field("customer_id").eq(customer)
                .and(DSL.field("status").in("PENDING", "SENDING")))).isZero();
        clock.advance(Duration.ofHours(3));
        int before = gateway.received().size();
        outbox.dispatchDue();
        assertThat(gateway.received()).hasSize(before);
    }

    /** Whether some session of this database is blocked by another one's lock. */
    boolean sessionWaitingForALock() {
        return db.dialect().family() == org.jooq.SQLDialect.POSTGRES
                ? db.fetchCount(DSL.table("pg_stat_activity"), DSL.field("wait_event_type").eq("Lock")) > 0
                : db.fetchCount(DSL.table(DSL.name("information_schema", "sessions")),
                        DSL.field("blocker_id").isNotNull()) > 0;
    }

    /**
     * The narrowest race: the erasure arrives after the dispatcher has claimed a message and checked consent, just
     * before the adapter hands it to the SMTP server. The adapter here starts the erasure at that moment and gives it
     * time to commit before it sends. Nothing may reach the address after the erasure has committed: either the
     * erasure waits for this send, or the send sees the erasure.
     */
    @Test
    void should_not_hand_a_message_to_smtp_after_an_erasure_that_came_between_consent_check_and_send()
            throws Exception {
        long customer = customers(1, "Asia/Shanghai").getFirst();
        template(source + "-gap", "email", "service", List.of("i"), "第 {{i}} 封", "Mail {{i}}");
        for (int i = 0; i < 3; i++) {
            send("gap-" + i, customer, source + "-gap", Map.of("i", Integer.toString(i)));
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        java.util.concurrent.atomic.AtomicInteger mailsWhenErased = new java.util.concurrent.atomic.AtomicInteger(-1);
        List<Future<?>> erasure = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<ChannelAdapter> erasingFirst = adapters.stream().map(real -> (ChannelAdapter) new ChannelAdapter() {
            public java.util.Set<ChannelKind> channels() {
                return real.channels();
            }

            public java.util.Optional<String> send(OutboundMessage message) throws SendFailure {
                if (erasure.isEmpty()) {
                    erasure.add(pool.submit(() -> {
                        erase(customer);
                        mailsWhenErased.set(mailTo(email(0)).size());
                        return null;
                    }));
                    // until the erasure has committed, or waits for a lock (the row this send holds)
                    while (!erasure.getFirst().isDone() && !sessionWaitingForALock()) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                return real.send(message);
            }
        }).toList();
        OutboxDispatcher dispatcher = new OutboxDispatcher(db, clock,
                new org.springframework.transaction.support.TransactionTemplate(transactionManager), settings,
                guards, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), erasingFirst, protection);
        try {
            dispatcher.dispatchDue();
            erasure.getFirst().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
        }
        assertThat(mailTo(email(0))).as("mails to the erased address, %s of them before the erasure committed",
                mailsWhenErased.get()).hasSize(mailsWhenErased.get());
        assertThat(db.fetchCount(DSL.table("channel_outbox"), DSL.field("customer_id").eq(customer)
                .and(DSL.field("recipient").isNotNull()))).isZero();
    }

    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactionManager;
    @Autowired
    List<ChannelAdapter> adapters;
    @Autowired
    OutboxProtection protection;

    /** A second dispatcher "instance" over the same database, claiming five messages at a time. */
    OutboxDispatcher smallBatchDispatcher() {
        return anotherDispatcher(5, settings.dispatch().concurrency());
    }

    /** Another dispatcher "instance" over the same database, claiming and sending groups of the given sizes. */
    OutboxDispatcher anotherDispatcher(int batchSize, int concurrency) {
        var d = settings.dispatch();
        var small = new ChannelProperties(settings.from(),
                settings.defaultLanguage(), settings.dedupeWindow(),
                new ChannelProperties.Dispatch(true, d.interval(), batchSize, d.maxAttempts(), d.backoff(),
                        d.maxBackoff(), d.lease(), concurrency), settings.quietHours(), settings.caps(),
                settings.gateways());
        return new OutboxDispatcher(db, clock,
                new org.springframework.transaction.support.TransactionTemplate(transactionManager), small,
                guards, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), adapters, protection);
    }
}

@OnH2
class ChannelOnH2Test extends ChannelTests {}

@OnPostgres
class ChannelOnPostgresTest extends ChannelTests {}
