package io.rapport.privacy;

import java.time.Instant;
import java.util.Optional;

/**
 * Domain event: a customer's consent for a purpose (on a channel, or all channels) was granted or withdrawn.
 * Published inside the transaction that wrote the ledger row, only when the recorded event changed the current state
 * (the granted flag; or an unchanged flag whose newer time now outranks an opposite row on all channels or on one
 * channel, which flips the decision). Segments
 * re-evaluate the customer's dynamic memberships in the same transaction ({@code io.rapport.segment.Memberships});
 * journeys stop pending sends.
 *
 * @param channel empty when the consent covers every channel (profiling, data sharing, "all marketing")
 * @param scope   empty for the purpose itself; {@code partner:<code>} or {@code sensitive:<field>} for PIPL separate
 *                consents
 */
public record ConsentChanged(long customerId, Purpose purpose, Optional<ContactChannel> channel, String scope,
                             boolean granted, Instant occurredAt, String source) {}
