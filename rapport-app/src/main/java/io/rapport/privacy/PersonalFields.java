package io.rapport.privacy;

import java.util.List;

/**
 * Every column that holds personal data, declared in one place: what it holds and how Rapport protects it in
 * responses and what erasure does to it. {@code PersonalFieldsTests} checks that each declared column exists, and
 * docs/privacy.md lists them. A capability that adds a column with personal data adds it here.
 */
public final class PersonalFields {

    private PersonalFields() {}

    /** What kind of personal data a column holds. */
    public enum Kind { NAME, PHONE, EMAIL, IDENTIFIER, BIRTHDAY, LOCATION, FREE_TEXT, NETWORK_ADDRESS }

    /**
     * One personal column.
     *
     * @param masking  how responses show it to callers without the personal-data grant
     * @param erasure  what an erasure does to it
     */
    public record Field(String table, String column, Kind kind, String masking, String erasure) {}

    public static final List<Field> ALL = List.of(
            new Field("customer_profile", "name", Kind.NAME, "first character (张*)", "blanked"),
            new Field("customer_profile", "name_cipher", Kind.NAME,
                    "AES-GCM encrypted when configured (then name stays empty); decrypted, then masked", "blanked"),
            new Field("customer_profile", "name_index", Kind.NAME,
                    "blind index (keyed hash) of the normalised name for exact-match search; never shown", "blanked"),
            new Field("customer_profile", "birthday", Kind.BIRTHDAY, "year hidden (****-06-15)", "blanked"),
            new Field("customer_profile", "birthday_cipher", Kind.BIRTHDAY,
                    "AES-GCM encrypted when configured (then birthday stays empty); decrypted, then masked", "blanked"),
            new Field("customer_profile", "birth_year", Kind.BIRTHDAY,
                    "generalised (year only, for age conditions); plain", "blanked"),
            new Field("customer_profile", "birth_month_day", Kind.BIRTHDAY,
                    "generalised (MM-DD; its blind index when encrypted), for birthday journeys and conditions",
                    "blanked"),
            new Field("customer_profile", "gender", Kind.NAME, "shown", "blanked"),
            new Field("customer_profile", "city", Kind.LOCATION, "shown", "blanked"),
            new Field("customer_profile", "time_zone", Kind.LOCATION, "shown", "blanked"),
            new Field("customer_identity", "id_value", Kind.IDENTIFIER,
                    "phone 138****5678, email z***@example.com, other ids head only", "row deleted"),
            new Field("customer_identity", "value_cipher", Kind.IDENTIFIER,
                    "phones and emails AES-GCM encrypted when configured; decrypted, then masked", "row deleted"),
            new Field("ingest_event", "properties", Kind.FREE_TEXT,
                    "values under EVENT_PROPERTY_KEYS encrypted when configured and masked in the timeline",
                    "set to null"),
            new Field("channel_outbox", "recipient", Kind.IDENTIFIER,
                    "AES-GCM encrypted when configured; decrypted, then masked like identities (z***@example.com)",
                    "blanked"),
            new Field("channel_outbox", "subject", Kind.FREE_TEXT,
                    "AES-GCM encrypted when configured; decrypted for the outbox console and API", "blanked"),
            new Field("channel_outbox", "body", Kind.FREE_TEXT,
                    "AES-GCM encrypted when configured; decrypted only to send and for the person's export, never shown",
                    "blanked"),
            new Field("channel_outbox", "content_hash", Kind.FREE_TEXT,
                    "keyed blind index of the content when encrypted (SHA-256 otherwise), for the duplicate guard; "
                            + "never shown", "blanked"),
            new Field("ingest_job_error", "field_value", Kind.FREE_TEXT, "shown to importers only",
                    "deleted with the import file (retention import-files)"),
            new Field("privacy_consent_event", "proof", Kind.NETWORK_ADDRESS, "shown to consent readers",
                    "IP addresses replaced by 'erased'"),
            new Field("privacy_request", "details", Kind.FREE_TEXT, "never returned (field names only)",
                    "cleared"));

    /**
     * Event property keys (any depth, case-insensitive) whose values are personal data: encrypted at ingest when
     * encryption is on, masked in the timeline ({@code PersonalEventProperties}). Replaced as a whole by
     * {@code rapport.privacy.event-personal-properties}.
     */
    public static final List<String> EVENT_PROPERTY_KEYS = List.of("name", "full_name", "first_name", "last_name",
            "nickname", "email", "phone", "mobile", "address", "street", "postcode", "zip", "birthday", "id_card",
            "id_number", "passport", "ip", "ip_address", "latitude", "longitude");
}
