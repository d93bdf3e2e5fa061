package io.rapport.privacy;

import java.time.Instant;
import java.util.Optional;

/**
 * Domain event: a customer's consent for a purpose (on a channel, or all channels) was granted or withdrawn.
 * Published inside the transaction that wrote the ledger row, only when the recorded event changed the current state
 * (the granted flag, or the time of an unchanged flag, which decides against the channel-wide row). Segments
 * re-evaluate the customer's dynamic memberships in the same transaction ({@code io.rapport.segment.Memberships});
 * journeys stop pending sends.
 *
 * @param channel empty when the consent covers every channel (profiling, data sharing, "all marketing")
 * @param scope   empty for the purpose itself; {@code partner:<code>} or {@code sensitive:<field>} for PIPL separate
 *                consents
 */
public record ConsentChanged(long customerId, Purpose purpose, Optional<ContactChannel> channel, String scope,
                             boolean granted, Instant occurredAt, String source) {}
