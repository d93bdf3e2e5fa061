package io.rapport.channel;

import io.rapport.privacy.Purpose;
import java.util.Optional;

/** A claimed outbox row as an adapter sends it. */
record OutboundMessage(long outboxId, String dedupeKey, ChannelKind channel, Purpose purpose,
                       Optional<Long> customerId, String recipient, Optional<String> subject, String body,
                       String language, String template, int attempt) {}
