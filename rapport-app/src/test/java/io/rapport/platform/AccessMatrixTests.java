package io.rapport.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The access-control matrix in {@code docs/access-matrix.md} is the specification: every HTTP endpoint the server
 * has (discovered from Spring MVC's handler mappings) must be in it, every row must still exist, and each role gets
 * exactly what its column says — allowed: neither 401 nor 403; denied: 403; no credentials: 401 on the API and a
 * redirect to the sign-in page on the console. Callers get the personal-data grant, so that only roles decide.
 */
// Requests are sent to every endpoint with every role (a scoring run may start): a database of its own.
@TestPropertySource(properties = "rapport.test.context=access-matrix")
abstract class AccessMatrixTests extends ServerTest {

    static final List<String> ROLES = List.of("admin", "marketer", "service_agent", "analyst", "auditor");
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    /** One row: method and path pattern; whether anonymous callers may use it; the roles that may. */
    record Row(String method, String path, boolean anonymous, List<String> roles) {
        String key() {
            return method + " " + path;
        }
    }

    static Map<String, Row> matrix() throws IOException {
        Path doc = Files.exists(Path.of("../docs/access-matrix.md")) ? Path.of("../docs/access-matrix.md")
                : Path.of("docs/access-matrix.md");
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
            if (!line.startsWith("| ") || line.startsWith("| method") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - 1).split("\\|");
            if (cells.length != 3 + ROLES.size()) {
                continue;
            }
            String method = cells[0].strip();
            String path = cells[1].strip().replace("`", "");
            boolean anonymous = cells[2].strip().equals("✓");
            List<String> roles = new ArrayList<>();
            for (int i = 0; i < ROLES.size(); i++) {
                if (cells[3 + i].strip().equals("✓")) {
                    roles.add(ROLES.get(i));
                }
            }
            Row row = new Row(method, path, anonymous, roles);
            rows.put(row.key(), row);
        }
        return rows;
    }

    /** Every endpoint as "METHOD /path/{var}"; a mapping without methods answers every method and is listed as ANY. */
    TreeSet<String> discovered() {
        TreeSet<String> endpoints = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (String path : info.getPatternValues()) {
                var methods = info.getMethodsCondition().getMethods();
                if (methods.isEmpty()) {
                    endpoints.add("ANY " + path);
                }
                methods.forEach(m -> endpoints.add(m.name() + " " + path));
            }
        }
        return endpoints;
    }

    /** Endpoints that take only multipart uploads: they are called with a (empty) multipart body. */
    java.util.Set<String> multipart() {
        java.util.Set<String> keys = new java.util.HashSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            boolean upload = info.getConsumesCondition().getConsumableMediaTypes().stream()
                    .anyMatch(t -> t.getSubtype().equals("form-data"));
            if (upload) {
                info.getPatternValues().forEach(path -> info.getMethodsCondition().getMethods()
                        .forEach(m -> keys.add(m.name() + " " + path)));
            }
        });
        return keys;
    }

    @Test
    void should_list_every_endpoint_in_the_access_matrix_and_nothing_else() throws Exception {
        Map<String, Row> matrix = matrix();
        TreeSet<String> endpoints = discovered();
        List<String> missing = endpoints.stream().filter(e -> !matrix.containsKey(e)).toList();
        if (!missing.isEmpty()) {
            // What each role gets today, as a row to review (is that what the role should get?) before adding it.
            Map<String, String> users = users();
            List<String> rows = new ArrayList<>();
            for (String endpoint : missing) {
                rows.add(observedRow(endpoint, users));
            }
            assertThat(rows).as("endpoints missing from docs/access-matrix.md (add these rows after review; "
                    + "they show what each role is answered today)").isEmpty();
        }
        assertThat(matrix.keySet().stream().filter(k -> !endpoints.contains(k)).toList())
                .as("rows of docs/access-matrix.md without an endpoint").isEmpty();
    }

    /** One user per role (with the personal-data grant), by role; each user's password is "pw-" + its name. */
    Map<String, String> users() {
        Map<String, String> names = new LinkedHashMap<>();
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        for (String role : ROLES) {
            String name = "matrix-" + role + "-" + suffix;
            var created = admin().postJson("/api/v1/users", Map.of("username", name, "password", "pw-" + name,
                    "roles", List.of(role), "maySeePersonalData", true));
            assertThat(created.status()).isEqualTo(201);
            names.put(role, name);
        }
        return names;
    }

    /** A matrix row for an endpoint as the server answers it now: ✓ where neither 401/403 nor sign-in came back. */
    String observedRow(String endpoint, Map<String, String> users) throws Exception {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String pattern = endpoint.substring(endpoint.indexOf(' ') + 1);
        String path = pattern.replaceAll("\\{[^}]+}", "999999999");
        String verb = method.equals("ANY") ? "GET" : method;
        String contentType = multipart().contains(endpoint) ? "multipart/form-data; boundary=matrix" : "application/json";
        StringBuilder row = new StringBuilder("| " + method + " | `" + pattern + "` |");
        Caller anonymous = new Caller(null, null);
        int open = anonymous.send(verb, path, contentType);
        row.append(open == 401 || open == 403 || anonymous.redirectedToLogin ? " — |" : " ✓ |");
        for (String role : ROLES) {
            Caller caller = new Caller(users.get(role), "pw-" + users.get(role));
            int answer = caller.send(verb, path, contentType);
            row.append(answer == 401 || answer == 403 || caller.redirectedToLogin ? " — |" : " ✓ |");
        }
        return row.toString();
    }

    @Test
    void should_give_each_role_exactly_what_the_access_matrix_says() throws Exception {
        Map<String, Row> matrix = matrix();
        Map<String, String> passwords = users();
        List<String> wrong = new ArrayList<>();
        for (Row row : matrix.values()) {
            if (!discovered().contains(row.key())) {
                continue;
            }
            String path = row.path().replaceAll("\\{[^}]+}", "999999999");
            String method = row.method().equals("ANY") ? "GET" : row.method();
            String contentType = multipart().contains(row.key()) ? "multipart/form-data; boundary=matrix"
                    : "application/json";
            Caller anonymous = new Caller(null, null);
            int status = anonymous.send(method, path, contentType);
            if (row.anonymous()) {
                if (status == 401 || status == 403 || anonymous.redirectedToLogin) {
                    wrong.add(row.key() + " anonymous: expected open, got " + status);
                }
            } else if (path.startsWith("/api/") ? status != 401 : !anonymous.redirectedToLogin) {
                wrong.add(row.key() + " anonymous: expected " + (path.startsWith("/api/") ? "401" : "sign-in")
                        + ", got " + status);
            }
            for (String role : ROLES) {
                Caller caller = new Caller(passwords.get(role), "pw-" + passwords.get(role));
                int answer = caller.send(method, path, contentType);
                boolean allowed = row.roles().contains(role) || row.anonymous();
                if (allowed && (answer == 401 || answer == 403 || caller.redirectedToLogin)) {
                    wrong.add(row.key() + " " + role + ": expected allowed, got " + answer);
                } else if (!allowed && answer != 403) {
                    wrong.add(row.key() + " " + role + ": expected 403, got " + answer);
                }
            }
        }
        assertThat(wrong).as("endpoints answering against docs/access-matrix.md").isEmpty();
    }

    /** A browser-like caller: keeps cookies, sends the CSRF token of its session on console writes. */
    final class Caller {
        final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        final String authorization;
        boolean redirectedToLogin;

        Caller(String user, String password) {
            this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        int send(String method, String path, String contentType) throws Exception {
            redirectedToLogin = false;
            HttpRequest.Builder request = builder(path);
            boolean api = path.startsWith("/api/");
            if (!method.equals("GET") && !api) {
                String page = client.send(builder(authorization == null ? "/login" : "/").GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher token = CSRF.matcher(page);
                if (token.find()) {
                    request.header("X-CSRF-TOKEN", token.group(1));
                }
            }
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString(
                    contentType.startsWith("multipart") ? "--matrix--\r\n" : "{}");
            if (!method.equals("GET") && !method.equals("DELETE")) {
                request.header("Content-Type", contentType);
            }
            HttpResponse<String> response = client.send(request.method(method,
                    method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody() : body)
                    .build(), HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("location").orElse("");
            redirectedToLogin = response.statusCode() / 100 == 3 && location.endsWith("/login");
            return response.statusCode();
        }

        private HttpRequest.Builder builder(String path) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Accept", path.startsWith("/api/") ? "application/json, */*" : "text/html, */*");
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            return builder;
        }
    }
}

@OnH2
class AccessMatrixOnH2Test extends AccessMatrixTests {}

@OnPostgres
class AccessMatrixOnPostgresTest extends AccessMatrixTests {}
