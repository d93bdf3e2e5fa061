package io.rapport.platform;

/**
 * Domain event: someone changed who may do what (a user created, an API key issued or revoked). The privacy
 * capability writes it to the tamper-evident audit log.
 *
 * @param action  {@code user.create}, {@code api-key.issue}, {@code api-key.revoke}
 * @param subject the user name or API key id concerned
 * @param detail  roles and personal-data permission granted
 */
public record AccessChanged(String actor, String action, String subject, String detail) {}
