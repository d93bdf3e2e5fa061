package io.rapport.privacy;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import io.rapport.platform.AccessChanged;
import io.rapport.platform.Actor;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Writes security-relevant happenings to the audit log: console sign-ins, every failed sign-in (console or API),
 * permission changes, and configuration changes between starts. API calls authenticated on every request are not
 * "logins" and are not logged one by one.
 */
@Component
class SecurityAudit {

    static final Table<?> SNAPSHOT = table("privacy_config_snapshot");
    static final Field<Long> SN_ID = field("id", Long.class);
    static final Field<OffsetDateTime> SN_AT = field("taken_at", OffsetDateTime.class);
    static final Field<String> SN_DIGEST = field("digest", String.class);
    static final Field<String> SN_SETTINGS = field("settings", String.class);

    private final AuditLog audit;
    private final DSLContext db;
    private final Clock clock;
    private final ConfigurableEnvironment environment;

    SecurityAudit(AuditLog audit, DSLContext db, Clock clock, ConfigurableEnvironment environment) {
        this.audit = audit;
        this.db = db;
        this.clock = clock;
        this.environment = environment;
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        HttpServletRequest request = currentRequest();
        if (request != null && "POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())) {
            audit.record(new Actor(event.getAuthentication().getName(), false), "login", "user",
                    event.getAuthentication().getName(), "console sign-in from " + request.getRemoteAddr());
        }
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        HttpServletRequest request = currentRequest();
        String name = String.valueOf(event.getAuthentication().getName());
        audit.record(new Actor(name.length() > 100 ? name.substring(0, 100) : name, false), "login.failed", "user",
                name, event.getException().getClass().getSimpleName()
                        + (request == null ? "" : " from " + request.getRemoteAddr() + " on " + request.getServletPath()));
    }

    @EventListener
    void accessChanged(AccessChanged event) {
        audit.record(new Actor(event.actor(), false), "permission." + event.action(),
                event.action().startsWith("user") ? "user" : "api-key", event.subject(), event.detail());
    }

    /** Records the effective settings when they differ from the last start's (secrets, passwords and keys left out). */
    @EventListener(ApplicationReadyEvent.class)
    void configuration() {
        Map<String, String> settings = settings();
        String text = settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
        String digest = sha256(text);
        var last = db.select(SN_DIGEST, SN_SETTINGS).from(SNAPSHOT).orderBy(SN_ID.desc()).limit(1).fetchOne();
        if (last != null && last.get(SN_DIGEST).equals(digest)) {
            return;
        }
        Map<String, String> before = new TreeMap<>();
        if (last != null) {
            for (String line : last.get(SN_SETTINGS).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    before.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        String changed = new java.util.TreeSet<>(java.util.stream.Stream.concat(before.keySet().stream(),
                        settings.keySet().stream()).toList()).stream()
                .filter(k -> !java.util.Objects.equals(before.get(k), settings.get(k)))
                .map(k -> k + ": " + before.getOrDefault(k, "(unset)") + " -> " + settings.getOrDefault(k, "(unset)"))
                .collect(Collectors.joining("; "));
        db.insertInto(SNAPSHOT).set(SN_AT, OffsetDateTime.now(clock)).set(SN_DIGEST, digest).set(SN_SETTINGS, text)
                .execute();
        audit.record(Actor.SYSTEM, "config.change", "config", digest.substring(0, 16),
                last == null ? "first start: " + settings.size() + " settings" : changed);
    }

    Map<String, String> settings() {
        Map<String, String> settings = new TreeMap<>();
        for (var source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                for (String name : enumerable.getPropertyNames()) {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("rapport.") && !lower.contains("secret") && !lower.contains("password")
                            && !lower.contains("key") && !lower.startsWith("rapport.test")) {
                        settings.putIfAbsent(name, String.valueOf(environment.getProperty(name)));
                    }
                }
            }
        }
        return settings;
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest() : null;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
