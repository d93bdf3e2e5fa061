package io.rapport.platform;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The jobs people do with Rapport. Seeing unmasked personal data is a separate grant ({@link #PII_READ}). */
public enum Role {
    ADMIN, MARKETER, SERVICE_AGENT, ANALYST, AUDITOR;

    /** Authority held by users and keys that may see unmasked personal data (and every such read is audited). */
    public static final String PII_READ = "PII_READ";

    public String authority() {
        return "ROLE_" + name();
    }

    /** Parses a comma-separated list such as {@code "admin, analyst"}; unknown names are an error naming them. */
    public static Set<Role> parseList(String roles) {
        if (roles == null || roles.isBlank()) {
            return EnumSet.noneOf(Role.class);
        }
        return Arrays.stream(roles.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Role::parse)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Role.class)));
    }

    public static Role parse(String name) {
        try {
            return Role.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RapportException.badRequest("unknown-role", "roles",
                    "Unknown role '" + name + "'; known roles: " + Arrays.toString(values()).toLowerCase());
        }
    }

    public static String format(Set<Role> roles) {
        return roles.stream().map(Role::name).collect(Collectors.joining(","));
    }
}
