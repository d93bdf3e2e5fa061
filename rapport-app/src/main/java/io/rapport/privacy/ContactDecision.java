package io.rapport.privacy;

import java.util.Optional;

/**
 * The answer to "may Rapport use this customer's data for this purpose on this channel?". A "no" always carries
 * a stable reason code (e.g. {@code consent-withdrawn}, {@code no-consent}, {@code erased}, {@code restricted})
 * that journeys and channels record with the suppressed send.
 */
public record ContactDecision(boolean allowed, Optional<String> reason) {

    public static ContactDecision allow() {
        return new ContactDecision(true, Optional.empty());
    }

    public static ContactDecision deny(String reason) {
        return new ContactDecision(false, Optional.of(reason));
    }
}
