package io.rapport.privacy;

import io.rapport.platform.RapportException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a grant or withdrawal came from; part of the proof a regulator may ask for. */
public enum ConsentSource {
    STORE, APP, WEB_FORM, IMPORT, UNSUBSCRIBE_LINK, SERVICE_DESK, API, MERGE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConsentSource parse(String value, String field) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw RapportException.badRequest("unknown-consent-source", field, "Unknown consent source '" + value
                    + "'; known: " + Arrays.stream(values()).map(ConsentSource::wire).collect(Collectors.joining(", ")));
        }
    }
}
