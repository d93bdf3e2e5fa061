package io.rapport.segment;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.Table;

/** The segment capability's tables and columns, for jOOQ's DSL. */
final class SegmentTables {

    private SegmentTables() {}

    static final Table<?> DEFINITION = table("segment_definition");
    static final Field<Long> D_ID = field("segment_definition", "id", Long.class);
    static final Field<String> D_NAME = field("segment_definition", "name", String.class);
    static final Field<String> D_DESCRIPTION = field("segment_definition", "description", String.class);
    static final Field<String> D_KIND = field("segment_definition", "kind", String.class);
    static final Field<String> D_DEFINITION = field("segment_definition", "definition", String.class);
    static final Field<Boolean> D_TIME_RELATIVE = field("segment_definition", "time_relative", Boolean.class);
    static final Field<Long> D_MEMBERS = field("segment_definition", "member_count", Long.class);
    static final Field<Integer> D_VERSION = field("segment_definition", "version", Integer.class);
    static final Field<String> D_CREATED_BY = field("segment_definition", "created_by", String.class);
    static final Field<OffsetDateTime> D_CREATED_AT = field("segment_definition", "created_at", OffsetDateTime.class);
    static final Field<String> D_UPDATED_BY = field("segment_definition", "updated_by", String.class);
    static final Field<OffsetDateTime> D_UPDATED_AT = field("segment_definition", "updated_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> D_REFRESHED_AT = field("segment_definition", "refreshed_at", OffsetDateTime.class);

    static final Table<?> DEPENDENCY = table("segment_dependency");
    static final Field<Long> DEP_SEGMENT = field("segment_dependency", "segment_id", Long.class);
    static final Field<Long> DEP_ON = field("segment_dependency", "depends_on", Long.class);

    static final Table<?> MEMBER = table("segment_member");
    static final Field<Long> M_SEGMENT = field("segment_member", "segment_id", Long.class);
    static final Field<Long> M_CUSTOMER = field("segment_member", "customer_id", Long.class);
    static final Field<OffsetDateTime> M_SINCE = field("segment_member", "since", OffsetDateTime.class);

    static final Table<?> CHANGE = table("segment_member_change");
    static final Field<Long> C_ID = field("segment_member_change", "id", Long.class);
    static final Field<Long> C_SEGMENT = field("segment_member_change", "segment_id", Long.class);
    static final Field<Long> C_CUSTOMER = field("segment_member_change", "customer_id", Long.class);
    static final Field<String> C_CHANGE = field("segment_member_change", "change_kind", String.class);
    static final Field<OffsetDateTime> C_AT = field("segment_member_change", "changed_at", OffsetDateTime.class);
    static final Field<String> C_CAUSE = field("segment_member_change", "cause", String.class);

    static final Table<?> SIZE_DAY = table("segment_size_day");
    static final Field<Long> SZ_SEGMENT = field("segment_size_day", "segment_id", Long.class);
    static final Field<LocalDate> SZ_DAY = field("segment_size_day", "on_day", LocalDate.class);
    static final Field<Long> SZ_SIZE = field("segment_size_day", "size", Long.class);
    static final Field<Long> SZ_ENTRIES = field("segment_size_day", "entries", Long.class);
    static final Field<Long> SZ_EXITS = field("segment_size_day", "exits", Long.class);

    static final Table<?> REFRESH = table("segment_refresh_run");
    static final Field<Long> R_ID = field("segment_refresh_run", "id", Long.class);
    static final Field<String> R_TRIGGER = field("segment_refresh_run", "trigger_kind", String.class);
    static final Field<OffsetDateTime> R_STARTED = field("segment_refresh_run", "started_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> R_FINISHED = field("segment_refresh_run", "finished_at", OffsetDateTime.class);
    static final Field<Integer> R_SEGMENTS = field("segment_refresh_run", "segments", Integer.class);
    static final Field<Long> R_ENTRIES = field("segment_refresh_run", "entries", Long.class);
    static final Field<Long> R_EXITS = field("segment_refresh_run", "exits", Long.class);
    static final Field<Long> R_DRIFT = field("segment_refresh_run", "drift", Long.class);
    static final Field<String> R_DETAIL = field("segment_refresh_run", "detail", String.class);

    static final Table<?> BEHAVIOUR = table("segment_behaviour_day");
    static final Field<Long> B_CUSTOMER = field("segment_behaviour_day", "customer_id", Long.class);
    static final Field<String> B_TYPE = field("segment_behaviour_day", "event_type", String.class);
    static final Field<String> B_DIMENSION = field("segment_behaviour_day", "dimension", String.class);
    static final Field<String> B_VALUE = field("segment_behaviour_day", "dim_value", String.class);
    static final Field<LocalDate> B_DAY = field("segment_behaviour_day", "event_day", LocalDate.class);
    static final Field<Integer> B_COUNT = field("segment_behaviour_day", "event_count", Integer.class);
    static final Field<BigDecimal> B_AMOUNT = field("segment_behaviour_day", "amount", BigDecimal.class);

    static final Table<?> LAST_EVENT = table("segment_last_event");
    static final Field<Long> L_CUSTOMER = field("segment_last_event", "customer_id", Long.class);
    static final Field<String> L_TYPE = field("segment_last_event", "event_type", String.class);
    static final Field<OffsetDateTime> L_AT = field("segment_last_event", "last_at", OffsetDateTime.class);

    static final Table<?> HOUR = table("segment_hour_of_week");
    static final Field<Long> H_CUSTOMER = field("segment_hour_of_week", "customer_id", Long.class);
    static final Field<Integer> H_HOUR = field("segment_hour_of_week", "hour_of_week", Integer.class);
    static final Field<Integer> H_COUNT = field("segment_hour_of_week", "event_count", Integer.class);

    static final Table<?> TRAITS = table("segment_order_traits");
    static final Field<Long> T_CUSTOMER = field("segment_order_traits", "customer_id", Long.class);
    static final Field<Integer> T_LINES = field("segment_order_traits", "sale_lines", Integer.class);
    static final Field<Integer> T_PROMOTION = field("segment_order_traits", "promotion_lines", Integer.class);
    static final Field<Long> T_UNITS = field("segment_order_traits", "units", Long.class);
    static final Field<BigDecimal> T_NET = field("segment_order_traits", "net_amount", BigDecimal.class);

    static final Table<?> TAG = table("segment_tag");
    static final Field<String> TG_CODE = field("segment_tag", "code", String.class);
    static final Field<String> TG_NAME = field("segment_tag", "name", String.class);
    static final Field<String> TG_CATEGORY = field("segment_tag", "category", String.class);
    static final Field<String> TG_KIND = field("segment_tag", "kind", String.class);
    static final Field<Long> TG_SEGMENT = field("segment_tag", "segment_id", Long.class);
    static final Field<String> TG_DESCRIPTION = field("segment_tag", "description", String.class);
    static final Field<String> TG_CREATED_BY = field("segment_tag", "created_by", String.class);
    static final Field<OffsetDateTime> TG_CREATED_AT = field("segment_tag", "created_at", OffsetDateTime.class);

    static final Table<?> CUSTOMER_TAG = table("segment_customer_tag");
    static final Field<Long> CT_CUSTOMER = field("segment_customer_tag", "customer_id", Long.class);
    static final Field<String> CT_TAG = field("segment_customer_tag", "tag_code", String.class);
    static final Field<String> CT_VALUE = field("segment_customer_tag", "tag_value", String.class);
    static final Field<String> CT_BY = field("segment_customer_tag", "set_by", String.class);
    static final Field<OffsetDateTime> CT_AT = field("segment_customer_tag", "set_at", OffsetDateTime.class);
    static final Field<String> CT_REASON = field("segment_customer_tag", "reason", String.class);

    static final Table<?> TAG_HISTORY = table("segment_tag_history");
    static final Field<Long> TH_ID = field("segment_tag_history", "id", Long.class);
    static final Field<Long> TH_CUSTOMER = field("segment_tag_history", "customer_id", Long.class);
    static final Field<String> TH_TAG = field("segment_tag_history", "tag_code", String.class);
    static final Field<String> TH_VALUE = field("segment_tag_history", "tag_value", String.class);
    static final Field<String> TH_CHANGE = field("segment_tag_history", "change_kind", String.class);
    static final Field<OffsetDateTime> TH_AT = field("segment_tag_history", "changed_at", OffsetDateTime.class);
    static final Field<String> TH_ACTOR = field("segment_tag_history", "actor", String.class);
    static final Field<String> TH_REASON = field("segment_tag_history", "reason", String.class);
}
