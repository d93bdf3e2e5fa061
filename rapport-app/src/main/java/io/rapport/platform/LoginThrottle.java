package io.rapport.platform;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Brute-force protection for passwords: after {@code rapport.security.login.max-failures} failed sign-ins for one
 * user name (10 by default), or {@code max-failures-per-address} from one address (100), within
 * {@code window} (15 minutes), further attempts are refused with 429 and {@code Retry-After} until fewer failures
 * than that remain in the window — even with the right password. A successful sign-in clears the user's count.
 * Failures are rows of {@code platform_login_failure}, so every server on the database counts the same failures: an
 * attacker gains nothing by spreading guesses over the servers behind a load balancer. API keys are long random
 * secrets and are not throttled here.
 */
@Component
public class LoginThrottle extends OncePerRequestFilter {

    static final Table<?> FAILURE = table("platform_login_failure");
    static final Field<String> F_KIND = field("kind", String.class);
    static final Field<String> F_KEY = field("failure_key", String.class);
    static final Field<OffsetDateTime> F_AT = field("failed_at", OffsetDateTime.class);
    static final String USER = "user";
    static final String ADDRESS = "address";

    private final DSLContext db;
    private final Clock clock;
    private final int maxFailures;
    private final int maxPerAddress;
    private final Duration window;

    LoginThrottle(DSLContext db, Clock clock, Environment environment) {
        this.db = db;
        this.clock = clock;
        this.maxFailures = environment.getProperty("rapport.security.login.max-failures", Integer.class, 10);
        this.maxPerAddress = environment.getProperty("rapport.security.login.max-failures-per-address", Integer.class,
                100);
        this.window = environment.getProperty("rapport.security.login.window", Duration.class, Duration.ofMinutes(15));
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        Optional<String> address = RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a
                ? Optional.of(a.getRequest().getRemoteAddr()) : Optional.empty();
        recordFailure(String.valueOf(event.getAuthentication().getName()), address);
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        db.deleteFrom(FAILURE).where(F_KIND.eq(USER), F_KEY.eq(key(event.getAuthentication().getName()))).execute();
    }

    /** Counts a failed sign-in for the user name and the address it came from; forgets their failures out of the window. */
    void recordFailure(String user, Optional<String> address) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        OffsetDateTime horizon = now.minus(window);
        record(USER, key(user), now, horizon);
        address.ifPresent(a -> record(ADDRESS, cut(a), now, horizon));
    }

    private void record(String kind, String key, OffsetDateTime now, OffsetDateTime horizon) {
        db.deleteFrom(FAILURE).where(F_KIND.eq(kind), F_KEY.eq(key), F_AT.lt(horizon)).execute();
        db.insertInto(FAILURE).set(F_KIND, kind).set(F_KEY, key).set(F_AT, now).execute();
    }

    /** Until when sign-ins as this user or from this address are refused; empty: not throttled. */
    Optional<Instant> lockedUntil(String user, String address) {
        Instant now = clock.instant();
        Optional<Instant> byUser = lockedUntil(USER, key(user), maxFailures, now);
        Optional<Instant> byAddress = lockedUntil(ADDRESS, cut(address), maxPerAddress, now);
        if (byUser.isEmpty()) {
            return byAddress;
        }
        return byAddress.filter(a -> a.isAfter(byUser.get())).or(() -> byUser);
    }

    /**
     * The {@code max}-th newest failure in the window ages out of it at the returned instant, and the count drops
     * below the limit; fewer than {@code max} failures: not locked.
     */
    private Optional<Instant> lockedUntil(String kind, String key, int max, Instant now) {
        var failures = db.select(F_AT).from(FAILURE)
                .where(F_KIND.eq(kind), F_KEY.eq(key), F_AT.ge(now.minus(window).atOffset(ZoneOffset.UTC)))
                .orderBy(F_AT.desc()).limit(max).fetch(F_AT);
        return failures.size() < max ? Optional.empty() : Optional.of(failures.getLast().toInstant().plus(window));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String user = attemptedUser(request);
        if (user != null) {
            Optional<Instant> until = lockedUntil(user, request.getRemoteAddr());
            if (until.isPresent()) {
                long seconds = Math.max(1, Duration.between(clock.instant(), until.get()).toSeconds());
                response.setHeader("Retry-After", Long.toString(seconds));
                SecurityConfig.writeProblem(response, HttpStatus.TOO_MANY_REQUESTS, "too-many-failed-logins",
                        "Too many failed sign-ins; try again in " + seconds + " seconds");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The user name a request tries to sign in with: HTTP Basic, or the console's sign-in form. */
    static String attemptedUser(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if ("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())) {
            return request.getParameter("username");
        }
        return null;
    }

    private static String key(String user) {
        return cut(user == null ? "" : user.toLowerCase(Locale.ROOT));
    }

    private static String cut(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200);
    }
}
