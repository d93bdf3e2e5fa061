package io.rapport.channel;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.Table;

/** The channel capability's tables and columns, for jOOQ's DSL. */
final class ChannelTables {

    private ChannelTables() {}

    static final Table<?> TEMPLATE = table("channel_template");
    static final Field<String> T_CODE = field("channel_template", "code", String.class);
    static final Field<String> T_CHANNEL = field("channel_template", "channel", String.class);
    static final Field<String> T_PURPOSE = field("channel_template", "purpose", String.class);
    static final Field<String> T_VARIABLES = field("channel_template", "variables", String.class);
    static final Field<String> T_DEFAULT_LANGUAGE = field("channel_template", "default_language", String.class);
    static final Field<Integer> T_VERSION = field("channel_template", "version", Integer.class);
    static final Field<String> T_UPDATED_BY = field("channel_template", "updated_by", String.class);
    static final Field<OffsetDateTime> T_UPDATED_AT = field("channel_template", "updated_at", OffsetDateTime.class);

    static final Table<?> TEXT = table("channel_template_text");
    static final Field<String> X_CODE = field("channel_template_text", "template_code", String.class);
    static final Field<String> X_LANGUAGE = field("channel_template_text", "language", String.class);
    static final Field<String> X_SUBJECT = field("channel_template_text", "subject", String.class);
    static final Field<String> X_BODY = field("channel_template_text", "body", String.class);

    static final Table<?> OUTBOX = table("channel_outbox");
    static final Field<Long> O_ID = field("channel_outbox", "id", Long.class);
    static final Field<String> O_DEDUPE = field("channel_outbox", "dedupe_key", String.class);
    static final Field<Long> O_CUSTOMER = field("channel_outbox", "customer_id", Long.class);
    static final Field<String> O_CHANNEL = field("channel_outbox", "channel", String.class);
    static final Field<String> O_PURPOSE = field("channel_outbox", "purpose", String.class);
    static final Field<String> O_TEMPLATE = field("channel_outbox", "template_code", String.class);
    static final Field<String> O_LANGUAGE = field("channel_outbox", "language", String.class);
    static final Field<String> O_RECIPIENT = field("channel_outbox", "recipient", String.class);
    static final Field<String> O_SUBJECT = field("channel_outbox", "subject", String.class);
    static final Field<String> O_BODY = field("channel_outbox", "body", String.class);
    static final Field<String> O_HASH = field("channel_outbox", "content_hash", String.class);
    static final Field<String> O_ORIGIN = field("channel_outbox", "origin", String.class);
    static final Field<String> O_CONSENT_CHANNEL = field("channel_outbox", "consent_channel", String.class);
    static final Field<String> O_STATUS = field("channel_outbox", "status", String.class);
    static final Field<String> O_SUPPRESSION = field("channel_outbox", "suppression_reason", String.class);
    static final Field<String> O_HELD = field("channel_outbox", "held_reason", String.class);
    static final Field<OffsetDateTime> O_PLANNED = field("channel_outbox", "planned_at", OffsetDateTime.class);
    static final Field<Integer> O_ATTEMPTS = field("channel_outbox", "attempts", Integer.class);
    static final Field<OffsetDateTime> O_NEXT = field("channel_outbox", "next_attempt_at", OffsetDateTime.class);
    static final Field<String> O_CLAIMED_BY = field("channel_outbox", "claimed_by", String.class);
    static final Field<OffsetDateTime> O_LEASE = field("channel_outbox", "lease_until", OffsetDateTime.class);
    static final Field<String> O_LAST_ERROR = field("channel_outbox", "last_error", String.class);
    static final Field<String> O_DEAD_REASON = field("channel_outbox", "dead_reason", String.class);
    static final Field<String> O_PROVIDER_ID = field("channel_outbox", "provider_message_id", String.class);
    static final Field<OffsetDateTime> O_CREATED = field("channel_outbox", "created_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> O_SENT = field("channel_outbox", "sent_at", OffsetDateTime.class);

    static final Table<?> EVENT = table("channel_event");
    static final Field<Long> E_ID = field("channel_event", "id", Long.class);
    static final Field<String> E_PROVIDER = field("channel_event", "provider", String.class);
    static final Field<String> E_PROVIDER_ID = field("channel_event", "provider_event_id", String.class);
    static final Field<Long> E_OUTBOX = field("channel_event", "outbox_id", Long.class);
    static final Field<Long> E_CUSTOMER = field("channel_event", "customer_id", Long.class);
    static final Field<String> E_KIND = field("channel_event", "kind", String.class);
    static final Field<String> E_DETAIL = field("channel_event", "detail", String.class);
    static final Field<OffsetDateTime> E_OCCURRED = field("channel_event", "occurred_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> E_RECEIVED = field("channel_event", "received_at", OffsetDateTime.class);
}
