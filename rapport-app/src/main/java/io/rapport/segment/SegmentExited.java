package io.rapport.segment;

import java.time.Instant;

/** Domain event: a customer left a segment (see {@link SegmentEntered} for when it is published and the causes). */
public record SegmentExited(long segmentId, long customerId, Instant at, String cause) {}
