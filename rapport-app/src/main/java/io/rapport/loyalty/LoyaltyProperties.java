package io.rapport.loyalty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Loyalty settings of the server (the programme itself is a document in the database: {@link ProgrammeSettings}; the nightly run's
 * schedule is {@code rapport.loyalty.cron}, read by {@link NightlyLoyalty}).
 *
 * @param committers express ledger operations (PostgreSQL) are committed together by this many connections, each
 *                   taking what has queued while it was busy ({@link io.rapport.platform.GroupCommits}); 0 (the
 *                   default: faster on the 2-core machines measured, docs/benchmarks.md) commits each on its own
 * @param maxBatch   at most this many operations in one commit
 */
@ConfigurationProperties("rapport.loyalty")
public record LoyaltyProperties(
        @DefaultValue("0") int committers,
        @DefaultValue("32") int maxBatch) {

    public LoyaltyProperties {
        if (committers < 0) {
            throw new IllegalArgumentException("rapport.loyalty.committers must be 0 or more, not " + committers);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("rapport.loyalty.max-batch must be 1 or more, not " + maxBatch);
        }
    }
}
