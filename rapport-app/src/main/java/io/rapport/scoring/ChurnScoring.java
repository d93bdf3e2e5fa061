package io.rapport.scoring;

import static io.rapport.scoring.ScoringTables.*;

import io.rapport.analytics.churn.BehaviourHistory;
import io.rapport.analytics.churn.CalibrationBin;
import io.rapport.analytics.churn.ChurnExplanation;
import io.rapport.analytics.churn.ChurnFeatures;
import io.rapport.analytics.churn.ChurnModelException;
import io.rapport.analytics.churn.ChurnTrainingSettings;
import io.rapport.analytics.churn.TimeSplitTraining;
import io.rapport.analytics.churn.TrainedChurnModel;
import io.rapport.ingest.IngestStatistics;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Churn risk of a scoring run from a trained model: XGBoost ({@code io.rapport.analytics.churn}) on the stored
 * behaviour, with a time-based split ({@link TimeSplitTraining}): features as of {@code asOf − churnWindowDays},
 * label = no purchase in the {@code churnWindowDays} after, evaluated on a held-out quarter of those customers. The
 * model is then applied to every buyer's features as of {@code asOf}; each customer's top three reasons are the
 * features with the largest positive SHAP contributions.
 *
 * <p>A run reuses the newest model of a finished run trained at most {@code retrainAfterDays} before its as-of day
 * (and never one trained after it); otherwise it trains one and stores it with its evaluation. When there is too
 * little history to train, the run falls back to BG/NBD (risk = P(no purchase in the window), rule reasons) and
 * records why.
 */
@Component
class ChurnScoring {

    private static final Logger log = LoggerFactory.getLogger(ChurnScoring.class);
    /** Rows explained per XGBoost call: bounds the memory of the SHAP matrix. */
    private static final int CHUNK = 20_000;

    static final String MODEL = "model";
    static final String FALLBACK = "fallback";

    private final DSLContext db;
    private final IngestStatistics statistics;
    private final ObjectMapper json;
    private final Clock clock;

    ChurnScoring(DSLContext db, IngestStatistics statistics, ObjectMapper json, Clock clock) {
        this.db = db;
        this.statistics = statistics;
        this.json = json;
        this.clock = clock;
    }

    /**
     * What the run's churn scoring gave.
     *
     * @param risk    per slot of the inputs: P(no purchase in the window), NaN where the model did not score
     * @param reasons per slot, the model's reasons (empty where it did not score)
     * @param trained whether this run trained the model (false: reused)
     */
    record Result(String source, Optional<ChurnModelEvaluation> model, Optional<String> note, double[] risk,
                  List<List<ScoreReason>> reasons, boolean trained) {

        static Result fallback(String note) {
            return new Result(FALLBACK, Optional.empty(), Optional.of(note), new double[0], List.of(), false);
        }

        boolean usesModel() {
            return MODEL.equals(source);
        }
    }

    Result score(long runId, ScoringInputs in, ScoringProperties settings, ZoneId zone) {
        if (!settings.churn().model()) {
            return Result.fallback("the churn model is turned off (rapport.scoring.churn.model = false)");
        }
        BehaviourHistory history = history(in, zone);
        long asOfDay = in.asOfDay;
        int horizon = settings.churnWindowDays();
        TrainedChurnModel model = null;
        ChurnModelEvaluation evaluation = null;
        boolean trained = false;
        try {
            Optional<Stored> reusable = reusable(in.asOf, settings);
            if (reusable.isPresent()) {
                try {
                    model = TrainedChurnModel.fromBytes(reusable.get().bytes());
                    evaluation = reusable.get().evaluation();
                } catch (ChurnModelException e) {
                    log.warn("stored churn model {} is not readable, training a new one", reusable.get().evaluation().modelId(), e);
                }
            }
            if (model == null) {
                var outcome = TimeSplitTraining.train(history, asOfDay, trainingSettings(settings));
                if (outcome instanceof TimeSplitTraining.TooLittleHistory little) {
                    return Result.fallback("too little history to train the churn model: " + little.reason());
                }
                var t = (TimeSplitTraining.Trained) outcome;
                model = t.model();
                evaluation = save(runId, in.asOf, horizon, t);
                trained = true;
            }
            double[] risk = new double[in.size];
            Arrays.fill(risk, Double.NaN);
            List<List<ScoreReason>> reasons = new ArrayList<>(in.size);
            for (int i = 0; i < in.size; i++) {
                reasons.add(List.of());
            }
            boolean[] bought = history.purchasedBy(asOfDay);
            int[] buyers = IntStream.range(0, in.size).filter(i -> bought[i]).toArray();
            for (int from = 0; from < buyers.length; from += CHUNK) {
                int[] chunk = Arrays.copyOfRange(buyers, from, Math.min(buyers.length, from + CHUNK));
                ChurnFeatures rows = TimeSplitTraining.featuresAt(history, asOfDay, chunk, model);
                ChurnExplanation[] explanations = model.explainAll(rows);
                for (int k = 0; k < chunk.length; k++) {
                    risk[chunk[k]] = explanations[k].probability();
                    reasons.set(chunk[k], ModelChurnReasons.of(explanations[k]));
                }
            }
            return new Result(MODEL, Optional.of(evaluation), Optional.empty(), risk, reasons, trained);
        } catch (ChurnModelException e) {
            log.warn("scoring run {}: the churn model failed, falling back to BG/NBD", runId, e);
            return Result.fallback("the churn model failed: " + e.getMessage());
        } finally {
            if (model != null) {
                model.close();
            }
        }
    }

    private static TimeSplitTraining.Settings trainingSettings(ScoringProperties settings) {
        var churn = settings.churn();
        var trees = ChurnTrainingSettings.gradientBoostedTrees();
        return new TimeSplitTraining.Settings(settings.churnWindowDays(), churn.testShare(), 42,
                churn.minimumCustomers(), churn.minimumPerOutcome(), churn.maxTrainingCustomers(),
                trees.withTrees(churn.trees(), trees.maxDepth(), trees.learningRate()));
    }

    /**
     * Every active customer's orders and events up to the as-of day, as the library's history (slot = the customer's
     * slot in the inputs). Events count on their day in the brand's time zone; a review's rating 1 … 5 is its
     * sentiment −1 … 1.
     */
    BehaviourHistory history(ScoringInputs in, ZoneId zone) {
        var b = BehaviourHistory.builder(in.size);
        statistics.forEachOrder(in.asOf, (customer, day, sale, channel, net) -> {
            int i = in.indexOf(customer);
            if (i >= 0) {
                b.order(i, day.toEpochDay(), net, b.channel(channel), !sale);
            }
        });
        OffsetDateTime end = in.asOf.plusDays(1).atStartOfDay(zone).toOffsetDateTime();
        statistics.forEachEvent(end, (customer, at, type, review) -> {
            int i = in.indexOf(customer);
            if (i >= 0) {
                b.event(i, at.atZoneSameInstant(zone).toLocalDate().toEpochDay(), sentiment(review));
            }
        });
        return b.build();
    }

    private double sentiment(String review) {
        if (review == null) {
            return Double.NaN;
        }
        try {
            JsonNode rating = json.readTree(review).get("rating");
            if (rating == null) {
                return Double.NaN;
            }
            double stars = rating.isNumber() ? rating.asDouble() : Double.parseDouble(rating.asString());
            return stars >= 1 && stars <= 5 ? (stars - 3) / 2 : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static final List<org.jooq.SelectField<?>> EVALUATION_COLUMNS = List.of(M_ID, M_RUN, M_KIND, M_AS_OF,
            M_CUTOFF, M_HORIZON, M_COHORT, M_TRAINED_ON, M_HELD_OUT, M_HELD_OUT_CHURNED, M_AUC, M_PR_AUC, M_BRIER,
            M_CALIBRATION_GAP, M_BASELINE_AUC, M_CALIBRATION);

    private record Stored(ChurnModelEvaluation evaluation, byte[] bytes) {}

    private Optional<Stored> reusable(LocalDate asOf, ScoringProperties settings) {
        return db.select(EVALUATION_COLUMNS).select(M_MODEL).from(CHURN_MODEL).join(RUN).on(R_ID.eq(M_RUN))
                .where(R_STATUS.eq("done"))
                .and(M_HORIZON.eq(settings.churnWindowDays()))
                .and(M_AS_OF.le(asOf))
                .and(M_AS_OF.gt(asOf.minusDays(settings.churn().retrainAfterDays())))
                .orderBy(M_ID.desc()).limit(1)
                .fetchOptional(r -> new Stored(evaluation(r), r.get(M_MODEL)));
    }

    /** The evaluation of the model a run used, if it used one. */
    Optional<ChurnModelEvaluation> evaluation(long modelId) {
        return db.select(EVALUATION_COLUMNS).from(CHURN_MODEL).where(M_ID.eq(modelId)).fetchOptional(this::evaluation);
    }

    private ChurnModelEvaluation evaluation(Record r) {
        List<CalibrationBin> bins = new ArrayList<>();
        for (JsonNode bin : json.readTree(r.get(M_CALIBRATION))) {
            bins.add(new CalibrationBin(bin.get("customers").asInt(), bin.get("meanPredicted").asDouble(),
                    bin.get("observedRate").asDouble(), bin.get("lowest").asDouble(), bin.get("highest").asDouble()));
        }
        return new ChurnModelEvaluation(r.get(M_ID), r.get(M_RUN), r.get(M_KIND), r.get(M_AS_OF), r.get(M_CUTOFF),
                r.get(M_HORIZON), r.get(M_COHORT), r.get(M_TRAINED_ON), r.get(M_HELD_OUT),
                r.get(M_HELD_OUT_CHURNED), r.get(M_AUC), r.get(M_PR_AUC), r.get(M_BRIER), r.get(M_CALIBRATION_GAP),
                r.get(M_BASELINE_AUC), bins);
    }

    private ChurnModelEvaluation save(long runId, LocalDate asOf, int horizon, TimeSplitTraining.Trained t) {
        var e = t.evaluation();
        LocalDate cutoff = LocalDate.ofEpochDay(t.cutoffDay());
        String calibration = json.writeValueAsString(e.calibration().bins());
        long id = db.insertInto(CHURN_MODEL, M_RUN, M_KIND, M_AS_OF, M_CUTOFF, M_HORIZON, M_COHORT, M_TRAINED_ON, M_HELD_OUT,
                        M_HELD_OUT_CHURNED, M_AUC, M_PR_AUC, M_BRIER, M_CALIBRATION_GAP, M_BASELINE_AUC, M_CALIBRATION,
                        M_MODEL, M_TRAINED_AT)
                .values(runId, t.model().kind().name(), asOf, cutoff, horizon, t.cohortCustomers(), t.trainedOn(),
                        e.customers(), e.churned(), e.auc(), e.averagePrecision(), e.brier(),
                        e.calibration().meanAbsoluteGap(), t.baselineEvaluation().auc(), calibration,
                        t.model().toBytes(), OffsetDateTime.now(clock))
                .returningResult(M_ID).fetchOne().value1();
        log.info("scoring run {}: churn model {} trained on {} customers at cutoff {}: held-out AUC {}, PR-AUC {}",
                runId, id, t.trainedOn(), cutoff, e.auc(), e.averagePrecision());
        return evaluation(id).orElseThrow();
    }
}
