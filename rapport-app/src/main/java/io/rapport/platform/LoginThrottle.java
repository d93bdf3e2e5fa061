package io.rapport.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@code window} (15 minutes), further attempts are refused with 429 and {@code Retry-After} until the window has
 * passed — even with the right password. A successful sign-in clears the user's count. Counts are kept in memory, per
 * server. API keys are long random secrets and are not throttled here.
 */
@Component
public class LoginThrottle extends OncePerRequestFilter {

    private final Clock clock;
    private final int maxFailures;
    private final int maxPerAddress;
    private final Duration window;
    private final Map<String, Deque<Instant>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> byAddress = new ConcurrentHashMap<>();

    LoginThrottle(Clock clock, Environment environment) {
        this.clock = clock;
        this.maxFailures = environment.getProperty("rapport.security.login.max-failures", Integer.class, 10);
        this.maxPerAddress = environment.getProperty("rapport.security.login.max-failures-per-address", Integer.class,
                100);
        this.window = environment.getProperty("rapport.security.login.window", Duration.class, Duration.ofMinutes(15));
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        Instant now = clock.instant();
        add(byUser, key(String.valueOf(event.getAuthentication().getName())), now);
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            add(byAddress, attributes.getRequest().getRemoteAddr(), now);
        }
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        byUser.remove(key(event.getAuthentication().getName()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String user = attemptedUser(request);
        if (user != null) {
            Instant now = clock.instant();
            Instant until = lockedUntil(byUser.get(key(user)), maxFailures, now);
            Instant byIp = lockedUntil(byAddress.get(request.getRemoteAddr()), maxPerAddress, now);
            if (byIp != null && (until == null || byIp.isAfter(until))) {
                until = byIp;
            }
            if (until != null) {
                long seconds = Math.max(1, Duration.between(now, until).toSeconds());
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

    private Instant lockedUntil(Deque<Instant> failures, int max, Instant now) {
        if (failures == null) {
            return null;
        }
        synchronized (failures) {
            Instant horizon = now.minus(window);
            while (!failures.isEmpty() && failures.peekFirst().isBefore(horizon)) {
                failures.pollFirst();
            }
            return failures.size() >= max ? failures.peekFirst().plus(window) : null;
        }
    }

    private void add(Map<String, Deque<Instant>> counts, String key, Instant now) {
        Deque<Instant> failures = counts.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (failures) {
            failures.addLast(now);
            while (failures.size() > Math.max(maxFailures, maxPerAddress)) {
                failures.pollFirst();
            }
        }
    }

    private static String key(String user) {
        return user == null ? "" : user.toLowerCase(Locale.ROOT);
    }
}
