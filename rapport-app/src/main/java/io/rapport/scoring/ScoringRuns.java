package io.rapport.scoring;

import static io.rapport.scoring.ScoringTables.*;

import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.analytics.rfm.SpendTier;
import io.rapport.customer.CustomerSummaries;
import io.rapport.ingest.IngestStatistics;
import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import jakarta.annotation.PreDestroy;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.BatchBindStep;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record5;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Scoring runs: one at a time, on demand or nightly. A run reads every active customer's summary in one pass, scores
 * them all ({@link ScoreCalculator}), writes one history row per customer in batches (progress is visible while it
 * does), then replaces the current scores with that run's rows in one set-based statement, and finally publishes
 * {@link LifecycleStageChanged}, {@link SpendTierChanged}, {@link RepurchaseProbabilityFell} and {@link ChurnRiskCrossed}
 * for customers whose scores moved since the run before (each on the crossing only, never again while they stay).
 */
@Service
public class ScoringRuns {

    private static final Logger log = LoggerFactory.getLogger(ScoringRuns.class);
    private static final int BATCH = 1_000;

    private final DSLContext db;
    private final CustomerSummaries summaries;
    private final IngestStatistics statistics;
    private final ScoringProperties settings;
    private final RapportProperties rapport;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final Clock clock;
    private final ChurnScoring churn;
    private final io.rapport.privacy.ConsentPolicy privacy;
    private final io.rapport.privacy.DataUsage usage;
    private final AtomicBoolean running = new AtomicBoolean();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofPlatform()
            .name("scoring-run").daemon(true).factory());

    ScoringRuns(DSLContext db, CustomerSummaries summaries, IngestStatistics statistics, ScoringProperties settings,
                RapportProperties rapport, ApplicationEventPublisher events, TransactionTemplate transaction,
                ObjectMapper json, Clock clock, ChurnScoring churn, io.rapport.privacy.ConsentPolicy privacy,
                io.rapport.privacy.DataUsage usage) {
        this.privacy = privacy;
        this.usage = usage;
        this.db = db;
        this.summaries = summaries;
        this.statistics = statistics;
        this.settings = settings;
        this.rapport = rapport;
        this.events = events;
        this.transaction = transaction;
        this.json = json;
        this.clock = clock;
        this.churn = churn;
    }

    /**
     * A run as recorded; {@code parameters} holds the fitted models and the settings used (JSON).
     *
     * @param churnSource  {@code model} when churn risk came from the trained churn model {@code churnModelId},
     *                     {@code fallback} when it is the BG/NBD estimate ({@code churnNote} says why); null while
     *                     running
     */
    public record Run(long id, String status, String trigger, String requestedBy, LocalDate asOf, String phase,
                      long customersTotal, long customersScored, JsonNode parameters, Double logLikelihood,
                      String failure, OffsetDateTime startedAt, OffsetDateTime finishedAt, String churnSource,
                      Long churnModelId, String churnNote) {

        public boolean finished() {
            return !"running".equals(status);
        }

        public int percent() {
            if ("done".equals(status)) {
                return 100;
            }
            return customersTotal == 0 ? 0 : (int) Math.min(99, 100 * customersScored / customersTotal);
        }
    }

    /**
     * Starts a run in the background as of {@code asOf} (default: today in the brand's time zone).
     *
     * @throws RapportException 409 when a run is already going
     */
    public Run start(String trigger, String requestedBy, Optional<LocalDate> asOf) {
        return begin(trigger, requestedBy, asOf).run();
    }

    /** Starts a run and waits until it is finished (done or failed). */
    public Run runAndWait(String trigger, String requestedBy, Optional<LocalDate> asOf) {
        Started started = begin(trigger, requestedBy, asOf);
        try {
            started.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            // recorded as a failed run; the caller reads it
        }
        return find(started.run().id());
    }

    private record Started(Run run, Future<?> done) {}

    private Started begin(String trigger, String requestedBy, Optional<LocalDate> asOf) {
        if (!running.compareAndSet(false, true)) {
            throw new RapportException(HttpStatus.CONFLICT, "scoring-run-in-progress",
                    "A scoring run is already in progress; wait for it to finish");
        }
        try {
            LocalDate day = asOf.orElseGet(() -> LocalDate.now(clock.withZone(rapport.timeZone())));
            long id = db.insertInto(RUN, R_STATUS, R_TRIGGER, R_BY, R_AS_OF, R_PHASE, R_STARTED)
                    .values("running", trigger, requestedBy, day, "queued", OffsetDateTime.now(clock))
                    .returningResult(R_ID).fetchOne().value1();
            Future<?> done = executor.submit(() -> {
                try {
                    execute(id, day);
                } finally {
                    running.set(false);
                }
            });
            return new Started(find(id), done);
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    public List<Run> recent(int limit) {
        return db.selectFrom(RUN).orderBy(R_ID.desc()).limit(limit).fetch(this::run);
    }

    public Run find(long id) {
        Record row = db.selectFrom(RUN).where(R_ID.eq(id)).fetchOne();
        if (row == null) {
            throw RapportException.notFound("scoring run", id);
        }
        return run(row);
    }

    /** The run whose scores are current. */
    public Optional<Run> current() {
        return db.selectFrom(RUN).where(R_STATUS.eq("done")).orderBy(R_ID.desc()).limit(1).fetchOptional(this::run);
    }

    /** A run left "running" by a server that stopped is failed: nothing will finish it. */
    @EventListener(ApplicationReadyEvent.class)
    void failInterruptedRuns() {
        db.update(RUN).set(R_STATUS, "failed").set(R_FAILURE, "the server stopped during the run")
                .set(R_FINISHED, OffsetDateTime.now(clock)).where(R_STATUS.eq("running")).execute();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    private void execute(long id, LocalDate asOf) {
        try {
            phase(id, "reading");
            ScoringInputs in = new ScoringInputs(asOf, rapport.timeZone());
            // customers who objected to profiling or asked for restriction are not scored (GDPR art. 18, 21)
            java.util.Set<Long> excluded = privacy.excludedFromProfiling();
            summaries.forEachActive(summary -> {
                if (!excluded.contains(summary.customerId())) {
                    in.add(summary);
                }
            });
            statistics.forEachNetSpend(asOf.minusMonths(12), asOf, (customer, spend) -> {
                int i = in.indexOf(customer);
                if (i >= 0) {
                    in.spend12Months[i] = spend.doubleValue();
                }
            });
            db.update(RUN).set(R_TOTAL, (long) in.size).set(R_PHASE, "churn model").where(R_ID.eq(id)).execute();
            ChurnScoring.Result churnResult = churn.score(id, in, settings, rapport.timeZone());

            phase(id, "fitting");
            ScoreCalculator.Scores scores = ScoreCalculator.score(in, settings, churnResult);
            Previous previous = previous();

            phase(id, "storing");
            writeHistory(id, in, scores);
            transaction.executeWithoutResult(status -> {
                db.deleteFrom(CURRENT).execute();
                List<Field<?>> target = fields("scoring_current");
                List<Field<?>> source = fields("scoring_history");
                db.insertInto(CURRENT).columns(target)
                        .select(db.select(source).from(HISTORY).where(historyColumn(RUN_ID, Long.class).eq(id)))
                        .execute();
            });
            db.update(RUN).set(R_STATUS, "done").set(R_PHASE, "done").set(R_SCORED, (long) in.size)
                    .set(R_PARAMETERS, json.writeValueAsString(parameters(scores)))
                    .set(R_LOG_LIKELIHOOD, scores.transactions.map(p -> p.logLikelihood()).orElse(null))
                    .set(R_CHURN_SOURCE, churnResult.source())
                    .set(R_CHURN_MODEL, churnResult.model().map(ChurnModelEvaluation::modelId).orElse(null))
                    .set(R_CHURN_NOTE, churnResult.note().map(ScoringRuns::clip).orElse(null))
                    .set(R_FINISHED, OffsetDateTime.now(clock)).where(R_ID.eq(id)).execute();
            publish(id, asOf, in, scores, previous, churnResult.source());
            events.publishEvent(new ScoresRefreshed(id, asOf));
            log.info("scoring run {} as of {}: {} customers scored", id, asOf, in.size);
            usage.record(java.util.Arrays.stream(in.customerId, 0, in.size).boxed().toList(),
                    io.rapport.privacy.Purpose.PROFILING, "scoring");
        } catch (RuntimeException | Error e) {
            log.warn("scoring run {} failed", id, e);
            db.deleteFrom(HISTORY).where(historyColumn(RUN_ID, Long.class).eq(id)).execute();
            String message = String.valueOf(e.getMessage());
            db.update(RUN).set(R_STATUS, "failed")
                    .set(R_FAILURE, message.length() > 1000 ? message.substring(0, 1000) : message)
                    .set(R_FINISHED, OffsetDateTime.now(clock)).where(R_ID.eq(id)).execute();
            throw e;
        }
    }

    private void phase(long id, String phase) {
        db.update(RUN).set(R_PHASE, phase).where(R_ID.eq(id)).execute();
    }

    private void writeHistory(long id, ScoringInputs in, ScoreCalculator.Scores s) {
        var columns = fields("scoring_history");
        Object[] sample = new Object[columns.size()];
        var summaries = s.summaries;
        BatchBindStep batch = null;
        int pending = 0;
        for (int i = 0; i < in.size; i++) {
            if (batch == null) {
                batch = db.batch(db.insertInto(HISTORY).columns(columns).values(sample));
            }
            boolean bought = summaries.hasPurchased(i);
            var rfm = s.rfm;
            batch = batch.bind(id, in.customerId[i], in.asOf, s.stage[i].name(),
                    bought ? rfm.recency()[i] : null, bought ? rfm.frequency()[i] : null,
                    bought ? rfm.monetary()[i] : null,
                    rfm.segment(i).map(Enum::name).orElse(null), rfm.group(i).map(Enum::name).orElse(null),
                    s.top[i], money(in.spend12Months[i]), s.tier[i].name(),
                    orNull(s.pAlive[i]), orNull(s.expectedPurchases[i]), orNull(s.repurchase[i]),
                    orNull(s.expectedOrderValue[i]), orNull(s.lifetimeValue[i]), orNull(s.churnRisk[i]),
                    ScoreReason.store(s.reasons.get(i)),
                    summaries.purchaseDays()[i], summaries.frequency()[i],
                    bought ? (int) summaries.recency()[i] : null, bought ? (int) summaries.age()[i] : null,
                    bought ? (int) Math.max(0, in.asOfDay - summaries.lastPurchaseDay()[i]) : null,
                    orNull(s.usualInterval[i]), orNull(s.averageOrderValue[i]), money(in.totalSpend[i]));
            if (++pending == BATCH) {
                batch.execute();
                batch = null;
                pending = 0;
                db.update(RUN).set(R_SCORED, (long) i + 1).where(R_ID.eq(id)).execute();
            }
        }
        if (batch != null && pending > 0) {
            batch.execute();
        }
    }

    private static String clip(String text) {
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }

    private static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static BigDecimal money(double value) {
        return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP);
    }

    private Map<String, Object> parameters(ScoreCalculator.Scores s) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("periodUnit", "days");
        s.transactions.ifPresent(m -> p.put("bgNbd", Map.of("r", m.r(), "alpha", m.alpha(), "a", m.a(), "b", m.b(),
                "logLikelihood", m.logLikelihood())));
        s.spend.ifPresent(g -> p.put("gammaGamma", Map.of("p", g.p(), "q", g.q(), "gamma", g.gamma(),
                "logLikelihood", g.logLikelihood())));
        var t = s.rfm.thresholds();
        p.put("rfmCutPoints", Map.of("recencyDays", t.recencyDays(), "purchaseDays", t.frequency(),
                "totalSpend", t.monetary()));
        p.put("fallbackIntervalDays", s.fallbackInterval);
        Map<String, Object> churn = new LinkedHashMap<>();
        churn.put("source", s.churn.source());
        s.churn.note().ifPresent(note -> churn.put("note", note));
        s.churn.model().ifPresent(m -> {
            churn.put("modelId", m.modelId());
            churn.put("trainedInThisRun", s.churn.trained());
            churn.put("kind", m.kind());
            churn.put("cutoff", m.cutoff().toString());
            churn.put("horizonDays", m.horizonDays());
            churn.put("trainedOn", m.trainedOn());
            churn.put("heldOut", m.heldOut());
            churn.put("auc", m.auc());
            churn.put("prAuc", m.prAuc());
            churn.put("brier", m.brier());
            churn.put("calibrationGap", m.calibrationGap());
            churn.put("baselineAuc", m.baselineAuc());
        });
        p.put("churn", churn);
        p.put("settings", settings);
        if (!s.notes.isEmpty()) {
            p.put("notes", s.notes);
        }
        return p;
    }

    /** The current scores before this run, sorted by customer id, for the change events. */
    private record Previous(long[] ids, LifecycleStage[] stage, SpendTier[] tier, double[] repurchase, double[] risk,
                            int size) {

        int indexOf(long id) {
            return Arrays.binarySearch(ids, 0, size, id);
        }
    }

    private Previous previous() {
        long[] ids = new long[1024];
        LifecycleStage[] stage = new LifecycleStage[1024];
        SpendTier[] tier = new SpendTier[1024];
        double[] repurchase = new double[1024];
        double[] risk = new double[1024];
        int n = 0;
        try (Cursor<Record5<Long, String, String, Double, Double>> rows = db.select(
                        currentColumn(CUSTOMER_ID, Long.class), currentColumn(STAGE, String.class),
                        currentColumn(TIER, String.class), currentColumn(REPURCHASE, Double.class),
                        currentColumn(RISK, Double.class))
                .from(CURRENT).orderBy(currentColumn(CUSTOMER_ID, Long.class)).fetchSize(5_000).fetchLazy()) {
            for (var row : rows) {
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, 2 * n);
                    stage = Arrays.copyOf(stage, 2 * n);
                    tier = Arrays.copyOf(tier, 2 * n);
                    repurchase = Arrays.copyOf(repurchase, 2 * n);
                    risk = Arrays.copyOf(risk, 2 * n);
                }
                ids[n] = row.value1();
                stage[n] = LifecycleStage.valueOf(row.value2());
                tier[n] = SpendTier.valueOf(row.value3());
                repurchase[n] = row.value4() == null ? Double.NaN : row.value4();
                risk[n] = row.value5() == null ? Double.NaN : row.value5();
                n++;
            }
        }
        return new Previous(ids, stage, tier, repurchase, risk, n);
    }

    private void publish(long runId, LocalDate asOf, ScoringInputs in, ScoreCalculator.Scores s, Previous before,
                         String churnSource) {
        List<Object> changes = new ArrayList<>();
        double threshold = settings.repurchaseThreshold();
        double riskThreshold = settings.churnRiskThreshold();
        for (int i = 0; i < in.size; i++) {
            int k = before.indexOf(in.customerId[i]);
            if (k < 0) {
                continue;
            }
            long customer = in.customerId[i];
            if (before.stage()[k] != s.stage[i]) {
                changes.add(new LifecycleStageChanged(customer, before.stage()[k], s.stage[i], runId, asOf));
            }
            if (before.tier()[k] != s.tier[i]) {
                changes.add(new SpendTierChanged(customer, before.tier()[k], s.tier[i], runId, asOf));
            }
            double was = before.repurchase()[k];
            double now = s.repurchase[i];
            // NaN (no estimate) on either side is no crossing: comparisons with NaN are false
            if (was >= threshold && now < threshold) {
                changes.add(new RepurchaseProbabilityFell(customer, was, now, threshold,
                        settings.repurchaseWindowDays(), runId, asOf));
            }
            double riskWas = before.risk()[k];
            double riskNow = s.churnRisk[i];
            if (riskWas < riskThreshold && riskNow >= riskThreshold) {
                changes.add(new ChurnRiskCrossed(customer, riskWas, riskNow, riskThreshold, churnSource, runId, asOf));
            }
        }
        for (Object change : changes) {
            try {
                events.publishEvent(change);
            } catch (RuntimeException e) {
                // a listener's failure (a journey) must not fail the run nor keep the other customers' changes back
                log.warn("scoring run {}: a listener failed on {}", runId, change, e);
            }
        }
        if (!changes.isEmpty()) {
            log.info("scoring run {}: {} score change events published", runId, changes.size());
        }
    }

    private Run run(Record r) {
        String parameters = r.get(R_PARAMETERS.getName(), String.class);
        return new Run(r.get(R_ID.getName(), Long.class), r.get(R_STATUS.getName(), String.class),
                r.get(R_TRIGGER.getName(), String.class), r.get(R_BY.getName(), String.class),
                r.get(R_AS_OF.getName(), LocalDate.class), r.get(R_PHASE.getName(), String.class),
                r.get(R_TOTAL.getName(), Long.class), r.get(R_SCORED.getName(), Long.class),
                parameters == null ? null : json.readTree(parameters), r.get(R_LOG_LIKELIHOOD.getName(), Double.class),
                r.get(R_FAILURE.getName(), String.class), r.get(R_STARTED.getName(), OffsetDateTime.class),
                r.get(R_FINISHED.getName(), OffsetDateTime.class), r.get(R_CHURN_SOURCE.getName(), String.class),
                r.get(R_CHURN_MODEL.getName(), Long.class), r.get(R_CHURN_NOTE.getName(), String.class));
    }

}
