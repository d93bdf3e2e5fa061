package io.rapport.channel;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * SMS, app push, messaging apps (WeCom / WeChat template messages) and generic webhooks through an HTTP gateway per
 * channel ({@code rapport.channel.gateways.<channel>}). Each request is a JSON POST signed with HMAC-SHA256:
 * {@code X-Rapport-Timestamp: <epoch seconds>}, {@code X-Rapport-Signature: sha256=<hex of HMAC(secret,
 * timestamp + "." + body)>}, and {@code Idempotency-Key: <dedupe key>} so a gateway can drop a repeated attempt.
 * 2xx is sent; 408, 429, 5xx, a timeout or a broken connection are retried; any other status is permanent.
 * Calls of a configured webhook endpoint ({@link WebhookCall}: recipient {@code endpoint:<name>}) post their stored
 * JSON as it is to {@code rapport.channel.webhooks.<name>}, signed the same way.
 *
 * <p>The dispatcher hands over a group of messages at a time ({@link #sender()}); their requests go out concurrently,
 * one virtual thread each, so a group of {@code rapport.channel.dispatch.concurrency} messages takes about as long as
 * its slowest request.
 */
@Component
class GatewayAdapter implements ChannelAdapter {

    private final ChannelProperties settings;
    private final Clock clock;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();

    GatewayAdapter(ChannelProperties settings, Clock clock, ObjectMapper json) {
        this.settings = settings;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public Set<ChannelKind> channels() {
        return Set.of(ChannelKind.SMS, ChannelKind.APP_PUSH, ChannelKind.MESSAGING, ChannelKind.WEBHOOK);
    }

    @Override
    public Optional<String> send(OutboundMessage message) throws SendFailure {
        if (message.channel() == ChannelKind.WEBHOOK && message.recipient() != null
                && message.recipient().startsWith(WebhookCall.RECIPIENT_PREFIX)) {
            // a journey's webhook step: the stored JSON is the body, posted to the named endpoint
            String endpoint = message.recipient().substring(WebhookCall.RECIPIENT_PREFIX.length());
            ChannelProperties.Gateway target = settings.webhook(endpoint).orElseThrow(() ->
                    SendFailure.transientFailure("no webhook endpoint configured as " + endpoint
                            + " (rapport.channel.webhooks." + endpoint + ".url)", null));
            return post(target, message.body(), message.dedupeKey());
        }
        ChannelProperties.Gateway gateway = settings.gateway(message.channel()).orElseThrow(() ->
                SendFailure.transientFailure("no gateway configured for " + message.channel().wire()
                        + " (rapport.channel.gateways." + message.channel().wire() + ".url)", null));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", message.dedupeKey());
        payload.put("outboxId", message.outboxId());
        payload.put("channel", message.channel().wire());
        payload.put("purpose", message.purpose().name().toLowerCase(java.util.Locale.ROOT));
        payload.put("to", message.recipient());
        message.subject().ifPresent(s -> payload.put("title", s));
        payload.put("body", message.body());
        payload.put("language", message.language());
        payload.put("template", message.template());
        payload.put("attempt", message.attempt());
        return post(gateway, json.writeValueAsString(payload), message.dedupeKey());
    }

    @Override
    public Sender sender() {
        return new Concurrent();
    }

    /** Sends the requests of a group at once; the group's size (the dispatcher's concurrency) bounds them. */
    private final class Concurrent implements Sender {

        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        @Override
        public List<SendAttempt> send(List<OutboundMessage> messages) {
            List<Future<SendAttempt>> running = new ArrayList<>(messages.size());
            for (OutboundMessage message : messages) {
                running.add(threads.submit(() -> SendAttempt.of(() -> GatewayAdapter.this.send(message))));
            }
            List<SendAttempt> attempts = new ArrayList<>(messages.size());
            for (Future<SendAttempt> attempt : running) {
                attempts.add(outcome(attempt));
            }
            return attempts;
        }

        private static SendAttempt outcome(Future<SendAttempt> attempt) {
            try {
                return attempt.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return SendAttempt.failed(SendFailure.transientFailure("interrupted", e));
            } catch (ExecutionException e) {
                return SendAttempt.failed(SendFailure.transientFailure(e.getCause().toString(), e.getCause()));
            }
        }

        @Override
        public void close() {
            threads.close();
        }
    }

    /** One signed POST; 2xx is sent, 408, 429, 5xx and transport failures are retried, the rest is permanent. */
    private Optional<String> post(ChannelProperties.Gateway gateway, String body, String idempotencyKey)
            throws SendFailure {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String signature = "sha256=" + HexFormat.of().formatHex(Hmac.sha256(
                gateway.secret() == null ? new byte[0] : gateway.secret().getBytes(StandardCharsets.UTF_8),
                (timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(gateway.url()).timeout(gateway.timeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-Rapport-Timestamp", timestamp)
                .header("X-Rapport-Signature", signature)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException timeout) {
            throw SendFailure.transientFailure("gateway timed out after " + gateway.timeout(), timeout);
        } catch (IOException e) {
            throw SendFailure.transientFailure("gateway unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SendFailure.transientFailure("interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return providerId(response.body());
        }
        String detail = "gateway answered " + status + ": " + abbreviate(response.body());
        if (status == 408 || status == 429 || status >= 500) {
            throw SendFailure.transientFailure(detail, null);
        }
        throw SendFailure.permanent(detail);
    }

    private Optional<String> providerId(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.hasNonNull("messageId") ? Optional.of(node.get("messageId").asString())
                    : Optional.empty();
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
