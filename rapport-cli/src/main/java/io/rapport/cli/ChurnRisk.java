package io.rapport.cli;

import io.rapport.analytics.churn.BehaviourHistory;
import io.rapport.analytics.churn.ChurnEvaluation;
import io.rapport.analytics.churn.ChurnExplanation;
import io.rapport.analytics.churn.ChurnFeatures;
import io.rapport.analytics.churn.ChurnModelException;
import io.rapport.analytics.churn.ChurnReason;
import io.rapport.analytics.churn.TimeSplitTraining;
import io.rapport.analytics.churn.TrainedChurnModel;
import io.rapport.analytics.summary.TransactionColumns;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The churn risk of every customer of a transactions file, as {@code rapport score} and {@code rapport bench} compute
 * it, the way the server's scoring job does: the transactions become the library's behaviour history (a customer's
 * day is one order, as in {@code rapport churn train}); XGBoost is trained with the time split of
 * {@link TimeSplitTraining} (features as of {@code asOf − window}, churned = no purchase in the window after,
 * evaluated on a held-out quarter beside the logistic baseline) on a sample of at most {@code maxTrainingCustomers};
 * then every customer who had bought by {@code asOf} is scored on their figures as of {@code asOf}: P(no purchase in
 * the next {@code window} days) and, when asked, the strongest reason raising it (the largest SHAP contribution,
 * XGBoost's {@code predictContrib}, in plain words).
 *
 * <p>With too little history to train (see {@link TimeSplitTraining.TooLittleHistory}) nobody gets a churn risk and
 * {@link Result#unavailable()} says why: the other scores do not depend on it.
 */
final class ChurnRisk {

    /** Customers scored per XGBoost call: bounds the memory of the feature and SHAP matrices. */
    private static final int CHUNK = 1 << 15;

    /**
     * @param windowDays           churned = no purchase in this many days
     * @param maxTrainingCustomers the training part of the cutoff's customers is sampled down to this
     * @param reasons              whether to explain each score (SHAP) for its top reason
     */
    record Settings(int windowDays, int maxTrainingCustomers, boolean reasons) {

        static final int DEFAULT_WINDOW_DAYS = 180;
        static final int DEFAULT_MAX_TRAINING_CUSTOMERS = 50_000;

        Settings {
            if (windowDays < 1) {
                throw new IllegalArgumentException("windowDays must be at least 1: " + windowDays);
            }
        }

        static Settings defaults() {
            return new Settings(DEFAULT_WINDOW_DAYS, DEFAULT_MAX_TRAINING_CUSTOMERS, true);
        }
    }

    /**
     * The trained model's provenance and quality.
     *
     * @param cutoff      the features' day; labels cover the window after it
     * @param cohort      customers who had bought by the cutoff
     * @param trainedOn   of whom the model was trained on (the sample)
     * @param evaluation  the model on the held-out customers
     * @param baselineAuc the logistic baseline's AUC on the same held-out customers
     */
    record Model(LocalDate cutoff, int cohort, int trainedOn, ChurnEvaluation evaluation, double baselineAuc) {}

    /**
     * @param risk        per customer P(churn), NaN where not scored (no purchase by as-of, or no model)
     * @param topReason   per customer the strongest reason raising the risk; null where none (or not explained)
     * @param scored      customers with a risk
     * @param unavailable why nobody has a risk, when nobody has
     * @param explained   whether the scores were explained (top reasons computed)
     */
    record Result(Optional<Model> model, Optional<String> unavailable, double[] risk, String[] topReason, int scored,
                  boolean explained) {

        boolean hasRisk(int customer) {
            return !Double.isNaN(risk[customer]);
        }

        Optional<String> topReason(int customer) {
            return Optional.ofNullable(topReason[customer]);
        }
    }

    private ChurnRisk() {}

    /** Reports the steps "churn train" and "churn scoring" (the history is built inside the first). */
    static Result score(TransactionColumns tx, int customerCount, LocalDate asOf, Settings settings,
                        ScoringPipeline.Steps steps) {
        long t = System.nanoTime();
        BehaviourHistory history = BehaviourHistory.ofTransactions(tx, customerCount);
        long asOfDay = asOf.toEpochDay();
        var training = TimeSplitTraining.Settings.defaults().withHorizon(settings.windowDays())
                .withMaxTrainingCustomers(settings.maxTrainingCustomers());
        TimeSplitTraining.Outcome outcome;
        try {
            outcome = TimeSplitTraining.train(history, asOfDay, training);
        } catch (ChurnModelException e) {
            throw new FailureMessage.CommandFailure("the churn model could not be trained: " + e.getMessage());
        }
        if (outcome instanceof TimeSplitTraining.TooLittleHistory little) {
            ScoringPipeline.lap(steps, "churn train", t);
            double[] none = new double[customerCount];
            Arrays.fill(none, Double.NaN);
            return new Result(Optional.empty(), Optional.of("too little history to train the churn model: " + little.reason()),
                    none, new String[customerCount], 0, false);
        }
        var trained = (TimeSplitTraining.Trained) outcome;
        try (TrainedChurnModel model = trained.model()) {
            var m = new Model(LocalDate.ofEpochDay(trained.cutoffDay()), trained.cohortCustomers(), trained.trainedOn(),
                    trained.evaluation(), trained.baselineEvaluation().auc());
            t = ScoringPipeline.lap(steps, "churn train", t);

            double[] risk = new double[customerCount];
            Arrays.fill(risk, Double.NaN);
            String[] reasons = new String[customerCount];
            boolean[] bought = history.purchasedBy(asOfDay);
            int[] buyers = IntStream.range(0, customerCount).filter(i -> bought[i]).toArray();
            // Chunks in parallel: while one waits for XGBoost (a model serves one call at a time), another builds
            // its features or words its reasons. Each chunk writes only its own customers' slots.
            IntStream.range(0, (buyers.length + CHUNK - 1) / CHUNK).parallel().forEach(k -> {
                int[] chunk = Arrays.copyOfRange(buyers, k * CHUNK, Math.min(buyers.length, (k + 1) * CHUNK));
                ChurnFeatures rows = TimeSplitTraining.featuresAt(history, asOfDay, chunk, model);
                if (settings.reasons()) {
                    ChurnExplanation[] explanations = model.explainAll(rows);
                    for (int r = 0; r < chunk.length; r++) {
                        risk[chunk[r]] = explanations[r].probability();
                        List<ChurnReason> top = explanations[r].reasons(1);
                        reasons[chunk[r]] = top.isEmpty() ? null : top.getFirst().text();
                    }
                } else {
                    double[] p = model.predictAll(rows);
                    for (int r = 0; r < chunk.length; r++) {
                        risk[chunk[r]] = p[r];
                    }
                }
            });
            ScoringPipeline.lap(steps, "churn scoring", t);
            return new Result(Optional.of(m), Optional.empty(), risk, reasons, buyers.length, settings.reasons());
        } catch (ChurnModelException e) {
            throw new FailureMessage.CommandFailure("the churn model failed: " + e.getMessage());
        }
    }
}
