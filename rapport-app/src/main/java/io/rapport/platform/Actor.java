package io.rapport.platform;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is acting right now: a console user, an API key, or the system itself (jobs, demo loader). */
public record Actor(String name, boolean maySeePersonalData) {

    public static final Actor SYSTEM = new Actor("system", false);

    public static Actor current() {
        return Optional.ofNullable(SecurityContextHolder.getContext().getAuthentication())
                .filter(Authentication::isAuthenticated)
                .map(auth -> new Actor(auth.getName(), auth.getAuthorities().stream()
                        .anyMatch(a -> Role.PII_READ.equals(a.getAuthority()))))
                .orElse(SYSTEM);
    }
}
