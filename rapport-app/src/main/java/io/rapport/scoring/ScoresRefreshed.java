package io.rapport.scoring;

import java.time.LocalDate;

/**
 * A scoring run finished and its scores are now the current ones (published after the per-customer change events).
 * Every score may have moved, so whatever is built on scores (segments, tags) re-reads them.
 */
public record ScoresRefreshed(long runId, LocalDate asOf) {}
