package io.rapport.customer;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.Table;

/** The customer capability's tables and columns, for jOOQ's DSL. */
final class CustomerTables {

    private CustomerTables() {}

    static final Table<?> PROFILE = table("customer_profile");
    static final Field<Long> P_ID = field("customer_profile", "id", Long.class);
    static final Field<String> P_STATUS = field("customer_profile", "status", String.class);
    static final Field<Long> P_MERGED_INTO = field("customer_profile", "merged_into", Long.class);
    static final Field<String> P_NAME = field("customer_profile", "name", String.class);
    static final Field<String> P_GENDER = field("customer_profile", "gender", String.class);
    static final Field<LocalDate> P_BIRTHDAY = field("customer_profile", "birthday", LocalDate.class);
    static final Field<String> P_CITY = field("customer_profile", "city", String.class);
    static final Field<String> P_COUNTRY = field("customer_profile", "country", String.class);
    static final Field<String> P_TIME_ZONE = field("customer_profile", "time_zone", String.class);
    static final Field<OffsetDateTime> P_REGISTERED_AT = field("customer_profile", "registered_at", OffsetDateTime.class);
    /** Name and birthday encrypted, their blind indexes and generalised birthday parts; see V5_6. */
    static final Field<String> P_NAME_CIPHER = field("customer_profile", "name_cipher", String.class);
    static final Field<String> P_NAME_INDEX = field("customer_profile", "name_index", String.class);
    static final Field<String> P_BIRTHDAY_CIPHER = field("customer_profile", "birthday_cipher", String.class);
    static final Field<Integer> P_BIRTH_YEAR = field("customer_profile", "birth_year", Integer.class);
    static final Field<String> P_BIRTH_MONTH_DAY = field("customer_profile", "birth_month_day", String.class);
    static final Field<OffsetDateTime> P_CREATED_AT = field("customer_profile", "created_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> P_UPDATED_AT = field("customer_profile", "updated_at", OffsetDateTime.class);

    static final Table<?> IDENTITY = table("customer_identity");
    static final Field<Long> I_ID = field("customer_identity", "id", Long.class);
    static final Field<Long> I_CUSTOMER = field("customer_identity", "customer_id", Long.class);
    static final Field<String> I_KIND = field("customer_identity", "kind", String.class);
    static final Field<String> I_NAMESPACE = field("customer_identity", "namespace", String.class);
    static final Field<String> I_VALUE = field("customer_identity", "id_value", String.class);
    static final Field<OffsetDateTime> I_CREATED_AT = field("customer_identity", "created_at", OffsetDateTime.class);
    /** The encrypted value when encryption is on (then {@link #I_VALUE} holds its blind index); see V5_3. */
    static final Field<String> I_CIPHER = field("customer_identity", "value_cipher", String.class);

    static final Table<?> MERGE = table("customer_merge");
    static final Field<Long> M_ID = field("customer_merge", "id", Long.class);
    static final Field<Long> M_SURVIVOR = field("customer_merge", "survivor_id", Long.class);
    static final Field<Long> M_MERGED = field("customer_merge", "merged_id", Long.class);
    static final Field<String> M_REASON = field("customer_merge", "reason", String.class);
    static final Field<OffsetDateTime> M_AT = field("customer_merge", "merged_at", OffsetDateTime.class);

    static final Table<?> SUMMARY = table("customer_summary");
    static final Field<Long> S_CUSTOMER = field("customer_summary", "customer_id", Long.class);
    static final Field<Integer> S_ORDERS = field("customer_summary", "order_count", Integer.class);
    static final Field<Integer> S_RETURNS = field("customer_summary", "return_count", Integer.class);
    static final Field<Integer> S_DAYS = field("customer_summary", "purchase_days", Integer.class);
    static final Field<BigDecimal> S_SPEND = field("customer_summary", "total_spend", BigDecimal.class);
    static final Field<OffsetDateTime> S_FIRST = field("customer_summary", "first_purchase_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> S_LAST = field("customer_summary", "last_purchase_at", OffsetDateTime.class);
    static final Field<String> S_LAST_CHANNEL = field("customer_summary", "last_channel", String.class);
    static final Field<Integer> S_EVENTS = field("customer_summary", "event_count", Integer.class);
    static final Field<OffsetDateTime> S_LAST_INTERACTION =
            field("customer_summary", "last_interaction_at", OffsetDateTime.class);

    static final Table<?> PURCHASE_DAY = table("customer_purchase_day");
    static final Field<Long> D_CUSTOMER = field("customer_purchase_day", "customer_id", Long.class);
    static final Field<LocalDate> D_DAY = field("customer_purchase_day", "purchase_day", LocalDate.class);

    static final Table<?> CHANNEL = table("customer_channel_summary");
    static final Field<Long> C_CUSTOMER = field("customer_channel_summary", "customer_id", Long.class);
    static final Field<String> C_CHANNEL = field("customer_channel_summary", "channel", String.class);
    static final Field<Integer> C_ORDERS = field("customer_channel_summary", "order_count", Integer.class);
    static final Field<BigDecimal> C_SPEND = field("customer_channel_summary", "net_spend", BigDecimal.class);
}
