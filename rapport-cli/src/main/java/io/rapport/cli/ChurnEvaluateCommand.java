package io.rapport.cli;

import io.rapport.analytics.churn.ChurnEvaluation;
import io.rapport.analytics.churn.ChurnModelException;
import io.rapport.analytics.churn.StratifiedHoldout;
import io.rapport.analytics.churn.TimeSplitTraining;
import io.rapport.analytics.churn.TrainedChurnModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rapport churn evaluate}: a saved model on other data. On a transactions CSV, every customer who had bought by
 * the cutoff {@code as-of − horizon} is scored on their figures then and checked against the {@code horizon} days
 * after; on a labelled table, every row.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a saved churn model (AUC, PR-AUC, Brier score, calibration) on a transactions CSV (time-based: "
                    + "features as of as-of − horizon, churned = no purchase in the horizon after) or a labelled table."
        },
        footer = {"", "Examples:",
            "  rapport churn evaluate telco_customer_churn.csv --label-col Churn --id-col customerID --model telco.model",
            "  rapport churn evaluate orders-2025.csv --amount-col amount --model orders.model --as-of 2025-12-31"})
final class ChurnEvaluateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Transactions CSV or labelled table (gzip if .gz).")
    Path input;

    @Option(names = "--model", paramLabel = "PATH", required = true, description = "A model saved by 'rapport churn train'.")
    Path modelPath;

    @Mixin
    ChurnData.TableOptions table = new ChurnData.TableOptions();

    @Mixin
    TransactionCsvOptions csv = new TransactionCsvOptions();

    @Mixin
    ChurnData.TimeSplitOptions split = new ChurnData.TimeSplitOptions();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        csv.usageError().or(split::usageError).ifPresent(m -> {
            throw new CommandLine.ParameterException(spec.commandLine(), m);
        });
        ChurnTrainCommand.requireReadable(modelPath);
        ChurnTrainCommand.requireReadable(input);
        TrainedChurnModel model;
        try {
            model = TrainedChurnModel.fromBytes(Files.readAllBytes(modelPath));
        } catch (ChurnModelException e) {
            throw new FailureMessage.CommandFailure(modelPath + ": " + e.getMessage());
        }
        try (model) {
            ChurnTrainCommand.Report report = table.isTable() ? onTable(model) : onTransactions(model);
            ChurnTrainCommand.print(spec.commandLine().getOut(), json, report);
        } catch (ChurnModelException e) {
            throw new FailureMessage.CommandFailure("cannot evaluate " + modelPath + " on " + input + ": " + e.getMessage());
        }
        return CommandLine.ExitCode.OK;
    }

    private ChurnTrainCommand.Report onTable(TrainedChurnModel model) throws IOException {
        var data = ChurnData.table(input, table, csv.delimiter, Optional.of(model.features()));
        ChurnEvaluate.requireBothOutcomes(input, data.churned());
        var evaluation = ChurnEvaluation.of(model.predictAll(data.features()), data.churned());
        return new ChurnTrainCommand.Report(ChurnTrainCommand.describe(model) + " from " + modelPath.getFileName()
                + " on every row of " + input.getFileName(), data.churned().length, Optional.empty(), evaluation,
                Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    private ChurnTrainCommand.Report onTransactions(TrainedChurnModel model) throws IOException {
        var behaviour = ChurnEvaluate.readBehaviour(spec, input, csv, json);
        LocalDate end = split.end(behaviour.lastDay());
        long cutoff = end.toEpochDay() - split.horizon;
        var history = behaviour.history();
        boolean[] bought = history.purchasedBy(cutoff);
        int[] cohort = IntStream.range(0, bought.length).filter(i -> bought[i]).toArray();
        if (cohort.length == 0) {
            throw new FailureMessage.CommandFailure(input + ": no customer bought by " + LocalDate.ofEpochDay(cutoff)
                    + " (" + split.horizon + " days before " + end + "), so there is nothing to evaluate");
        }
        boolean[] churned = StratifiedHoldout.select(history.noPurchaseWithin(cutoff, split.horizon), cohort);
        ChurnEvaluate.requireBothOutcomes(input, churned);
        var rows = TimeSplitTraining.featuresAt(history, cutoff, cohort, model);
        var evaluation = ChurnEvaluation.of(model.predictAll(rows), churned);
        return new ChurnTrainCommand.Report(ChurnTrainCommand.describe(model) + " from " + modelPath.getFileName()
                + " on the " + cohort.length + " customers of " + input.getFileName() + " who had bought by "
                + LocalDate.ofEpochDay(cutoff) + "; churned = no purchase in the " + split.horizon + " days after",
                cohort.length, Optional.empty(), evaluation, Optional.empty(), Optional.of(LocalDate.ofEpochDay(cutoff)),
                Optional.empty(), 0);
    }
}
