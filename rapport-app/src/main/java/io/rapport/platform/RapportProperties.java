package io.rapport.platform;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Currency;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tenant-wide settings with retail defaults.
 *
 * @param timeZone the brand's time zone: purchase days and console dates use it
 * @param currency the reporting currency that customer summaries are kept in
 * @param defaultRegion ISO 3166 region for phone numbers written without a country code
 * @param exchangeRates fixed rates to the reporting currency (1 unit of key = value units), for brands that sell in
 *     several currencies; an order in a currency without a rate is rejected by name
 */
@ConfigurationProperties("rapport")
public record RapportProperties(
        @DefaultValue("Asia/Shanghai") ZoneId timeZone,
        @DefaultValue("CNY") Currency currency,
        @DefaultValue("CN") String defaultRegion,
        Map<String, BigDecimal> exchangeRates,
        @DefaultValue("./data/uploads") Path uploadDir,
        @DefaultValue Admin admin,
        @DefaultValue Ingest ingest,
        @DefaultValue Demo demo) {

    public RapportProperties {
        exchangeRates = exchangeRates == null ? Map.of() : Map.copyOf(exchangeRates);
    }

    /** The first administrator, created on first start when no user exists. */
    public record Admin(@DefaultValue("admin") String username, String password) {}

    /**
     * @param chunkSize records per transaction when importing
     * @param maxBatch most events accepted by one call of the event API (413 above)
     * @param maxRequestBytes largest JSON body the API reads (413 above), checked before parsing
     * @param maxFieldLength longest accepted CSV field, in characters
     * @param futureTolerance how far in the future a timestamp may lie (clock skew of sources)
     * @param eventCommitters calls of the event API are stored (with what the events trigger) by this many
     *                        connections, each taking the calls that queued while it was busy and committing them
     *                        together; 0 commits each call on its own
     * @param eventCommitMax  at most this many events in one such commit (a larger call still goes, alone)
     */
    public record Ingest(
            @DefaultValue("1000") int chunkSize,
            @DefaultValue("1000") int maxBatch,
            @DefaultValue("16MB") org.springframework.util.unit.DataSize maxRequestBytes,
            @DefaultValue("65536") int maxFieldLength,
            @DefaultValue("PT5M") Duration futureTolerance,
            @DefaultValue("2") int eventCommitters,
            @DefaultValue("1000") int eventCommitMax) {

        public Ingest {
            if (eventCommitters < 0) {
                throw new IllegalArgumentException("rapport.ingest.event-committers must be 0 or more, not "
                        + eventCommitters);
            }
            if (eventCommitMax < 1) {
                throw new IllegalArgumentException("rapport.ingest.event-commit-max must be 1 or more, not "
                        + eventCommitMax);
            }
        }
    }

    /** Demo data filled on the first start of the demo profile. */
    public record Demo(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("20000") int customers,
            @DefaultValue("42") long seed) {}
}
