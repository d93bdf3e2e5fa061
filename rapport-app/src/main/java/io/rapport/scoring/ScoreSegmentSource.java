package io.rapport.scoring;

import static io.rapport.scoring.ScoringTables.*;

import java.math.BigDecimal;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Table;

/**
 * What the scoring capability lets segment queries read: the current scores (latest finished run), as jOOQ table and
 * columns (see docs/decisions/0004-segment-sql.md). Read-only by contract. Left-join {@link #current()} on
 * {@link #scoresOf(Field)}: a customer scored by no run has no row.
 */
public final class ScoreSegmentSource {

    private ScoreSegmentSource() {}

    public static Table<?> current() {
        return CURRENT;
    }

    public static Condition scoresOf(Field<Long> customerId) {
        return currentColumn(CUSTOMER_ID, Long.class).eq(customerId);
    }

    public static Field<String> lifecycleStage() {
        return currentColumn(STAGE, String.class);
    }

    public static Field<Integer> recencyScore() {
        return currentColumn(R_SCORE, Integer.class);
    }

    public static Field<Integer> frequencyScore() {
        return currentColumn(F_SCORE, Integer.class);
    }

    public static Field<Integer> monetaryScore() {
        return currentColumn(M_SCORE, Integer.class);
    }

    public static Field<String> rfmSegment() {
        return currentColumn(SEGMENT, String.class);
    }

    public static Field<String> businessGroup() {
        return currentColumn(GROUP, String.class);
    }

    /** True for the top share of buyers by value (rapport.scoring.top-value-share, default 20%). */
    public static Field<Boolean> topValue() {
        return currentColumn(TOP, Boolean.class);
    }

    public static Field<String> spendTier() {
        return currentColumn(TIER, String.class);
    }

    public static Field<BigDecimal> spend12Months() {
        return currentColumn(SPEND_12, BigDecimal.class);
    }

    public static Field<Double> probabilityAlive() {
        return currentColumn(P_ALIVE, Double.class);
    }

    public static Field<Double> repurchaseProbability() {
        return currentColumn(REPURCHASE, Double.class);
    }

    public static Field<Double> lifetimeValue() {
        return currentColumn(CLV, Double.class);
    }

    public static Field<Double> churnRisk() {
        return currentColumn(RISK, Double.class);
    }

    public static Field<Double> expectedPurchases() {
        return currentColumn(EXPECTED, Double.class);
    }
}
