package io.rapport.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on the loopback standing in for an SMS / push / messaging gateway: it records every request
 * and answers what the test tells it to (a status, after an optional delay to provoke timeouts).
 */
public final class TestGateway implements AutoCloseable {

    /** One request as received. */
    public record Received(String path, Map<String, List<String>> headers, String body, int answeredStatus) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile long delayMillis;
    private final Map<String, Integer> failOnce = new java.util.concurrent.ConcurrentHashMap<>();

    private TestGateway(HttpServer server) {
        this.server = server;
    }

    public static TestGateway start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            TestGateway gateway = new TestGateway(server);
            server.createContext("/", exchange -> {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                int answer = gateway.answerFor(body);
                long delay = gateway.delayMillis;
                if (delay > 0) {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                gateway.received.add(new Received(exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), body, delay > 0 ? -1 : answer));
                byte[] reply = (answer < 300 ? "{\"messageId\":\"gw-" + gateway.received.size() + "\"}"
                        : "{\"error\":\"status " + answer + "\"}").getBytes(StandardCharsets.UTF_8);
                try {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(answer, reply.length);
                    exchange.getResponseBody().write(reply);
                } catch (IOException clientGone) {
                    // the client timed out and closed the connection
                } finally {
                    exchange.close();
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return gateway;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void answer(int status) {
        this.status = status;
        this.delayMillis = 0;
        this.failOnce.clear();
    }

    /** Answers {@code status} to the first request whose body contains {@code fragment}, once; the others as set. */
    public void failOnce(String fragment, int status) {
        failOnce.put(fragment, status);
    }

    private int answerFor(String body) {
        for (String fragment : failOnce.keySet()) {
            if (body.contains(fragment)) {
                Integer once = failOnce.remove(fragment);
                if (once != null) {
                    return once;
                }
            }
        }
        return status;
    }

    /** Answers only after the delay (longer than the client's timeout: the client gives up first). */
    public void stall(long millis) {
        this.delayMillis = millis;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Requests this gateway answered with 2xx: what the customer actually got. */
    public List<Received> delivered() {
        return received.stream().filter(r -> r.answeredStatus() >= 200 && r.answeredStatus() < 300).toList();
    }

    public void clear() {
        received.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
