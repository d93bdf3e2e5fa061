package io.rapport.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for tests: requests go over the loopback to the running server. */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;
    private final String authorization;
    private final String apiKey;

    private Http(String base, String authorization, String apiKey) {
        this.base = base;
        this.authorization = authorization;
        this.apiKey = apiKey;
    }

    public static Http anonymous(int port) {
        return new Http("http://localhost:" + port, null, null);
    }

    public static Http basic(int port, String user, String password) {
        return new Http("http://localhost:" + port, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)), null);
    }

    public static Http apiKey(int port, String key) {
        return new Http("http://localhost:" + port, null, key);
    }

    /** A response: status, raw body, and the body as JSON when it is JSON. */
    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(), java.util.List.of()).stream().findFirst().orElse(null);
        }
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    /** A GET as a browser sends it (asking for HTML). */
    public Response getPage(String path) {
        return send(request(path).header("Accept", "text/html").GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response putJson(String path, Object value) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(value instanceof String text ? text : JSON.writeValueAsString(value))));
    }

    /** A JSON POST with extra headers (e.g. a partner's signature). */
    public Response postJson(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json");
        headers.forEach(builder::header);
        return send(builder.POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A JSON POST sent in chunks, without announcing its length. */
    public Response postJsonStreamed(String path, String json) {
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));
    }

    public Response postJson(String path, Object value) {
        return postJson(path, JSON.writeValueAsString(value));
    }

    /** A multipart form with one file part and text fields. */
    public Response postFile(String path, String fileName, byte[] content, Map<String, String> fields) {
        String boundary = "----rapport" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (var field : fields.entrySet()) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                        + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(content);
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (apiKey != null) {
            builder.header("X-API-Key", apiKey);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
