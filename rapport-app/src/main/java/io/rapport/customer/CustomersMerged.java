package io.rapport.customer;

/**
 * Domain event: the profile {@code mergedId} now lives on as {@code survivorId}. Published inside the merging
 * transaction, so every capability that keeps rows per customer moves them in the same commit.
 */
public record CustomersMerged(long survivorId, long mergedId) {}
