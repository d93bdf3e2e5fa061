package io.rapport.scoring;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.Field;
import org.jooq.Table;

/** The scoring capability's tables and columns, for jOOQ's DSL. */
final class ScoringTables {

    private ScoringTables() {}

    static final Table<?> RUN = table("scoring_run");
    static final Field<Long> R_ID = field("scoring_run", "id", Long.class);
    static final Field<String> R_STATUS = field("scoring_run", "status", String.class);
    static final Field<String> R_TRIGGER = field("scoring_run", "trigger_kind", String.class);
    static final Field<String> R_BY = field("scoring_run", "requested_by", String.class);
    static final Field<LocalDate> R_AS_OF = field("scoring_run", "as_of_day", LocalDate.class);
    static final Field<String> R_PHASE = field("scoring_run", "phase", String.class);
    static final Field<Long> R_TOTAL = field("scoring_run", "customers_total", Long.class);
    static final Field<Long> R_SCORED = field("scoring_run", "customers_scored", Long.class);
    static final Field<String> R_PARAMETERS = field("scoring_run", "parameters", String.class);
    static final Field<Double> R_LOG_LIKELIHOOD = field("scoring_run", "log_likelihood", Double.class);
    static final Field<String> R_FAILURE = field("scoring_run", "failure", String.class);
    static final Field<OffsetDateTime> R_STARTED = field("scoring_run", "started_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> R_FINISHED = field("scoring_run", "finished_at", OffsetDateTime.class);

    static final Field<String> R_CHURN_SOURCE = field("scoring_run", "churn_source", String.class);
    static final Field<Long> R_CHURN_MODEL = field("scoring_run", "churn_model_id", Long.class);
    static final Field<String> R_CHURN_NOTE = field("scoring_run", "churn_note", String.class);

    static final Table<?> CHURN_MODEL = table("scoring_churn_model");
    static final Field<Long> M_ID = field("scoring_churn_model", "id", Long.class);
    static final Field<Long> M_RUN = field("scoring_churn_model", "run_id", Long.class);
    static final Field<String> M_KIND = field("scoring_churn_model", "kind", String.class);
    static final Field<LocalDate> M_AS_OF = field("scoring_churn_model", "as_of_day", LocalDate.class);
    static final Field<LocalDate> M_CUTOFF = field("scoring_churn_model", "cutoff_day", LocalDate.class);
    static final Field<Integer> M_HORIZON = field("scoring_churn_model", "horizon_days", Integer.class);
    static final Field<Integer> M_COHORT = field("scoring_churn_model", "cohort_customers", Integer.class);
    static final Field<Integer> M_TRAINED_ON = field("scoring_churn_model", "trained_on", Integer.class);
    static final Field<Integer> M_HELD_OUT = field("scoring_churn_model", "held_out", Integer.class);
    static final Field<Integer> M_HELD_OUT_CHURNED = field("scoring_churn_model", "held_out_churned", Integer.class);
    static final Field<Double> M_AUC = field("scoring_churn_model", "auc", Double.class);
    static final Field<Double> M_PR_AUC = field("scoring_churn_model", "pr_auc", Double.class);
    static final Field<Double> M_BRIER = field("scoring_churn_model", "brier", Double.class);
    static final Field<Double> M_CALIBRATION_GAP = field("scoring_churn_model", "calibration_gap", Double.class);
    static final Field<Double> M_BASELINE_AUC = field("scoring_churn_model", "baseline_auc", Double.class);
    static final Field<String> M_CALIBRATION = field("scoring_churn_model", "calibration", String.class);
    static final Field<byte[]> M_MODEL = field("scoring_churn_model", "model", byte[].class);
    static final Field<OffsetDateTime> M_TRAINED_AT = field("scoring_churn_model", "trained_at", OffsetDateTime.class);

    static final Table<?> HISTORY = table("scoring_history");
    static final Table<?> CURRENT = table("scoring_current");

    /** The score columns, by name: scoring_history and scoring_current share them (history adds nothing else). */
    static final String RUN_ID = "run_id";
    static final String CUSTOMER_ID = "customer_id";
    static final String AS_OF = "as_of_day";
    static final String STAGE = "lifecycle_stage";
    static final String R_SCORE = "recency_score";
    static final String F_SCORE = "frequency_score";
    static final String M_SCORE = "monetary_score";
    static final String SEGMENT = "rfm_segment";
    static final String GROUP = "business_group";
    static final String TOP = "top_value";
    static final String SPEND_12 = "spend_12_months";
    static final String TIER = "spend_tier";
    static final String P_ALIVE = "p_alive";
    static final String EXPECTED = "expected_purchases";
    static final String REPURCHASE = "repurchase_probability";
    static final String ORDER_VALUE = "expected_order_value";
    static final String CLV = "lifetime_value";
    static final String RISK = "churn_risk";
    static final String REASONS = "reasons";
    static final String PURCHASE_DAYS = "purchase_days";
    static final String REPEAT_DAYS = "repeat_days";
    static final String FIRST_TO_LAST = "first_to_last_days";
    static final String AGE = "age_days";
    static final String SINCE_LAST = "days_since_last";
    static final String INTERVAL = "usual_interval_days";
    static final String AOV = "average_order_value";
    static final String TOTAL_SPEND = "total_spend";

    /** Column types in insert order. */
    static final List<Class<?>> TYPES = List.of(Long.class, Long.class, LocalDate.class, String.class, Integer.class,
            Integer.class, Integer.class, String.class, String.class, Boolean.class, BigDecimal.class, String.class,
            Double.class, Double.class, Double.class, Double.class, Double.class, Double.class, String.class,
            Integer.class, Integer.class, Integer.class, Integer.class, Integer.class, Double.class, Double.class,
            BigDecimal.class);
    static final List<String> COLUMNS = List.of(RUN_ID, CUSTOMER_ID, AS_OF, STAGE, R_SCORE, F_SCORE, M_SCORE, SEGMENT,
            GROUP, TOP, SPEND_12, TIER, P_ALIVE, EXPECTED, REPURCHASE, ORDER_VALUE, CLV, RISK, REASONS, PURCHASE_DAYS,
            REPEAT_DAYS, FIRST_TO_LAST, AGE, SINCE_LAST, INTERVAL, AOV, TOTAL_SPEND);

    static <T> Field<T> currentColumn(String column, Class<T> type) {
        return field("scoring_current", column, type);
    }

    static <T> Field<T> historyColumn(String column, Class<T> type) {
        return field("scoring_history", column, type);
    }

    static List<Field<?>> fields(String table) {
        return java.util.stream.IntStream.range(0, COLUMNS.size())
                .<Field<?>>mapToObj(i -> field(table, COLUMNS.get(i), TYPES.get(i))).toList();
    }
}
