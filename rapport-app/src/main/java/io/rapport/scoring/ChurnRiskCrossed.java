package io.rapport.scoring;

import java.time.LocalDate;

/**
 * A customer's repurchase probability (P(at least one purchase in the next {@code windowDays})) fell below the
 * threshold (default 20%) since the run before: the trigger of the "rescue" journeys. First scores publish nothing.
 */
public record ChurnRiskCrossed(long customerId, double previousProbability, double repurchaseProbability,
                               double threshold, int windowDays, long runId, LocalDate asOf) {}
