package io.rapport.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.TestPropertySource;

/** Brute force against passwords is slowed down; the console and the API send strict security headers. */
// Failed sign-ins are counted per server: a context of its own, so other classes' failures do not count here.
@TestPropertySource(properties = "rapport.test.context=login-throttle")
abstract class LoginThrottleTests extends ServerTest {

    @Test
    void should_refuse_a_user_name_after_ten_failed_sign_ins_even_with_the_right_password() {
        String name = "victim-" + source;
        admin().postJson("/api/v1/users", Map.of("username", name, "password", "right-" + name,
                "roles", List.of("analyst")));
        for (int i = 0; i < 10; i++) {
            assertThat(Http.basic(port, name, "guess-" + i).get("/api/v1/customers").status()).isEqualTo(401);
        }
        Http.Response locked = Http.basic(port, name, "right-" + name).get("/api/v1/customers");
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.json().get("code").asString()).isEqualTo("too-many-failed-logins");
        assertThat(Long.parseLong(locked.header("retry-after"))).isPositive();
        assertThat(Http.basic(port, name, "right-" + name).getPage("/").status()).as("console too").isEqualTo(429);

        assertThat(admin().get("/api/v1/customers").status()).as("other users are not locked out").isEqualTo(200);
    }

    /** Two servers on one database: each counts the failures the other saw. */
    @Test
    void should_share_failed_sign_ins_between_servers_on_the_same_database() {
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        // the window keeps its default of 15 minutes
        MockEnvironment settings = new MockEnvironment().withProperty("rapport.security.login.max-failures", "3");
        LoginThrottle first = new LoginThrottle(db, Clock.fixed(t0, ZoneOffset.UTC), settings);
        LoginThrottle second = new LoginThrottle(db, Clock.fixed(t0.plusSeconds(60), ZoneOffset.UTC), settings);
        String name = "Spread-" + source;
        String address = "198.51.100." + Math.floorMod(source.hashCode(), 250);

        first.recordFailure(name, Optional.of(address));
        second.recordFailure(name.toLowerCase(java.util.Locale.ROOT), Optional.of(address));
        assertThat(first.lockedUntil(name, address)).as("two failures of three allowed").isEmpty();
        LoginThrottle third = new LoginThrottle(db, Clock.fixed(t0.plusSeconds(120), ZoneOffset.UTC), settings);
        third.recordFailure(name, Optional.of(address));

        assertThat(first.lockedUntil(name, "192.0.2.1")).as("locked on the server that saw the first failure")
                .contains(t0.plus(Duration.ofMinutes(15)));
        assertThat(second.lockedUntil(name, "192.0.2.1")).as("and on the others")
                .contains(t0.plus(Duration.ofMinutes(15)));
        LoginThrottle later = new LoginThrottle(db, Clock.fixed(t0.plus(Duration.ofMinutes(15)).plusSeconds(1),
                ZoneOffset.UTC), settings);
        assertThat(later.lockedUntil(name, "192.0.2.1")).as("the oldest failure left the window").isEmpty();
        assertThat(first.lockedUntil("someone-else-" + source, "192.0.2.1")).isEmpty();
    }

    @Test
    void should_clear_the_count_after_a_successful_sign_in() {
        String name = "forgetful-" + source;
        admin().postJson("/api/v1/users", Map.of("username", name, "password", "right-" + name,
                "roles", List.of("analyst")));
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 9; i++) {
                Http.basic(port, name, "typo-" + i).get("/api/v1/customers");
            }
            assertThat(Http.basic(port, name, "right-" + name).get("/api/v1/customers").status()).isEqualTo(200);
        }
    }

    @Test
    void should_send_security_headers_on_the_console_and_the_api() {
        Http.Response page = anonymous().get("/login");
        assertThat(page.header("content-security-policy")).contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(page.header("x-frame-options")).isEqualTo("DENY");
        assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(page.header("referrer-policy")).isEqualTo("same-origin");
        assertThat(page.header("permissions-policy")).contains("camera=()");
        assertThat(page.header("cross-origin-opener-policy")).isEqualTo("same-origin");
        Http.Response api = admin().get("/api/v1/customers");
        assertThat(api.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(api.header("referrer-policy")).isEqualTo("no-referrer");
        assertThat(api.header("cache-control")).contains("no-store");
    }
}

@OnH2
class LoginThrottleOnH2Test extends LoginThrottleTests {}

@OnPostgres
class LoginThrottleOnPostgresTest extends LoginThrottleTests {}
