package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import io.rapport.channel.ChannelTestSupport;
import io.rapport.channel.Outbox;
import io.rapport.privacy.Consents;
import io.rapport.testing.MutableClock;
import io.rapport.testing.ServerTest;
import io.rapport.testing.TestGateway;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What journey tests share: real SMTP and gateway, the hand-moved clock, fast timer polling, and the real consent
 * ledger. The brand here markets to its existing customers on legitimate interests (GDPR art. 6(1)(f), recital 47;
 * {@code rapport.privacy.lawful-basis}), so customers created by events and orders may receive marketing until they
 * opt out; an opt-out is recorded in the ledger ({@link ChannelTestSupport#marketingConsent}) and suppresses sends
 * as {@code consent-withdrawn}. Marketing without any grant under the default basis (consent) is in ChannelTests.
 */
@Import(ChannelTestSupport.Beans.class)
@TestPropertySource(properties = {"rapport.journey.polling-interval=PT0.1S", "rapport.test.context=journey",
        "rapport.privacy.lawful-basis.marketing=legitimate_interests"})
abstract class JourneyTestBase extends ServerTest {

    static final int SMTP_PORT = ChannelTestSupport.freePort();
    static GreenMail smtp;
    static TestGateway gateway;

    @Autowired
    MutableClock clock;
    @Autowired
    Consents consents;
    @Autowired
    Outbox outbox;
    @Autowired
    JourneyTimers timers;
    @Autowired
    Journeys journeys;

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
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    /** Moves the clock and lets due timers run; returns when {@code done} holds (a condition, not a time limit). */
    void advance(Duration by, BooleanSupplier done) {
        clock.advance(by);
        awaitTimers(done);
    }

    void awaitTimers(BooleanSupplier done) {
        for (int i = 0; i < 600 && !done.getAsBoolean(); i++) {
            timers.checkNow();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(done.getAsBoolean()).as("timers did their work").isTrue();
    }

    /** Timers that are due now and not yet run. */
    long dueTimers() {
        return db.fetchCount(DSL.table("journey_scheduled_tasks"),
                DSL.field("execution_time", java.time.OffsetDateTime.class)
                        .le(clock.instant().atOffset(java.time.ZoneOffset.UTC))
                        .and(DSL.field("task_name", String.class).ne(JourneyTimers.DATES)));
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

    long customerByEmail(String email) {
        return db.select(DSL.field("customer_id", Long.class)).from("customer_identity")
                .where(DSL.field("kind").eq("EMAIL")).and(DSL.field("id_value").eq(email)).fetchOne().value1();
    }

    void template(String code, String purpose, List<String> variables, String body) {
        var response = admin().putJson("/api/v1/channel/templates/" + code, Map.of("channel", "email",
                "purpose", purpose, "variables", variables, "defaultLanguage", "zh-CN",
                "texts", Map.of("zh-CN", Map.of("subject", code, "body", body))));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    void saveJourney(String code, String definition) {
        var response = admin().putJson("/api/v1/journeys/" + code, tools.jackson.databind.json.JsonMapper.builder()
                .build().readTree(definition));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    void event(String email, String type, Instant at, String id) {
        var response = admin().postJson("/api/v1/events", Map.of("external_id", id, "source", source, "type", type,
                "occurred_at", at.toString(), "email", email));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    void order(String email, String orderId, Instant at, String sku) {
        String csv = "order_id,line_no,customer_id,email,channel,ordered_at,sku,quantity,unit_price,currency,kind\n"
                + orderId + ",1," + email + "," + email + ",shop," + at + "," + sku + ",1,199.00,CNY,sale\n";
        var response = importFile("orders", "native", "o.csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(response.json().get("rejected").asLong()).as(response.body()).isZero();
    }

    /** A customer imported with a name, an email and a time zone (Shanghai); returns the id. */
    long importedCustomer(String name) {
        String email = source + "-" + name + "@example.com";
        String csv = "customer_id,name,email,time_zone\n" + source + "-" + name + ",王小明," + email
                + ",Asia/Shanghai\n";
        assertThat(importFile("customers", "native", "c.csv", csv.getBytes(StandardCharsets.UTF_8)).status())
                .isLessThan(300);
        return customerByEmail(email);
    }

    /** The outcomes an instance's steps logged, in order. */
    List<String> stepOutcomes(long instanceId) {
        return db.select(DSL.field("outcome", String.class)).from("journey_step_log")
                .where(DSL.field("instance_id").eq(instanceId)).orderBy(DSL.field("id")).fetch().getValues(0,
                        String.class);
    }

    /** The steps an instance's log names, in order. */
    List<String> stepsTaken(long instanceId) {
        return db.select(DSL.field("step_id", String.class)).from("journey_step_log")
                .where(DSL.field("instance_id").eq(instanceId)).orderBy(DSL.field("id")).fetch().getValues(0,
                        String.class);
    }

    long enrolByApi(String code, long customerId, String key) {
        return enrol(code, customerId, key).get("instanceId").asLong();
    }

    List<Long> customers(int count) {
        return customers(count, "");
    }

    List<Long> customers(int count, String birthday) {
        StringBuilder csv = new StringBuilder("customer_id,name,email,time_zone,birthday\n");
        for (int i = 0; i < count; i++) {
            csv.append(source).append('-').append(i).append(",客户").append(i).append(',').append(email(i))
                    .append(",Asia/Shanghai,").append(birthday).append('\n');
        }
        var response = importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isLessThan(300);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(customerByEmail(email(i)));
        }
        return ids;
    }

    String email(int i) {
        return source + "-" + i + "@example.com";
    }

    JsonNode enrol(String code, long customerId, String key) {
        var response = admin().postJson("/api/v1/journeys/" + code + "/enrolments",
                Map.of("customerId", customerId, "key", key));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** The answer form's POST, without login or cookies, as a browser would send it from the page. */
    java.net.http.HttpResponse<String> answer(String path, String score) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("score=" + score)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}
