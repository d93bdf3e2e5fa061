package io.rapport.analytics.churn;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Trains a churn model on stored behaviour with a time-based split, the way it will be used: at a
 * cutoff day {@code asOf − horizon}, the features are the customers' figures up to the cutoff and
 * the label is "no purchase in the {@code horizon} days after it" (all of which have been observed
 * by {@code asOf}). The customers who had bought by the cutoff are split in a stratified training
 * part and a held-out part ({@link StratifiedHoldout}); the model is judged on the held-out part
 * (AUC, PR-AUC, Brier score, calibration deciles) and the logistic-regression baseline beside it.
 * The model is then applied to the figures as of {@code asOf} to predict the next {@code horizon} days.
 *
 * <p>With too little history (the cutoff falls before the first sale, too few customers bought by
 * the cutoff, or too few of either outcome) nothing is trained and {@link TooLittleHistory} says
 * why, so that the caller can fall back to another risk measure and tell the user.
 */
public final class TimeSplitTraining {

    private TimeSplitTraining() {
    }

    /**
     * @param horizonDays          churned = no purchase in this many days after the cutoff
     * @param testShare            share of the cohort held out for the evaluation
     * @param seed                 seed of the split and of the training sample
     * @param minimumCustomers     customers who bought by the cutoff needed to train
     * @param minimumPerOutcome    churned and retained customers each needed to train
     * @param maxTrainingCustomers a larger training part is sampled down to this (training time grows with it)
     * @param model                what to train
     */
    public record Settings(int horizonDays, double testShare, long seed, int minimumCustomers, int minimumPerOutcome,
                           int maxTrainingCustomers, ChurnTrainingSettings model) {

        public Settings {
            Objects.requireNonNull(model, "model");
            if (horizonDays < 1) {
                throw new IllegalArgumentException("horizonDays must be at least 1: " + horizonDays);
            }
            if (!(testShare > 0 && testShare < 1)) {
                throw new IllegalArgumentException("testShare must be in (0, 1): " + testShare);
            }
            if (minimumCustomers < 2 || minimumPerOutcome < 1 || maxTrainingCustomers < 2) {
                throw new IllegalArgumentException("minimumCustomers ≥ 2, minimumPerOutcome ≥ 1 and "
                        + "maxTrainingCustomers ≥ 2 are needed");
            }
        }

        /** 180 days, 25 % held out, at least 500 customers and 50 of each outcome, at most 200,000 trained on. */
        public static Settings defaults() {
            return new Settings(180, 0.25, 42, 500, 50, 200_000, ChurnTrainingSettings.gradientBoostedTrees());
        }

        public Settings withHorizon(int days) {
            return new Settings(days, testShare, seed, minimumCustomers, minimumPerOutcome, maxTrainingCustomers, model);
        }

        public Settings withMinimums(int customers, int perOutcome) {
            return new Settings(horizonDays, testShare, seed, customers, perOutcome, maxTrainingCustomers, model);
        }

        public Settings withMaxTrainingCustomers(int max) {
            return new Settings(horizonDays, testShare, seed, minimumCustomers, minimumPerOutcome, max, model);
        }
    }

    /** What a training attempt gave. */
    public sealed interface Outcome permits Trained, TooLittleHistory {
    }

    /**
     * A model and how it did on the held-out customers of the cutoff.
     *
     * @param model              the model (close it when done)
     * @param cutoffDay          the features' last day; labels cover the horizon after it
     * @param cohortCustomers    customers who had bought by the cutoff
     * @param trainedOn          of whom the model was trained on (after any sampling)
     * @param evaluation         the model on the held-out customers
     * @param baselineEvaluation logistic regression trained on the same rows, on the same held-out customers
     */
    public record Trained(TrainedChurnModel model, long cutoffDay, int cohortCustomers, int trainedOn,
                          ChurnEvaluation evaluation, ChurnEvaluation baselineEvaluation) implements Outcome {
    }

    /** Nothing trained; {@code reason} says why in a sentence for the user. */
    public record TooLittleHistory(String reason) implements Outcome {
    }

    public static Outcome train(BehaviourHistory history, long asOfDay, Settings s) {
        long cutoff = asOfDay - s.horizonDays();
        OptionalLong first = history.firstSaleDay();
        if (first.isEmpty()) {
            return new TooLittleHistory("no purchases are stored");
        }
        if (cutoff < first.getAsLong()) {
            return new TooLittleHistory("the history starts " + (asOfDay - first.getAsLong()) + " days before the "
                    + "scoring day; a churn model needs purchases before " + s.horizonDays() + " days ago to learn "
                    + "who came back in the " + s.horizonDays() + " days after");
        }
        boolean[] bought = history.purchasedBy(cutoff);
        int[] cohort = indexesOf(bought);
        if (cohort.length < s.minimumCustomers()) {
            return new TooLittleHistory(cohort.length + " customers had bought by the cutoff " + s.horizonDays()
                    + " days ago; training needs at least " + s.minimumCustomers());
        }
        boolean[] churned = StratifiedHoldout.select(history.noPurchaseWithin(cutoff, s.horizonDays()), cohort);
        int positives = 0;
        for (boolean c : churned) {
            positives += c ? 1 : 0;
        }
        int negatives = churned.length - positives;
        if (Math.min(positives, negatives) < s.minimumPerOutcome()) {
            return new TooLittleHistory("of " + churned.length + " customers at the cutoff " + positives
                    + " did not buy again within " + s.horizonDays() + " days and " + negatives + " did; training "
                    + "needs at least " + s.minimumPerOutcome() + " of each");
        }
        // channels in name order, so that the columns do not depend on the order the orders were read in
        var channels = history.channels().stream().sorted().toList();
        ChurnFeatures features = BehaviourChurnFeatures.build(history.figuresAt(cutoff, cohort, channels));
        HoldoutSplit split = StratifiedHoldout.split(churned, s.testShare(), s.seed());
        int[] train = sample(split.train(), s.maxTrainingCustomers(), s.seed());
        ChurnFeatures trainRows = features.rows(train);
        boolean[] trainLabels = StratifiedHoldout.select(churned, train);
        ChurnFeatures testRows = features.rows(split.test());
        boolean[] testLabels = StratifiedHoldout.select(churned, split.test());
        TrainedChurnModel model = ChurnModel.train(trainRows, trainLabels, s.model());
        try {
            ChurnEvaluation evaluation = ChurnEvaluation.of(model.predictAll(testRows), testLabels);
            ChurnEvaluation baseline;
            try (var logistic = ChurnModel.train(trainRows, trainLabels,
                    s.model().withKind(ChurnModelKind.LOGISTIC_REGRESSION))) {
                baseline = ChurnEvaluation.of(logistic.predictAll(testRows), testLabels);
            }
            return new Trained(model, cutoff, cohort.length, train.length, evaluation, baseline);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The features of the given customers as of {@code asOfDay}, with the channel columns {@code model} was trained on. */
    public static ChurnFeatures featuresAt(BehaviourHistory history, long asOfDay, int[] customers,
                                           TrainedChurnModel model) {
        var channels = model.features().stream()
                .map(ChurnFeature::name)
                .filter(n -> n.startsWith(BehaviourChurnFeatures.CHANNEL_SHARE_PREFIX))
                .map(n -> n.substring(BehaviourChurnFeatures.CHANNEL_SHARE_PREFIX.length()))
                .toList();
        return BehaviourChurnFeatures.build(history.figuresAt(asOfDay, customers, channels));
    }

    private static int[] indexesOf(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        int[] indexes = new int[n];
        for (int i = 0, k = 0; i < flags.length; i++) {
            if (flags[i]) {
                indexes[k++] = i;
            }
        }
        return indexes;
    }

    /** A uniform sample of {@code max} of the rows (ascending), or all of them. */
    private static int[] sample(int[] rows, int max, long seed) {
        if (rows.length <= max) {
            return rows;
        }
        int[] shuffled = rows.clone();
        var rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < max; i++) {
            int j = i + rng.nextInt(shuffled.length - i);
            int t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        int[] sample = Arrays.copyOf(shuffled, max);
        Arrays.sort(sample);
        return sample;
    }
}
