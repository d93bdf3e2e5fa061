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
            new Field("customer_profile", "birthday", Kind.BIRTHDAY, "year hidden (****-06-15)", "blanked"),
            new Field("customer_profile", "gender", Kind.NAME, "shown", "blanked"),
            new Field("customer_profile", "city", Kind.LOCATION, "shown", "blanked"),
            new Field("customer_profile", "time_zone", Kind.LOCATION, "shown", "blanked"),
            new Field("customer_identity", "id_value", Kind.IDENTIFIER,
                    "phone 138****5678, email z***@example.com, other ids head only", "row deleted"),
            new Field("customer_identity", "value_cipher", Kind.IDENTIFIER,
                    "phones and emails AES-GCM encrypted when configured; decrypted, then masked", "row deleted"),
            new Field("ingest_event", "properties", Kind.FREE_TEXT, "not returned by list APIs", "set to null"),
            new Field("ingest_job_error", "field_value", Kind.FREE_TEXT, "shown to importers only",
                    "deleted with the import file (retention import-files)"),
            new Field("privacy_consent_event", "proof", Kind.NETWORK_ADDRESS, "shown to consent readers",
                    "IP addresses replaced by 'erased'"),
            new Field("privacy_request", "details", Kind.FREE_TEXT, "never returned (field names only)",
                    "cleared"));
}
