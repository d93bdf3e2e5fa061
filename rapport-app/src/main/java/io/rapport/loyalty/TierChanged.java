package io.rapport.loyalty;

/**
 * A member moved to another tier ({@code direction} "up" or "down"), published when it happens (journeys can
 * congratulate, the service desk can re-read the member's SLA). Published inside the transaction that changed it.
 */
public record TierChanged(long customerId, String fromTier, String toTier, String direction, String reason) {}
