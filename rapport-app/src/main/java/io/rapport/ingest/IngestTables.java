package io.rapport.ingest;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.Table;

/** The ingest capability's tables and columns, for jOOQ's DSL. */
final class IngestTables {

    private IngestTables() {}

    static final Table<?> ORDER = table("ingest_order");
    static final Field<Long> O_ID = field("ingest_order", "id", Long.class);
    static final Field<String> O_SOURCE = field("ingest_order", "source", String.class);
    static final Field<String> O_EXTERNAL_ID = field("ingest_order", "external_id", String.class);
    static final Field<Long> O_CUSTOMER = field("ingest_order", "customer_id", Long.class);
    static final Field<String> O_KIND = field("ingest_order", "kind", String.class);
    static final Field<String> O_CHANNEL = field("ingest_order", "channel", String.class);
    static final Field<String> O_STORE = field("ingest_order", "store_code", String.class);
    static final Field<OffsetDateTime> O_ORDERED_AT = field("ingest_order", "ordered_at", OffsetDateTime.class);
    static final Field<LocalDate> O_DAY = field("ingest_order", "order_day", LocalDate.class);
    static final Field<String> O_CURRENCY = field("ingest_order", "currency", String.class);
    static final Field<String> O_ORIGINAL = field("ingest_order", "original_order", String.class);

    static final Table<?> LINE = table("ingest_order_line");
    static final Field<Long> L_ID = field("ingest_order_line", "id", Long.class);
    static final Field<Long> L_ORDER = field("ingest_order_line", "order_id", Long.class);
    static final Field<String> L_SOURCE = field("ingest_order_line", "source", String.class);
    static final Field<String> L_EXTERNAL_ID = field("ingest_order_line", "external_id", String.class);
    static final Field<String> L_SKU = field("ingest_order_line", "sku", String.class);
    static final Field<String> L_DESCRIPTION = field("ingest_order_line", "description", String.class);
    static final Field<Integer> L_QUANTITY = field("ingest_order_line", "quantity", Integer.class);
    static final Field<BigDecimal> L_UNIT_PRICE = field("ingest_order_line", "unit_price", BigDecimal.class);
    static final Field<BigDecimal> L_DISCOUNT = field("ingest_order_line", "discount", BigDecimal.class);
    static final Field<String> L_COUPON = field("ingest_order_line", "coupon_code", String.class);
    static final Field<BigDecimal> L_NET = field("ingest_order_line", "net_amount", BigDecimal.class);

    static final Table<?> EVENT = table("ingest_event");
    static final Field<Long> E_ID = field("ingest_event", "id", Long.class);
    static final Field<String> E_SOURCE = field("ingest_event", "source", String.class);
    static final Field<String> E_EXTERNAL_ID = field("ingest_event", "external_id", String.class);
    static final Field<Long> E_CUSTOMER = field("ingest_event", "customer_id", Long.class);
    static final Field<String> E_TYPE = field("ingest_event", "type", String.class);
    static final Field<OffsetDateTime> E_OCCURRED_AT = field("ingest_event", "occurred_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> E_RECEIVED_AT = field("ingest_event", "received_at", OffsetDateTime.class);
    static final Field<String> E_PROPERTIES = field("ingest_event", "properties", String.class);

    static final Table<?> STORE = table("ingest_store");
    static final Field<String> ST_CODE = field("ingest_store", "code", String.class);
    static final Field<String> ST_NAME = field("ingest_store", "name", String.class);
    static final Field<String> ST_CHANNEL = field("ingest_store", "channel", String.class);
    static final Field<String> ST_CITY = field("ingest_store", "city", String.class);

    static final Table<?> JOB = table("ingest_job");
    static final Field<Long> J_ID = field("ingest_job", "id", Long.class);
    static final Field<String> J_KIND = field("ingest_job", "kind", String.class);
    static final Field<String> J_PRESET = field("ingest_job", "preset", String.class);
    static final Field<String> J_SOURCE = field("ingest_job", "source", String.class);
    static final Field<String> J_FILE_NAME = field("ingest_job", "file_name", String.class);
    static final Field<String> J_STORED_PATH = field("ingest_job", "stored_path", String.class);
    static final Field<String> J_MAPPING = field("ingest_job", "column_mapping", String.class);
    static final Field<String> J_STATUS = field("ingest_job", "status", String.class);
    static final Field<Long> J_BYTES_TOTAL = field("ingest_job", "bytes_total", Long.class);
    static final Field<Long> J_BYTES_READ = field("ingest_job", "bytes_read", Long.class);
    static final Field<Long> J_ROWS_READ = field("ingest_job", "rows_read", Long.class);
    static final Field<Long> J_ACCEPTED = field("ingest_job", "accepted", Long.class);
    static final Field<Long> J_DUPLICATES = field("ingest_job", "duplicates", Long.class);
    static final Field<Long> J_REJECTED = field("ingest_job", "rejected", Long.class);
    static final Field<Long> J_ANONYMOUS = field("ingest_job", "anonymous", Long.class);
    static final Field<String> J_FAILURE = field("ingest_job", "failure", String.class);
    static final Field<String> J_CREATED_BY = field("ingest_job", "created_by", String.class);
    static final Field<OffsetDateTime> J_CREATED_AT = field("ingest_job", "created_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> J_STARTED_AT = field("ingest_job", "started_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> J_FINISHED_AT = field("ingest_job", "finished_at", OffsetDateTime.class);

    static final Table<?> JOB_ERROR = table("ingest_job_error");
    static final Field<Long> JE_JOB = field("ingest_job_error", "job_id", Long.class);
    static final Field<Long> JE_ROW = field("ingest_job_error", "row_no", Long.class);
    static final Field<String> JE_FIELD = field("ingest_job_error", "field", String.class);
    static final Field<String> JE_VALUE = field("ingest_job_error", "field_value", String.class);
    static final Field<String> JE_REASON = field("ingest_job_error", "reason", String.class);
}
