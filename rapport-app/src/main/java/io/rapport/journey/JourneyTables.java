package io.rapport.journey;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.Table;

/** The journey capability's tables and columns, for jOOQ's DSL. */
final class JourneyTables {

    private JourneyTables() {}

    static final Table<?> JOURNEY = table("journey");
    static final Field<Long> J_ID = field("journey", "id", Long.class);
    static final Field<String> J_CODE = field("journey", "code", String.class);
    static final Field<String> J_NAME = field("journey", "name", String.class);
    static final Field<String> J_STATUS = field("journey", "status", String.class);
    static final Field<Integer> J_VERSION = field("journey", "current_version", Integer.class);
    static final Field<OffsetDateTime> J_CREATED = field("journey", "created_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> J_UPDATED = field("journey", "updated_at", OffsetDateTime.class);

    static final Table<?> VERSION = table("journey_version");
    static final Field<Long> V_JOURNEY = field("journey_version", "journey_id", Long.class);
    static final Field<Integer> V_VERSION = field("journey_version", "version", Integer.class);
    static final Field<String> V_DEFINITION = field("journey_version", "definition", String.class);
    static final Field<String> V_BY = field("journey_version", "created_by", String.class);
    static final Field<OffsetDateTime> V_CREATED = field("journey_version", "created_at", OffsetDateTime.class);

    static final Table<?> INSTANCE = table("journey_instance");
    static final Field<Long> I_ID = field("journey_instance", "id", Long.class);
    static final Field<Long> I_JOURNEY = field("journey_instance", "journey_id", Long.class);
    static final Field<Integer> I_VERSION = field("journey_instance", "version", Integer.class);
    static final Field<Long> I_CUSTOMER = field("journey_instance", "customer_id", Long.class);
    static final Field<String> I_ENTRY = field("journey_instance", "entry_key", String.class);
    static final Field<String> I_STATUS = field("journey_instance", "status", String.class);
    static final Field<Boolean> I_HOLDOUT = field("journey_instance", "holdout", Boolean.class);
    static final Field<String> I_STEP = field("journey_instance", "current_step", String.class);
    static final Field<Integer> I_SEQ = field("journey_instance", "step_seq", Integer.class);
    static final Field<OffsetDateTime> I_WAITING = field("journey_instance", "waiting_until", OffsetDateTime.class);
    static final Field<String> I_SEEN = field("journey_instance", "seen_events", String.class);
    static final Field<String> I_AWAITING = field("journey_instance", "awaiting", String.class);
    static final Field<OffsetDateTime> I_ENTERED = field("journey_instance", "entered_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> I_UPDATED = field("journey_instance", "updated_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> I_FINISHED = field("journey_instance", "finished_at", OffsetDateTime.class);
    static final Field<String> I_EXIT = field("journey_instance", "exit_reason", String.class);
    static final Field<OffsetDateTime> I_CONVERTED = field("journey_instance", "converted_at", OffsetDateTime.class);
    static final Field<BigDecimal> I_REVENUE = field("journey_instance", "revenue", BigDecimal.class);
    static final Field<String> I_VARIABLES = field("journey_instance", "variables", String.class);
    static final Field<String> I_CONTEXT = field("journey_instance", "context", String.class);

    static final Table<?> WATCH = table("journey_watch");
    static final Field<Long> W_ID = field("journey_watch", "id", Long.class);
    static final Field<Long> W_JOURNEY = field("journey_watch", "journey_id", Long.class);
    static final Field<Long> W_CUSTOMER = field("journey_watch", "customer_id", Long.class);
    static final Field<String> W_KEY = field("journey_watch", "trigger_key", String.class);
    static final Field<String> W_AWAITED = field("journey_watch", "awaited", String.class);
    static final Field<OffsetDateTime> W_STARTED = field("journey_watch", "started_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> W_DEADLINE = field("journey_watch", "deadline", OffsetDateTime.class);
    static final Field<String> W_STATUS = field("journey_watch", "status", String.class);
    static final Field<String> W_CONTEXT = field("journey_watch", "context", String.class);

    static final Table<?> STEP_LOG = table("journey_step_log");
    static final Field<Long> L_INSTANCE = field("journey_step_log", "instance_id", Long.class);
    static final Field<Long> L_JOURNEY = field("journey_step_log", "journey_id", Long.class);
    static final Field<String> L_STEP = field("journey_step_log", "step_id", String.class);
    static final Field<String> L_OUTCOME = field("journey_step_log", "outcome", String.class);
    static final Field<OffsetDateTime> L_AT = field("journey_step_log", "at", OffsetDateTime.class);

    /**
     * The instance's customer is one of these: {@code customer_id = any(?)}, one array bind value. Unlike an
     * {@code IN} list of many bind values, its plan does not test every row against the whole list when PostgreSQL
     * reuses a generic plan for a table whose statistics are not yet up to date (a date check of 20,000 customers
     * took 0.6 s per 1,000 ids that way).
     */
    static org.jooq.Condition customerAmong(java.util.Collection<Long> customers) {
        return I_CUSTOMER.eq(org.jooq.impl.DSL.any(customers.toArray(Long[]::new)));
    }
}
