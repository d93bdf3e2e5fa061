package io.rapport.cli;

import io.rapport.analytics.churn.ChurnEvaluation;
import io.rapport.analytics.churn.ChurnModel;
import io.rapport.analytics.churn.ChurnModelException;
import io.rapport.analytics.churn.ChurnModelKind;
import io.rapport.analytics.churn.ChurnTrainingSettings;
import io.rapport.analytics.churn.StratifiedHoldout;
import io.rapport.analytics.churn.TimeSplitTraining;
import io.rapport.analytics.churn.TrainedChurnModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rapport churn train}: trains a churn model, evaluates it on held-out customers and saves it. On a
 * transactions CSV the split is in time (features as of {@code as-of − horizon}, churned = no purchase in the
 * {@code horizon} days after); on a labelled table ({@code --label-col}) it is a stratified hold-out of rows.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a churn model (XGBoost, or logistic regression), evaluate it on held-out customers (AUC, PR-AUC, "
                    + "Brier score, calibration) and save it.",
            "",
            "FILE is a transactions CSV (see the column options; churn = no purchase in the --horizon days after "
                    + "the cutoff as-of − horizon) or, with --label-col, a table with one labelled row per customer."
        },
        footer = {"", "Examples:",
            "  rapport churn train telco_customer_churn.csv --label-col Churn --id-col customerID --model telco.model",
            "  rapport churn train orders.csv --amount-col amount --model orders.model --json"})
final class ChurnTrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Transactions CSV or labelled table (gzip if .gz).")
    Path input;

    @Option(names = "--model", paramLabel = "PATH", required = true, description = "Where to save the model.")
    Path modelPath;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "trees",
            description = "trees (XGBoost, default) or logistic (logistic regression).")
    String kind;

    @Mixin
    ChurnData.TableOptions table = new ChurnData.TableOptions();

    @Mixin
    TransactionCsvOptions csv = new TransactionCsvOptions();

    @Mixin
    ChurnData.TimeSplitOptions split = new ChurnData.TimeSplitOptions();

    @Option(names = "--test-share", paramLabel = "SHARE", defaultValue = "0.25",
            description = "Share of customers held out for the evaluation (default: ${DEFAULT-VALUE}).")
    double testShare;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the hold-out split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--min-customers", paramLabel = "N", defaultValue = "500",
            description = "For transactions: customers who bought by the cutoff needed to train (default: ${DEFAULT-VALUE}).")
    int minimumCustomers;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        csv.usageError().or(split::usageError).ifPresent(m -> {
            throw new CommandLine.ParameterException(spec.commandLine(), m);
        });
        ChurnModelKind modelKind = switch (kind.toLowerCase(Locale.ROOT)) {
            case "trees", "xgboost" -> ChurnModelKind.GRADIENT_BOOSTED_TREES;
            case "logistic" -> ChurnModelKind.LOGISTIC_REGRESSION;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--kind must be trees or logistic, was '" + kind + "'");
        };
        if (!(testShare > 0 && testShare < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--test-share must be between 0 and 1, was " + testShare);
        }
        requireReadable(input);
        var settings = ChurnTrainingSettings.gradientBoostedTrees().withKind(modelKind).withSeed(seed);
        Report report;
        try {
            report = table.isTable() ? trainOnTable(settings) : trainOnTransactions(settings);
        } catch (ChurnModelException e) {
            throw new FailureMessage.CommandFailure("cannot train on " + input + ": " + e.getMessage());
        }
        print(spec.commandLine().getOut(), json, report);
        return CommandLine.ExitCode.OK;
    }

    /** What train and evaluate print. */
    record Report(String what, int customers, Optional<Integer> trainedOn, ChurnEvaluation evaluation,
                  Optional<Double> baselineAuc, Optional<LocalDate> cutoff, Optional<Path> savedTo, long bytes) {}

    private Report trainOnTable(ChurnTrainingSettings settings) throws IOException {
        var data = ChurnData.table(input, table, csv.delimiter, Optional.empty());
        ChurnEvaluate.requireBothOutcomes(input, data.churned());
        var split = StratifiedHoldout.split(data.churned(), testShare, seed);
        var trainRows = data.features().rows(split.train());
        boolean[] trainLabels = StratifiedHoldout.select(data.churned(), split.train());
        var testRows = data.features().rows(split.test());
        boolean[] testLabels = StratifiedHoldout.select(data.churned(), split.test());
        try (TrainedChurnModel model = ChurnModel.train(trainRows, trainLabels, settings)) {
            var evaluation = ChurnEvaluation.of(model.predictAll(testRows), testLabels);
            Optional<Double> baseline = Optional.empty();
            if (settings.kind() != ChurnModelKind.LOGISTIC_REGRESSION) {
                try (var logistic = ChurnModel.train(trainRows, trainLabels, settings.withKind(ChurnModelKind.LOGISTIC_REGRESSION))) {
                    baseline = Optional.of(ChurnEvaluation.of(logistic.predictAll(testRows), testLabels).auc());
                }
            }
            long bytes = save(model);
            return new Report(describe(model) + " on " + trainLabels.length + " rows of " + input.getFileName()
                    + ", stratified hold-out of " + Math.round(100 * testShare) + "% (seed " + seed + ")",
                    data.churned().length, Optional.of(trainLabels.length), evaluation, baseline, Optional.empty(),
                    Optional.of(modelPath), bytes);
        }
    }

    private Report trainOnTransactions(ChurnTrainingSettings settings) throws IOException {
        var behaviour = ChurnEvaluate.readBehaviour(spec, input, csv, json);
        LocalDate end = split.end(behaviour.lastDay());
        var s = TimeSplitTraining.Settings.defaults().withHorizon(split.horizon)
                .withMinimums(minimumCustomers, TimeSplitTraining.Settings.defaults().minimumPerOutcome());
        s = new TimeSplitTraining.Settings(s.horizonDays(), testShare, seed, s.minimumCustomers(), s.minimumPerOutcome(),
                s.maxTrainingCustomers(), settings);
        var outcome = TimeSplitTraining.train(behaviour.history(), end.toEpochDay(), s);
        if (outcome instanceof TimeSplitTraining.TooLittleHistory little) {
            throw new FailureMessage.CommandFailure("cannot train on " + input + ": too little history: " + little.reason());
        }
        var trained = (TimeSplitTraining.Trained) outcome;
        try (var model = trained.model()) {
            long bytes = save(model);
            LocalDate cutoff = LocalDate.ofEpochDay(trained.cutoffDay());
            return new Report(describe(model) + " on " + trained.trainedOn() + " customers of " + input.getFileName()
                    + ": features as of " + cutoff + ", churned = no purchase in the " + split.horizon + " days after",
                    trained.cohortCustomers(), Optional.of(trained.trainedOn()), trained.evaluation(),
                    settings.kind() == ChurnModelKind.LOGISTIC_REGRESSION ? Optional.empty()
                            : Optional.of(trained.baselineEvaluation().auc()),
                    Optional.of(cutoff), Optional.of(modelPath), bytes);
        }
    }

    private long save(TrainedChurnModel model) {
        byte[] bytes = model.toBytes();
        try {
            Path parent = modelPath.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(modelPath, bytes);
        } catch (IOException e) {
            throw new FailureMessage.CommandFailure("cannot save the model to " + modelPath + ": " + FailureMessage.of(e, modelPath));
        }
        return bytes.length;
    }

    static String describe(TrainedChurnModel model) {
        return model.kind() == ChurnModelKind.GRADIENT_BOOSTED_TREES ? "XGBoost (gradient-boosted trees)" : "logistic regression";
    }

    static void requireReadable(Path file) {
        if (!Files.isReadable(file)) {
            throw new FailureMessage.CommandFailure("cannot read " + file + ": " + (Files.exists(file) ? "permission denied" : "no such file"));
        }
    }

    static void print(PrintWriter o, boolean json, Report r) {
        var e = r.evaluation();
        if (json) {
            var sb = new StringBuilder("{");
            sb.append("\"customers\":").append(r.customers());
            r.trainedOn().ifPresent(n -> sb.append(",\"trainedOn\":").append(n));
            r.cutoff().ifPresent(c -> sb.append(",\"cutoff\":\"").append(c).append('"'));
            sb.append(",\"evaluated\":").append(e.customers()).append(",\"churned\":").append(e.churned())
                    .append(",\"auc\":").append(e.auc()).append(",\"prAuc\":").append(e.averagePrecision())
                    .append(",\"brier\":").append(e.brier())
                    .append(",\"calibrationGap\":").append(e.calibration().meanAbsoluteGap());
            r.baselineAuc().ifPresent(b -> sb.append(",\"baselineAuc\":").append(b));
            sb.append(",\"calibration\":[");
            for (int i = 0; i < e.calibration().bins().size(); i++) {
                var bin = e.calibration().bins().get(i);
                sb.append(i == 0 ? "" : ",").append("{\"customers\":").append(bin.customers())
                        .append(",\"meanPredicted\":").append(bin.meanPredicted())
                        .append(",\"observedRate\":").append(bin.observedRate()).append('}');
            }
            sb.append(']');
            r.savedTo().ifPresent(p -> sb.append(",\"model\":\"").append(p.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
            sb.append('}');
            o.println(sb);
        } else {
            o.println(r.what());
            o.printf(Locale.ROOT, "Evaluated on %,d customers not trained on (churn rate %.1f%%)%n", e.customers(), 100 * e.churnRate());
            o.printf(Locale.ROOT, "  AUC              %8.4f%n", e.auc());
            o.printf(Locale.ROOT, "  PR-AUC           %8.4f%n", e.averagePrecision());
            o.printf(Locale.ROOT, "  Brier score      %8.4f%n", e.brier());
            o.printf(Locale.ROOT, "  calibration gap  %8.4f%n", e.calibration().meanAbsoluteGap());
            r.baselineAuc().ifPresent(b -> o.printf(Locale.ROOT, "  logistic AUC     %8.4f  (baseline)%n", b));
            o.println("Calibration by decile of predicted risk: customers, mean predicted, observed churn rate");
            for (var bin : e.calibration().bins()) {
                o.printf(Locale.ROOT, "  %7d  %6.3f  %6.3f%n", bin.customers(), bin.meanPredicted(), bin.observedRate());
            }
            r.savedTo().ifPresent(p -> o.printf(Locale.ROOT, "Model saved to %s (%,d bytes)%n", p, r.bytes()));
        }
        o.flush();
    }
}
