package io.rapport.customer;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Profile attributes a source knows about a customer; {@code null} means "this source does not say". When a
 * source says something, it replaces the stored value (the latest source wins); on a merge the survivor's values
 * win and the merged profile only fills the gaps.
 */
public record ProfilePatch(String name, String gender, LocalDate birthday, String city, String country,
                           String timeZone, Instant registeredAt) {

    public static final ProfilePatch NONE = new ProfilePatch(null, null, null, null, null, null, null);

    public boolean isEmpty() {
        return this.equals(NONE);
    }
}
