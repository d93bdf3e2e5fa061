package io.rapport.testing;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Base of integration tests: the whole server on a random port, over a real database (choose it with {@link OnH2}
 * or {@link OnPostgres} on the concrete class). Test classes share one server per database, so each test writes
 * under a source of its own ({@link #source}) and counts only what it wrote.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class ServerTest {

    public static final String ADMIN_PASSWORD = "admin-password-1";

    @LocalServerPort
    protected int port;

    @Autowired
    protected DSLContext db;

    protected final String source = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    protected Http admin() {
        return Http.basic(port, "admin", ADMIN_PASSWORD);
    }

    protected Http anonymous() {
        return Http.anonymous(port);
    }

    /** A user with these roles (and PII permission), created through the admin API. */
    protected Http user(boolean maySeePii, String... roles) {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        var created = admin().postJson("/api/v1/users", Map.of("username", name, "password", "password-" + name,
                "roles", List.of(roles), "maySeePersonalData", maySeePii));
        if (created.status() != 201) {
            throw new IllegalStateException("could not create user: " + created.body());
        }
        return Http.basic(port, name, "password-" + name);
    }

    /** Imports a file and waits for the job; returns the job JSON. */
    protected Http.Response importFile(String kind, String preset, String fileName, byte[] content) {
        return admin().postFile("/api/v1/imports", fileName, content,
                Map.of("kind", kind, "preset", preset, "source", source, "wait", "true"));
    }
}
