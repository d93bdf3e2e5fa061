package io.rapport.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
