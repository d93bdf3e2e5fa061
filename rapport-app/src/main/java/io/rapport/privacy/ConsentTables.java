package io.rapport.privacy;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.Table;

/** The consent ledger's tables and columns, for jOOQ's DSL. */
final class ConsentTables {

    private ConsentTables() {}

    static final Table<?> EVENT = table("privacy_consent_event");
    static final Field<Long> E_ID = field("privacy_consent_event", "id", Long.class);
    static final Field<Long> E_CUSTOMER = field("privacy_consent_event", "customer_id", Long.class);
    static final Field<String> E_PURPOSE = field("privacy_consent_event", "purpose", String.class);
    static final Field<String> E_CHANNEL = field("privacy_consent_event", "channel", String.class);
    static final Field<String> E_SCOPE = field("privacy_consent_event", "scope", String.class);
    static final Field<Boolean> E_GRANTED = field("privacy_consent_event", "granted", Boolean.class);
    static final Field<OffsetDateTime> E_OCCURRED = field("privacy_consent_event", "occurred_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> E_RECORDED = field("privacy_consent_event", "recorded_at", OffsetDateTime.class);
    static final Field<String> E_SOURCE = field("privacy_consent_event", "source", String.class);
    static final Field<String> E_NOTICE = field("privacy_consent_event", "notice_version", String.class);
    static final Field<String> E_PROOF = field("privacy_consent_event", "proof", String.class);
    static final Field<String> E_BY = field("privacy_consent_event", "recorded_by", String.class);

    static final Table<?> CURRENT = table("privacy_consent_current");
    static final Field<Long> C_CUSTOMER = field("privacy_consent_current", "customer_id", Long.class);
    static final Field<String> C_PURPOSE = field("privacy_consent_current", "purpose", String.class);
    static final Field<String> C_CHANNEL = field("privacy_consent_current", "channel", String.class);
    static final Field<String> C_SCOPE = field("privacy_consent_current", "scope", String.class);
    static final Field<Boolean> C_GRANTED = field("privacy_consent_current", "granted", Boolean.class);
    static final Field<OffsetDateTime> C_OCCURRED = field("privacy_consent_current", "occurred_at", OffsetDateTime.class);
    static final Field<Long> C_EVENT = field("privacy_consent_current", "event_id", Long.class);

    static final Table<?> SUBJECT = table("privacy_subject");
    static final Field<Long> S_CUSTOMER = field("privacy_subject", "customer_id", Long.class);
    static final Field<Boolean> S_RESTRICTED = field("privacy_subject", "restricted", Boolean.class);
    static final Field<Boolean> S_PROFILING_OBJECTION = field("privacy_subject", "profiling_objection", Boolean.class);
    static final Field<OffsetDateTime> S_ERASED = field("privacy_subject", "erased_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> S_UPDATED = field("privacy_subject", "updated_at", OffsetDateTime.class);

    static final Table<?> SECRET = table("privacy_secret");
    static final Field<String> K_NAME = field("privacy_secret", "name", String.class);
    static final Field<String> K_VALUE = field("privacy_secret", "secret_value", String.class);
    static final Field<OffsetDateTime> K_CREATED = field("privacy_secret", "created_at", OffsetDateTime.class);

    /** The channel column's value for consent that covers every channel. */
    static final String ALL_CHANNELS = "ALL";
}
