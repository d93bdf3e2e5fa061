package io.rapport.scoring;

import io.rapport.analytics.rfm.SpendTier;
import java.time.LocalDate;

/** A scoring run put a customer in another spend tier than the run before (first scores publish nothing). */
public record SpendTierChanged(long customerId, SpendTier from, SpendTier to, long runId, LocalDate asOf) {}
