package io.rapport.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import io.rapport.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Dispatch throughput for docs/benchmarks.md, run by hand ({@code -Drapport.bench=true}, size with
 * {@code -Dbench.messages}, default 2,000): that many service emails queued, then delivered to GreenMail with one
 * {@code dispatchDue()}; the same number of SMS to the local HTTP gateway (JDK HttpServer, HMAC-signed). Queueing is
 * not timed. Prints numbers; asserts only that every message arrived once.
 */
@Import(ChannelTestSupport.Beans.class)
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
@TestPropertySource(properties = "rapport.test.context=channel-bench")
abstract class ChannelDispatchBenchmarks extends ServerTest {

    static final int MESSAGES = Integer.getInteger("bench.messages", 2000);
    static final int SMTP_PORT = ChannelTestSupport.freePort();
    static GreenMail smtp;
    static TestGateway gateway;

    @Autowired
    Outbox outbox;

    @DynamicPropertySource
    static void channelProperties(DynamicPropertyRegistry registry) {
        gateway = TestGateway.start();
        ChannelTestSupport.properties(registry, SMTP_PORT, gateway);
    }

    @BeforeAll
    static void startSmtp() {
        smtp = ChannelTestSupport.smtp(SMTP_PORT);
    }

    @AfterAll
    static void stopServers() {
        smtp.stop();
        gateway.close();
    }

    @Test
    void measure_dispatch_to_smtp_and_http_gateway() {
        StringBuilder csv = new StringBuilder("customer_id,name,email,phone,time_zone\n");
        for (int i = 0; i < MESSAGES; i++) {
            csv.append(source).append('-').append(i).append(",Bench ").append(i).append(',').append(source)
                    .append('-').append(i).append("@example.com,+86137").append(String.format("%08d", i))
                    .append(",Asia/Shanghai\n");
        }
        assertThat(importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .status()).isLessThan(300);
        List<Long> customers = db.select(DSL.field("customer_id", Long.class)).from("customer_identity")
                .where(DSL.field("kind").eq("EMAIL")).and(DSL.field("id_value").like(source + "-%"))
                .fetch(r -> r.value1());
        assertThat(customers).hasSize(MESSAGES);
        for (String channel : List.of("email", "sms")) {
            var template = admin().putJson("/api/v1/channel/templates/" + source + "-" + channel, Map.of(
                    "channel", channel, "purpose", "service", "defaultLanguage", "zh-CN",
                    "texts", Map.of("zh-CN", Map.of("subject", "您好", "body", "你好 {{customer.name}}，订单已发货"))));
            assertThat(template.status()).as(template.body()).isEqualTo(200);
        }
        outbox.dispatchDue(); // whatever other tests left due goes out before the clock starts

        for (String channel : List.of("email", "sms")) {
            for (long customer : customers) {
                outbox.enqueue(new SendRequest(source + "-" + channel + "-" + customer, customer,
                        source + "-" + channel, Map.of(), "bench"));
            }
            double load = loadAverage();
            long t = System.nanoTime();
            int sent = outbox.dispatchDue();
            double seconds = (System.nanoTime() - t) / 1e9;
            System.out.printf("BENCH dispatch %s: %d messages in %.2f s = %.0f/s (load average %.2f before, %.2f"
                    + " after)%n", channel.equals("email") ? "SMTP (GreenMail, loopback)"
                    : "HTTP gateway (JDK HttpServer, loopback, HMAC)", sent, seconds, sent / seconds, load,
                    loadAverage());
            assertThat(sent).isGreaterThanOrEqualTo(MESSAGES);
        }
        assertThat(smtp.getReceivedMessages()).hasSizeGreaterThanOrEqualTo(MESSAGES);
        assertThat(gateway.delivered().stream().map(r -> r.header("Idempotency-Key"))
                .filter(k -> k.startsWith(source + "-sms-")).distinct().count()).isEqualTo(MESSAGES);
        assertThat(gateway.delivered().stream().filter(r -> r.header("Idempotency-Key").startsWith(source)))
                .hasSize(MESSAGES);
    }

    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}

// JUnit does not inherit the condition from the abstract class: without it here the benchmark runs in every build
@OnH2
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class ChannelDispatchBenchmarksOnH2Test extends ChannelDispatchBenchmarks {}

@OnPostgres
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class ChannelDispatchBenchmarksOnPostgresTest extends ChannelDispatchBenchmarks {}
