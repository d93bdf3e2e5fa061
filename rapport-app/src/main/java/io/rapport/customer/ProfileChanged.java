package io.rapport.customer;

import java.util.List;

/**
 * Domain event: these customers' profiles changed — created, an attribute (name, gender, birthday, city, country, time
 * zone, registration date) now holds a different value, or a new identifier (phone, email, member number …) was
 * attached. Published inside the writing transaction (imports of any file, the event API, rectification requests),
 * once per chunk, only when something actually changed: replaying a file publishes nothing. Segments re-evaluate
 * these customers' dynamic memberships in the same transaction. Merges are {@link CustomersMerged}.
 */
public record ProfileChanged(List<Long> customerIds) {

    public ProfileChanged {
        customerIds = List.copyOf(customerIds);
    }
}
