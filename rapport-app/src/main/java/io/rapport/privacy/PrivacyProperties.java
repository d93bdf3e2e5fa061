package io.rapport.privacy;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Privacy settings with defaults that suit a brand selling in China, the EU and California.
 *
 * @param lawfulBasis     GDPR lawful basis per purpose; a purpose left out uses {@link LawfulBasis#CONSENT}
 * @param sensitiveFields data fields that are sensitive personal information (PIPL art. 28) and so need a separate
 *                        consent each before they are used
 * @param partners        third parties data may be shared with, by code; each needs its own consent (PIPL art. 23),
 *                        and those abroad a separate cross-border consent (PIPL art. 39)
 * @param unsubscribe     one-click unsubscribe links
 * @param holidays        public holidays falling on weekdays, for deadlines counted in working days (PIPL)
 */
@ConfigurationProperties("rapport.privacy")
public record PrivacyProperties(
        Map<Purpose, LawfulBasis> lawfulBasis,
        @DefaultValue({"health", "biometrics", "precise_location", "financial_account", "religion", "minor"})
        List<String> sensitiveFields,
        Map<String, Partner> partners,
        @DefaultValue Unsubscribe unsubscribe,
        List<java.time.LocalDate> holidays) {

    public PrivacyProperties {
        Map<Purpose, LawfulBasis> bases = new EnumMap<>(Purpose.class);
        bases.put(Purpose.MARKETING, LawfulBasis.CONSENT);
        bases.put(Purpose.SERVICE, LawfulBasis.CONTRACT);
        bases.put(Purpose.PROFILING, LawfulBasis.LEGITIMATE_INTERESTS);
        bases.put(Purpose.DATA_SHARING, LawfulBasis.CONSENT);
        if (lawfulBasis != null) {
            bases.putAll(lawfulBasis);
        }
        lawfulBasis = Map.copyOf(bases);
        sensitiveFields = sensitiveFields == null ? List.of() : List.copyOf(sensitiveFields);
        partners = partners == null ? Map.of() : Map.copyOf(partners);
        holidays = holidays == null ? List.of() : List.copyOf(holidays);
    }

    public LawfulBasis basis(Purpose purpose) {
        return lawfulBasis.getOrDefault(purpose, LawfulBasis.CONSENT);
    }

    public Optional<Partner> partner(String code) {
        return Optional.ofNullable(partners.get(code));
    }

    /**
     * A data recipient.
     *
     * @param name        shown to staff and in exports
     * @param country     ISO 3166 country the data goes to
     * @param crossBorder whether sharing with it is a transfer abroad (PIPL art. 38-39)
     */
    public record Partner(String name, String country, @DefaultValue("false") boolean crossBorder) {}

    /**
     * @param secret  HMAC key for the link tokens (32+ characters); when empty one is generated and kept in the database
     * @param ttl     how long a link works (CAN-SPAM asks for at least 30 days after sending)
     * @param baseUrl the public address of this server, for building links
     */
    public record Unsubscribe(
            String secret,
            @DefaultValue("P60D") Duration ttl,
            @DefaultValue("http://localhost:8080") String baseUrl) {}
}
