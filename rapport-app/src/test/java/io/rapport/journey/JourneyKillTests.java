package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.channel.ChannelTestSupport;
import io.rapport.testing.Http;
import io.rapport.testing.PostgresAvailable;
import io.rapport.testing.ServerProcess;
import io.rapport.testing.ServerProcessTest;
import io.rapport.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real server process with a thousand customers waiting in a journey is killed with SIGKILL; the restarted server
 * resumes every one of them: each customer's second step runs exactly once and its message reaches the gateway.
 */
abstract class JourneyKillTests extends ServerProcessTest {

    static final int CUSTOMERS = 1000;

    @Test
    void should_resume_every_waiting_customer_exactly_once_after_kill_9() throws Exception {
        int port = freePort();
        try (TestGateway gateway = TestGateway.start()) {
            Process server = start(port, gateway);
            try {
                Http admin = Http.basic(port, "admin", PASSWORD);
                StringBuilder csv = new StringBuilder("customer_id,name,email\n");
                for (int i = 0; i < CUSTOMERS; i++) {
                    csv.append("k").append(i).append(",Kunde ").append(i).append(",k").append(i).append("@example.com\n");
                }
                var imported = admin.postFile("/api/v1/imports", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8),
                        Map.of("kind", "customers", "preset", "native", "source", "kill", "wait", "true"));
                assertThat(imported.status()).as(imported.body()).isLessThan(300);
                assertThat(admin.putJson("/api/v1/channel/templates/ping", Map.of("channel", "webhook",
                        "purpose", "service", "variables", List.of("n"), "defaultLanguage", "en",
                        "texts", Map.of("en", Map.of("body", "ping {{n}} {{customer.name}}")))).status())
                        .isEqualTo(200);
                var saved = admin.putJson("/api/v1/journeys/kill", Map.of("name", "kill", "holdoutPercent", 0,
                        "trigger", Map.of("type", "event", "event", "kill_test"),
                        "steps", List.of(
                                Map.of("id", "ping1", "type", "send", "template", "ping", "variables", Map.of("n", "1")),
                                Map.of("id", "pause", "type", "wait", "duration", "PT20S"),
                                Map.of("id", "ping2", "type", "send", "template", "ping", "variables", Map.of("n", "2")))));
                assertThat(saved.status()).as(saved.body()).isEqualTo(200);
                admin.postJson("/api/v1/journeys/kill/status", Map.of("status", "active"));
                List<Map<String, String>> events = new ArrayList<>();
                String now = Instant.now().toString();
                for (int i = 0; i < CUSTOMERS; i++) {
                    events.add(Map.of("external_id", "e" + i, "type", "kill_test", "occurred_at", now,
                            "email", "k" + i + "@example.com"));
                }
                var stored = admin.postJson("/api/v1/events", events);
                assertThat(stored.status()).as(stored.body()).isEqualTo(200);
                for (int i = 0; i < 600 && pings(gateway, "1").size() < CUSTOMERS / 3; i++) {
                    Thread.sleep(20);
                }
                assertThat(pings(gateway, "2")).as("killed while every customer still waits").isEmpty();
            } finally {
                server.destroyForcibly().waitFor();
            }

            Process restarted = start(port, gateway);
            try {
                for (int i = 0; i < 3000 && (pings(gateway, "2").size() < CUSTOMERS
                        || pings(gateway, "1").size() < CUSTOMERS); i++) {
                    Thread.sleep(100);
                }
            } finally {
                restarted.destroy();
                restarted.waitFor();
            }
            assertThat(pings(gateway, "1")).as("first message, every customer").hasSize(CUSTOMERS);
            assertThat(pings(gateway, "2")).as(() -> "second message, every customer; " + diagnosis())
                    .hasSize(CUSTOMERS);
        }
        assertThat(count("select count(*) from journey_step_log where step_id = 'ping2'")).isEqualTo(CUSTOMERS);
        assertThat(count("select count(distinct instance_id) from journey_step_log where step_id = 'ping2'"))
                .isEqualTo(CUSTOMERS);
        assertThat(count("select count(*) from journey_instance where status = 'completed'")).isEqualTo(CUSTOMERS);
        assertThat(count("select count(*) from channel_outbox where status = 'SENT'")).isEqualTo(2L * CUSTOMERS);
    }

    /** Where the customers are, for a failure message. */
    String diagnosis() {
        try {
            return "instances active " + count("select count(*) from journey_instance where status = 'active'")
                    + ", ping2 outbox rows " + count("select count(*) from channel_outbox where dedupe_key like '%ping2'")
                    + " (not sent " + count("select count(*) from channel_outbox where dedupe_key like '%ping2' "
                    + "and status <> 'SENT'") + "), timers left " + count("select count(*) from journey_scheduled_tasks "
                    + "where task_name = 'journey-step'") + ", picked " + count("select count(*) from "
                    + "journey_scheduled_tasks where picked");
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Distinct messages of one kind the gateway acknowledged, by idempotency key. */
    static Set<String> pings(TestGateway gateway, String n) {
        return gateway.delivered().stream().filter(r -> r.body().contains("\"body\":\"ping " + n + " "))
                .map(r -> r.header("Idempotency-Key")).collect(Collectors.toSet());
    }

    private Process start(int port, TestGateway gateway) throws IOException, InterruptedException {
        return start(port,
                "--rapport.channel.dispatch.interval=PT0.2S", "--rapport.channel.dispatch.batch-size=50",
                "--rapport.channel.dispatch.lease=PT5S", "--rapport.journey.polling-interval=PT0.5S",
                "--rapport.journey.heartbeat=PT2S",
                "--rapport.channel.gateways.webhook.url=" + gateway.url("/webhook"),
                "--rapport.channel.gateways.webhook.secret=" + ChannelTestSupport.GATEWAY_SECRET);
    }
}

class JourneyKillOnH2Test extends JourneyKillTests {

    @Override
    protected ServerProcess.Database database(Path dir) {
        return ServerProcess.Database.h2(dir);
    }
}

@ExtendWith(PostgresAvailable.class)
class JourneyKillOnPostgresTest extends JourneyKillTests {

    @Override
    protected ServerProcess.Database database(Path dir) {
        return ServerProcess.Database.postgres("rapport_jkill");
    }
}
