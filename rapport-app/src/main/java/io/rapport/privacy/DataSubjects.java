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
}
