package io.rapport.channel;

import java.time.Instant;
import java.util.Optional;

/**
 * A delivery, open, click, bounce or unsubscribe reported back by a gateway, published once per provider event
 * after it is stored. Journeys use it for engagement branches and goals; privacy may act on unsubscribes.
 */
public record MessageEngagement(long eventId, long outboxId, Optional<Long> customerId, ChannelKind channel,
                                String kind, String dedupeKey, String origin, Instant occurredAt) {

    /** The kinds a gateway may report. */
    public static final java.util.List<String> KINDS =
            java.util.List.of("delivered", "opened", "clicked", "bounced", "unsubscribed", "failed");
}
