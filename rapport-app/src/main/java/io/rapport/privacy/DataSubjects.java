package io.rapport.privacy;

import java.util.Optional;

/**
 * The customers privacy keeps records about, as the customer capability knows them. Privacy defines this port and
 * the customer capability implements it, because customer already depends on privacy (masking, audit): the
 * dependency keeps pointing one way.
 */
public interface DataSubjects {

    /** The id a customer id leads to now (itself, or the profile it was merged into); empty when it never existed. */
    Optional<Long> current(long customerId);

    /**
     * The customer owning an identifier, normalised the way identity resolution does it.
     *
     * @param kind  {@code phone}, {@code email} or {@code member_no}
     * @throws IllegalArgumentException with a readable message when the value is not a valid identifier of that kind
     */
    Optional<Long> findByIdentity(String kind, String value);

    /**
     * Corrects profile fields at the customer's request: {@code name}, {@code gender}, {@code birthday} (ISO date),
     * {@code city}, {@code country}, {@code timeZone}; an empty value clears the field.
     *
     * @return the fields changed
     * @throws IllegalArgumentException naming the field when a field is unknown or its value invalid
     */
    java.util.List<String> rectify(long customerId, java.util.Map<String, String> fields);

    /**
     * Active customers with no purchase and no interaction since {@code cutoff} and registered (or created) before it,
     * lowest ids first, at most {@code limit}.
     */
    java.util.List<Long> inactiveSince(java.time.Instant cutoff, int limit);
}
