package io.rapport.channel;

import java.time.Instant;
import java.util.Optional;

/**
 * What became of a send request. {@code status} is the outbox status ({@code PENDING}, {@code SENDING},
 * {@code SENT}, {@code DEAD} or {@code SUPPRESSED}); {@code reason} says why a message was suppressed, and
 * {@code heldReason} why it waits ({@code quiet-hours}); {@code replayed} is true when the dedupe key was already
 * known and nothing new was written.
 */
public record SendOutcome(long outboxId, String status, Optional<String> reason, Optional<String> heldReason,
                          Instant plannedAt, boolean replayed) {

    public boolean suppressed() {
        return "SUPPRESSED".equals(status);
    }
}
