package io.rapport.privacy;

import java.time.Instant;

/**
 * A kind of data kept only for a limited time. The capability that stores it implements this (as it implements
 * {@link PersonalDataHolder}); the retention job asks each kind how much lies beyond its configured period
 * ({@code rapport.privacy.retention.periods.<kind>}) and, when not a dry run, deletes or anonymises it.
 */
public interface RetainedData {

    /** Stable name used in configuration and reports: {@code events}, {@code import-files} … */
    String kind();

    /** What happens to expired data, in a few words ("deleted", "anonymised"). */
    String action();

    /** How many items are older than the cutoff (the dry run). */
    long countOlderThan(Instant cutoff);

    /** Deletes or anonymises the items older than the cutoff; returns how many. */
    long removeOlderThan(Instant cutoff);
}
