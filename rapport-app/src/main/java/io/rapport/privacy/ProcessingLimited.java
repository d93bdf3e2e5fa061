package io.rapport.privacy;

import java.time.Instant;

/**
 * Domain event: from now on the customer's data may no longer be used as before — erased, processing restricted on
 * request, or an objection to profiling recorded. Published inside the transaction that records it, only when the
 * limit is new (completing a second restriction of a restricted customer publishes nothing). Segments re-evaluate the
 * customer at once, so they leave every dynamic segment (segments are profiling, see docs/segments.md); an erased
 * customer also leaves static lists.
 */
public record ProcessingLimited(long customerId, Limit limit, Instant occurredAt) {

    /** Which limit was recorded, with the reason code {@link ContactPolicy} answers from now on. */
    public enum Limit {
        ERASED("erased"), RESTRICTED("restricted"), PROFILING_OBJECTION("profiling-objection");

        private final String reason;

        Limit(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
