package io.rapport.scoring;

import java.time.LocalDate;

/**
 * A customer's stored churn risk (P(no purchase in the churn window)) rose from below {@code threshold} (default 0.5)
 * in the run before to at least it in this one. Published once, on the crossing; first scores publish nothing.
 *
 * @param source {@code model} when this run's churn risk came from the trained churn model, {@code fallback} when
 *               it is the BG/NBD estimate (see {@link ScoringRuns.Run#churnSource()})
 */
public record ChurnRiskCrossed(long customerId, double previousRisk, double churnRisk, double threshold,
                               String source, long runId, LocalDate asOf) {}
