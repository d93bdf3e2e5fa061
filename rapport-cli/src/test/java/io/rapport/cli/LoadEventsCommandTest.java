package io.rapport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class LoadEventsCommandTest {

    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    private Path customers(String... ids) throws Exception {
        Path file = tmp.resolve("customers.csv");
        Files.writeString(file, "customer_id,email\r\n" + String.join(",x@example.com\r\n", ids) + ",x@example.com\r\n");
        return file;
    }

    @Test
    void should_refuse_missing_credentials_and_out_of_range_options_as_usage_errors() throws Exception {
        String file = customers("C1").toString();
        var noCredentials = new CliRun();
        assertThat(noCredentials.rapport("load-events", "--customers-file", file)).isEqualTo(2);
        assertThat(noCredentials.err()).contains("credentials missing");

        var both = new CliRun();
        assertThat(both.rapport("load-events", "--customers-file", file, "--api-key", "k", "--user", "a",
                "--password", "p")).isEqualTo(2);
        assertThat(both.err()).contains("either --api-key or --user");

        for (String[] bad : List.of(new String[] {"--batch", "0"}, new String[] {"--clients", "0"},
                new String[] {"--events", "0"}, new String[] {"--url", "localhost:8080"},
                new String[] {"--source", "Not A Source"})) {
            var run = new CliRun();
            String[] args = {"load-events", "--customers-file", file, "--api-key", "k", bad[0], bad[1]};
            assertThat(run.rapport(args)).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(run.err()).contains(bad[0]);
        }
    }

    @Test
    void should_fail_with_one_line_when_the_customers_file_lacks_the_column() throws Exception {
        Path file = tmp.resolve("other.csv");
        Files.writeString(file, "id,email\nC1,a@example.com\n");
        var run = new CliRun();
        assertThat(run.rapport("load-events", "--customers-file", file.toString(), "--api-key", "k")).isEqualTo(1);
        assertThat(run.err()).contains("no column 'customer_id'").contains("id, email").doesNotContain("Exception");
    }

    @Test
    void should_generate_valid_distinct_events_for_the_given_customers_deterministically() throws Exception {
        Instant base = Instant.parse("2026-11-01T00:00:00Z");
        var events = new LoadEvents(List.of("C1", "C\"2"), "demo", "run1", 7, base);
        JsonNode batch = json.readTree(events.batchJson(10, 50));
        assertThat(batch.size()).isEqualTo(50);
        Set<String> ids = new HashSet<>();
        for (JsonNode e : batch) {
            assertThat(e.get("source").asString()).isEqualTo("demo");
            assertThat(e.get("customer_id").asString()).isIn("C1", "C\"2");
            assertThat(e.get("type").asString()).matches("[a-z][a-z0-9_.]*");
            Instant at = Instant.parse(e.get("occurred_at").asString());
            assertThat(at).isBeforeOrEqualTo(base).isAfter(base.minusSeconds(31L * 24 * 3600));
            assertThat(e.get("properties").isObject()).isTrue();
            ids.add(e.get("external_id").asString());
        }
        assertThat(ids).hasSize(50).contains("run1-10", "run1-59");
        // The same event whichever batch it is sent in: reruns with the same run id are duplicates.
        assertThat(json.readTree(events.batchJson(12, 1)).get(0)).isEqualTo(batch.get(2));
    }

    @Test
    void should_post_every_event_once_in_batches_and_report_the_servers_counts() throws Exception {
        var bodies = new ConcurrentLinkedQueue<JsonNode>();
        var auth = new ConcurrentLinkedQueue<String>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/api/v1/events", exchange -> {
            JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
            bodies.add(body);
            auth.add(exchange.getRequestHeaders().getFirst("X-API-Key"));
            int n = body.size();
            byte[] answer = ("{\"accepted\":" + (n - 1) + ",\"anonymous\":0,\"duplicates\":1,\"rejected\":0,\"items\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            var run = new CliRun();
            int exit = run.rapport("load-events", "--url", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "--api-key", "rk_test", "--customers-file", customers("C1", "C2", "C3").toString(),
                    "--events", "2500", "--batch", "1000", "--clients", "2", "--run-id", "t", "--quiet");
            assertThat(exit).as(run.err()).isZero();
            assertThat(bodies).hasSize(3);
            assertThat(bodies.stream().mapToInt(JsonNode::size).sorted().boxed().toList()).containsExactly(500, 1000, 1000);
            Set<String> ids = new HashSet<>();
            bodies.forEach(b -> b.forEach(e -> ids.add(e.get("external_id").asString())));
            assertThat(ids).hasSize(2500);
            assertThat(auth).containsOnly("rk_test");
            assertThat(run.out()).contains("Sent 2,500 events in 3 requests").contains("accepted           2,497")
                    .contains("duplicates             3").contains("p50").contains("p99");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void should_stop_with_the_servers_problem_when_a_request_is_refused() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/events", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "{\"code\":\"invalid-api-key\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            var run = new CliRun();
            int exit = run.rapport("load-events", "--url", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "--user", "admin", "--password", "wrong", "--customers-file", customers("C1").toString(),
                    "--events", "10", "--quiet");
            assertThat(exit).isEqualTo(1);
            assertThat(run.err()).contains("HTTP 401").contains("invalid-api-key");
        } finally {
            server.stop(0);
        }
    }
}
