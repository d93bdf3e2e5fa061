package io.rapport.segment;

import java.time.Instant;

/**
 * Domain event: a customer became a member of a segment. Published inside the transaction that recorded the entry
 * (journeys that start on it listen after commit). {@code cause} says what led to it: {@code event}, {@code order},
 * {@code tag}, {@code scores}, {@code schedule} (time passed), {@code created}, {@code edited}, {@code upload},
 * {@code snapshot}, {@code merge}, {@code consent}, {@code profile}, {@code privacy}. A customer whom an orders import
 * creates (or an orders or events import gives a new identifier) is evaluated once in that chunk, with the import's
 * cause ({@code order}, {@code event}).
 */
public record SegmentEntered(long segmentId, long customerId, Instant at, String cause) {}
