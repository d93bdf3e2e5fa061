package io.rapport.scoring;

import io.rapport.analytics.lifecycle.LifecycleStage;
import java.time.LocalDate;

/** A scoring run put a customer in another lifecycle stage than the run before (first scores publish nothing). */
public record LifecycleStageChanged(long customerId, LifecycleStage from, LifecycleStage to, long runId, LocalDate asOf) {}
