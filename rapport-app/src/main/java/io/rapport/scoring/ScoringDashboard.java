package io.rapport.scoring;

import static io.rapport.scoring.ScoringTables.*;

import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.analytics.rfm.ParetoCurve;
import io.rapport.analytics.rfm.SpendTier;
import io.rapport.ingest.IngestStatistics;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

/** Aggregates of the current scores for the dashboard: each one query over scoring_current (or the orders). */
@Service
public class ScoringDashboard {

    static final int HISTOGRAM_BINS = 10;
    static final int COHORT_MONTHS = 12;

    private final DSLContext db;
    private final ScoringRuns runs;
    private final IngestStatistics statistics;
    private final ChurnScoring churn;

    ScoringDashboard(DSLContext db, ScoringRuns runs, IngestStatistics statistics, ChurnScoring churn) {
        this.db = db;
        this.runs = runs;
        this.statistics = statistics;
        this.churn = churn;
    }

    /** Bins [edges[i], edges[i+1]) with their customer counts; the last bin is closed (or open-ended for CLV). */
    public record Histogram(List<Double> edges, List<Long> counts) {}

    /** A point of the Pareto curve: the top {@code customerShare} of buyers bring {@code revenueShare} of revenue. */
    public record ParetoPoint(double customerShare, double revenueShare) {}

    /**
     * @param customers      customers with current scores (every active customer at the run)
     * @param buyers         of those, customers with at least one purchase day (they have RFM scores)
     * @param rfmGrid        {@code rfmGrid[r-1][f-1]}: buyers with recency score r and frequency score f
     * @param repurchaseRate share of buyers with two or more purchase days
     * @param averageRepurchaseProbability mean predicted probability of buying within the repurchase window
     * @param churnModel     the churn model behind the current churn risks and its held-out evaluation; empty when the
     *                       current run fell back to BG/NBD ({@code run.churnNote} says why)
     */
    public record Dashboard(Optional<ScoringRuns.Run> run, long customers, long buyers, long[][] rfmGrid,
                            Map<SpendTier, Long> tiers, Map<LifecycleStage, Long> lifecycle, long topValue,
                            List<ParetoPoint> pareto, Histogram lifetimeValue, Histogram churnRisk,
                            List<IngestStatistics.Cohort> cohorts, double repurchaseRate,
                            Double averageRepurchaseProbability, int repurchaseWindowDays,
                            Optional<ChurnModelEvaluation> churnModel) {}

    public Dashboard dashboard(int repurchaseWindowDays) {
        Optional<ScoringRuns.Run> run = runs.current();
        long customers = db.fetchCount(CURRENT);
        Field<Integer> r = currentColumn(R_SCORE, Integer.class);
        Field<Integer> f = currentColumn(F_SCORE, Integer.class);
        long[][] grid = new long[5][5];
        db.select(r, f, DSL.count()).from(CURRENT).where(r.isNotNull()).groupBy(r, f)
                .forEach(row -> grid[row.value1() - 1][row.value2() - 1] = row.value3());
        long buyers = Arrays.stream(grid).flatMapToLong(Arrays::stream).sum();

        Map<SpendTier, Long> tiers = new LinkedHashMap<>();
        Arrays.stream(SpendTier.values()).forEach(t -> tiers.put(t, 0L));
        Field<String> tier = currentColumn(TIER, String.class);
        db.select(tier, DSL.count()).from(CURRENT).groupBy(tier)
                .forEach(row -> tiers.put(SpendTier.valueOf(row.value1()), (long) row.value2()));
        Map<LifecycleStage, Long> stages = new LinkedHashMap<>();
        Arrays.stream(LifecycleStage.values()).forEach(s -> stages.put(s, 0L));
        Field<String> stage = currentColumn(STAGE, String.class);
        db.select(stage, DSL.count()).from(CURRENT).groupBy(stage)
                .forEach(row -> stages.put(LifecycleStage.valueOf(row.value1()), (long) row.value2()));
        long top = db.fetchCount(CURRENT, currentColumn(TOP, Boolean.class).isTrue());

        Field<Integer> days = currentColumn(PURCHASE_DAYS, Integer.class);
        double[] spend = db.select(currentColumn(TOTAL_SPEND, BigDecimal.class)).from(CURRENT).where(days.gt(0))
                .fetch(row -> row.value1().doubleValue()).stream().mapToDouble(Double::doubleValue).toArray();
        List<ParetoPoint> pareto = new ArrayList<>();
        ParetoCurve curve = ParetoCurve.of(spend);
        for (int k = 0; k <= 20; k++) {
            double share = k / 20.0;
            pareto.add(new ParetoPoint(share, spend.length == 0 ? 0 : curve.revenueShareOfTop(share)));
        }

        double[] clv = db.select(currentColumn(CLV, Double.class)).from(CURRENT).where(currentColumn(CLV, Double.class).isNotNull())
                .fetch(row -> row.value1()).stream().mapToDouble(Double::doubleValue).sorted().toArray();

        Field<Double> risk = currentColumn(RISK, Double.class);
        Field<Integer> bin = DSL.least(DSL.floor(risk.mul(DSL.inline(HISTOGRAM_BINS))).cast(Integer.class),
                DSL.inline(HISTOGRAM_BINS - 1));
        long[] riskCounts = new long[HISTOGRAM_BINS];
        db.select(bin, DSL.count()).from(CURRENT).where(risk.isNotNull()).groupBy(bin)
                .forEach(row -> riskCounts[Math.max(0, row.value1())] += row.value2());
        List<Double> riskEdges = new ArrayList<>();
        for (int k = 0; k <= HISTOGRAM_BINS; k++) {
            riskEdges.add(k / (double) HISTOGRAM_BINS);
        }

        long repeat = db.fetchCount(CURRENT, days.ge(2));
        Double meanRepurchase = db.select(DSL.avg(currentColumn(REPURCHASE, Double.class))).from(CURRENT).fetchOne()
                .value1() instanceof BigDecimal avg ? avg.doubleValue() : null;
        LocalDate asOf = run.map(ScoringRuns.Run::asOf).orElse(LocalDate.now());
        List<IngestStatistics.Cohort> cohorts = statistics.cohortRetention(asOf, COHORT_MONTHS);
        if (cohorts.size() > COHORT_MONTHS) {
            cohorts = cohorts.subList(cohorts.size() - COHORT_MONTHS, cohorts.size());
        }
        return new Dashboard(run, customers, buyers, grid, tiers, stages, top, pareto, histogram(clv),
                new Histogram(riskEdges, Arrays.stream(riskCounts).boxed().toList()), cohorts,
                buyers == 0 ? 0 : (double) repeat / buyers, meanRepurchase, repurchaseWindowDays,
                run.map(ScoringRuns.Run::churnModelId).flatMap(churn::evaluation));
    }

    /**
     * Equal-width bins from 0 to the 99th percentile of CLV, so one whale does not squash the rest into one bar; the
     * last bin holds everything from there up.
     */
    static Histogram histogram(double[] sorted) {
        List<Double> edges = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        if (sorted.length == 0) {
            return new Histogram(edges, counts);
        }
        double low = Math.min(0, sorted[0]);
        double high = sorted[(int) Math.floor(0.99 * (sorted.length - 1))];
        if (!(high > low)) {
            high = sorted[sorted.length - 1] > low ? sorted[sorted.length - 1] : low + 1;
        }
        double width = (high - low) / HISTOGRAM_BINS;
        long[] n = new long[HISTOGRAM_BINS];
        for (double v : sorted) {
            n[(int) Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor((v - low) / width)))]++;
        }
        for (int k = 0; k <= HISTOGRAM_BINS; k++) {
            edges.add(low + k * width);
        }
        for (long c : n) {
            counts.add(c);
        }
        return new Histogram(edges, counts);
    }
}
