package io.rapport.scoring;

import static io.rapport.scoring.ScoringTables.*;

import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.analytics.rfm.SpendTier;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/** A customer's scores as the latest run left them, their history, and what they were computed from. */
@Service
public class CustomerScores {

    private final DSLContext db;
    private final ScoringRuns runs;

    CustomerScores(DSLContext db, ScoringRuns runs) {
        this.db = db;
        this.runs = runs;
    }

    /** RFM scores 1–5 with segment and business group; all null for a customer who never bought. */
    public record Rfm(Integer recency, Integer frequency, Integer monetary, String segment, String group) {}

    /**
     * The customer's own inputs, in days (the BG/NBD history is x = repeatDays, t_x = firstToLastDays, T = ageDays).
     * Null where the customer has not bought.
     */
    public record Inputs(int purchaseDays, int repeatDays, Integer firstToLastDays, Integer ageDays,
                         Integer daysSinceLastPurchase, Double usualIntervalDays, Double averageOrderValue,
                         BigDecimal totalSpend, BigDecimal spend12Months) {}

    /**
     * One customer's scores from one run. Model figures are null when the customer never bought or no model could be
     * fitted (the run's parameters say why).
     *
     * @param repurchaseProbability P(at least one purchase in the repurchase window, default 90 days)
     * @param churnRisk             P(no purchase in the churn window, default 180 days): from the trained churn model,
     *                              or under BG/NBD when the run fell back (the run's {@code churnSource} says which)
     * @param lifetimeValue         discounted CLV over the horizon (default 12 months, 1% a month, margin as set)
     * @param reasons               plain-word reasons behind the churn risk, most telling first (English)
     * @param reasonCodes           the same reasons with their codes and arguments, for other languages
     */
    public record CustomerScore(long customerId, long runId, LocalDate asOf, LifecycleStage lifecycleStage, Rfm rfm,
                                boolean topValue, SpendTier spendTier, Double probabilityAlive,
                                Double expectedPurchases, Double repurchaseProbability, Double expectedOrderValue,
                                Double lifetimeValue, Double churnRisk, List<String> reasons,
                                List<ScoreReason> reasonCodes, Inputs inputs) {}

    /** Scores with their explanation: the models and settings of the run behind the current scores. */
    public record Report(Optional<CustomerScore> current, List<CustomerScore> history, Optional<JsonNode> parameters) {}

    public Optional<CustomerScore> current(long customerId) {
        return db.selectFrom(CURRENT).where(currentColumn(CUSTOMER_ID, Long.class).eq(customerId))
                .fetchOptional(CustomerScores::score);
    }

    /**
     * Where the top {@code percent} % of the predicted lifetime values of the current scores begins: the value of the
     * ⌈N × percent / 100⌉-th highest, N being the customers with a predicted lifetime value above 0 (those who never
     * bought, or whom no model could score, have none). Empty when nobody has one. Customers tied with that value are
     * in the top too.
     */
    public java.util.OptionalDouble lifetimeValueOfTop(BigDecimal percent) {
        var clv = currentColumn(CLV, Double.class);
        int scored = db.fetchCount(db.selectOne().from(CURRENT).where(clv.gt(0.0)));
        if (scored == 0) {
            return java.util.OptionalDouble.empty();
        }
        int rank = Math.max(1, percent.multiply(BigDecimal.valueOf(scored))
                .divide(BigDecimal.valueOf(100), 0, java.math.RoundingMode.CEILING).intValueExact());
        Double value = db.select(clv).from(CURRENT).where(clv.gt(0.0)).orderBy(clv.desc())
                .limit(1).offset(Math.min(rank, scored) - 1).fetchOne(clv);
        return value == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(value);
    }

    /**
     * The customers with ids from {@code fromId} to {@code toId} whose current predicted lifetime value is at least
     * {@code minimum} (a range of ids, so a caller paging through its own customers reads one page at a time).
     */
    public java.util.Set<Long> withLifetimeValueAtLeast(double minimum, long fromId, long toId) {
        var customer = currentColumn(CUSTOMER_ID, Long.class);
        return new java.util.HashSet<>(db.select(customer).from(CURRENT).where(customer.between(fromId, toId))
                .and(currentColumn(CLV, Double.class).ge(minimum)).fetch(customer));
    }

    /** Current scores, the last {@code limit} runs' scores (newest first) and the current run's parameters. */
    public Report report(long customerId, int limit) {
        Optional<CustomerScore> now = current(customerId);
        List<CustomerScore> history = db.selectFrom(HISTORY)
                .where(historyColumn(CUSTOMER_ID, Long.class).eq(customerId))
                .and(historyColumn(RUN_ID, Long.class).in(db.select(ScoringTables.R_ID).from(RUN)
                        .where(ScoringTables.R_STATUS.eq("done"))))
                .orderBy(historyColumn(RUN_ID, Long.class).desc()).limit(limit)
                .fetch(CustomerScores::score);
        Optional<JsonNode> parameters = now.map(s -> runs.find(s.runId()).parameters());
        return new Report(now, history, parameters);
    }

    private static CustomerScore score(Record c) {
        List<ScoreReason> reasons = ScoreReason.read(c.get(REASONS, String.class));
        return new CustomerScore(c.get(CUSTOMER_ID, Long.class), c.get(RUN_ID, Long.class),
                c.get(AS_OF, LocalDate.class), LifecycleStage.valueOf(c.get(STAGE, String.class)),
                new Rfm(c.get(R_SCORE, Integer.class), c.get(F_SCORE, Integer.class), c.get(M_SCORE, Integer.class),
                        c.get(SEGMENT, String.class), c.get(GROUP, String.class)),
                Boolean.TRUE.equals(c.get(TOP, Boolean.class)), SpendTier.valueOf(c.get(TIER, String.class)),
                c.get(P_ALIVE, Double.class), c.get(EXPECTED, Double.class), c.get(REPURCHASE, Double.class),
                c.get(ORDER_VALUE, Double.class), c.get(CLV, Double.class), c.get(RISK, Double.class),
                reasons.stream().map(ScoreReason::text).toList(), reasons,
                new Inputs(c.get(PURCHASE_DAYS, Integer.class), c.get(REPEAT_DAYS, Integer.class),
                        c.get(FIRST_TO_LAST, Integer.class), c.get(AGE, Integer.class),
                        c.get(SINCE_LAST, Integer.class), c.get(INTERVAL, Double.class), c.get(AOV, Double.class),
                        c.get(TOTAL_SPEND, BigDecimal.class), c.get(SPEND_12, BigDecimal.class)));
    }
}
