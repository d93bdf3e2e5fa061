package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.channel.SendRequest;
import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.test.context.TestPropertySource;

/**
 * Measurements for docs/benchmarks.md, run by hand ({@code -Drapport.bench=true}): event to message in the outbox
 * through the event API and an event-triggered journey, and dispatch to local SMTP and HTTP servers. Prints numbers;
 * asserts only that the work was done.
 */
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
@TestPropertySource(properties = "rapport.test.context=journey-bench")
abstract class JourneyBenchmarks extends JourneyTestBase {

    static final int CUSTOMERS = 5000;
    static final int BATCH = 100;

    @Test
    void measure_event_to_outbox_and_dispatch() throws Exception {
        StringBuilder csv = new StringBuilder("customer_id,name,email,phone,time_zone\n");
        for (int i = 0; i < CUSTOMERS; i++) {
            csv.append("b").append(i).append(",Bench ").append(i).append(",b").append(i).append('-').append(source)
                    .append("@example.com,+86139").append(String.format("%08d", i)).append(",Asia/Shanghai\n");
        }
        assertThat(importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .status()).isLessThan(300);
        template("bench-mail", "service", List.of(), "你好 {{customer.name}}");
        admin().putJson("/api/v1/channel/templates/bench-sms", Map.of("channel", "sms", "purpose", "service",
                "defaultLanguage", "zh-CN", "texts", Map.of("zh-CN", Map.of("body", "短信 {{customer.name}}"))));
        saveJourney("bench", """
            {"name": "bench", "trigger": {"type": "event", "event": "bench_ping"}, "holdoutPercent": 0,
             "reentry": "always", "steps": [{"id": "mail", "type": "send", "template": "bench-mail"}]}""");
        journeys.setStatus("bench", "active");

        // a machine client posts with an API key (a SHA-256 check); -Dbench.auth=basic: the admin's password (bcrypt
        // per request, tens of milliseconds on this machine), as measured before 2026-11-26
        Http client = admin();
        String keyId = null;
        if (!"basic".equals(System.getProperty("bench.auth"))) {
            var issued = admin().postJson("/api/v1/api-keys", Map.of("name", "bench-" + source,
                    "roles", List.of("admin"))).json();
            client = Http.apiKey(port, issued.get("secret").asString());
            keyId = issued.get("key").get("id").asString();
        }
        long[] latencies = new long[CUSTOMERS / BATCH];
        long started = System.nanoTime();
        for (int b = 0; b < CUSTOMERS / BATCH; b++) {
            List<Map<String, String>> events = new ArrayList<>();
            for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
                events.add(Map.of("external_id", "p" + i, "source", source, "type", "bench_ping",
                        "occurred_at", clock.instant().toString(), "email", "b" + i + "-" + source + "@example.com"));
            }
            long t = System.nanoTime();
            assertThat(client.postJson("/api/v1/events", events).status()).isEqualTo(200);
            latencies[b] = System.nanoTime() - t;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(latencies);
        System.out.printf("BENCH event->outbox: %d events in batches of %d: %.0f events/s; batch latency p50 %.1f ms,"
                        + " p99 %.1f ms%n", CUSTOMERS, BATCH, CUSTOMERS / seconds,
                latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6);
        assertThat(journeys.stats("bench").treatment().entered()).isEqualTo(CUSTOMERS);
        if (keyId != null) {
            admin().delete("/api/v1/api-keys/" + keyId);
        }
        if (Boolean.getBoolean("bench.skipDispatch")) {
            return; // -Dbench.skipDispatch=true: the enqueue side only
        }

        long t = System.nanoTime();
        int sent = outbox.dispatchDue();
        double mailSeconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("BENCH dispatch SMTP (GreenMail, loopback): %d emails in %.1f s = %.0f/s%n", sent,
                mailSeconds, sent / mailSeconds);
        assertThat(smtp.getReceivedMessages().length).isGreaterThanOrEqualTo(CUSTOMERS);

        for (int i = 0; i < CUSTOMERS; i++) {
            outbox.enqueue(new SendRequest("bench-sms-" + i, customerByEmail("b" + i + "-" + source + "@example.com"),
                    "bench-sms", Map.of(), "bench"));
        }
        t = System.nanoTime();
        sent = outbox.dispatchDue();
        double smsSeconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("BENCH dispatch HTTP gateway (JDK HttpServer, loopback, HMAC-signed): %d SMS in %.1f s ="
                + " %.0f/s%n", sent, smsSeconds, sent / smsSeconds);
        assertThat(gateway.delivered()).hasSizeGreaterThanOrEqualTo(CUSTOMERS);
    }

    /**
     * What the in-memory list of active journeys saves on every event, score change and segment change: the lookup
     * read from the database (one query; definitions parsed once per version either way) against the cached list.
     */
    @Test
    void measure_active_journey_lookup() {
        for (int i = 0; i < 20; i++) {
            saveJourney("lookup-" + i, """
                {"name": "lookup", "trigger": {"type": "event", "event": "lookup_%d"}, "holdoutPercent": 0,
                 "steps": [{"id": "done", "type": "goal"}]}""".formatted(i));
            journeys.setStatus("lookup-" + i, "active");
        }
        ActiveJourneys uncached = new ActiveJourneys(journeys::loadActive, java.time.Duration.ZERO);
        int calls = 5000;
        for (int i = 0; i < 500; i++) {
            uncached.get();
            journeys.active();
        }
        long t = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            assertThat(uncached.get()).hasSizeGreaterThanOrEqualTo(20);
        }
        double readMicros = (System.nanoTime() - t) / 1e3 / calls;
        t = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            assertThat(journeys.active()).hasSizeGreaterThanOrEqualTo(20);
        }
        double cachedMicros = (System.nanoTime() - t) / 1e3 / calls;
        System.out.printf("BENCH active journeys (20): read from the database %.1f us per lookup, cached %.2f us%n",
                readMicros, cachedMicros);
    }
}

// JUnit does not inherit the condition from the abstract class: without it here the benchmark runs in every build
@OnH2
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class JourneyBenchmarksOnH2Test extends JourneyBenchmarks {}

@OnPostgres
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
class JourneyBenchmarksOnPostgresTest extends JourneyBenchmarks {}
