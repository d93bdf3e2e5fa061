package io.rapport.scoring;

import java.time.LocalDate;

/**
 * A customer's repurchase probability (BG/NBD P(at least one purchase in the next {@code windowDays})) fell from at
 * least {@code threshold} (default 20%) in the run before to below it in this one: the trigger of the "rescue"
 * journeys. Published once, on the crossing: a customer who stays below publishes nothing in later runs, and first
 * scores publish nothing.
 */
public record RepurchaseProbabilityFell(long customerId, double previousProbability, double repurchaseProbability,
                                        double threshold, int windowDays, long runId, LocalDate asOf) {}
