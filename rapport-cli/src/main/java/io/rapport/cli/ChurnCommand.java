package io.rapport.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rapport churn}: churn-risk models (XGBoost with a logistic-regression baseline). */
@Command(
        name = "churn",
        mixinStandardHelpOptions = true,
        description = "Churn-risk models: train on transactions or a labelled table, evaluate a saved model.",
        subcommands = {ChurnTrainCommand.class, ChurnEvaluateCommand.class})
final class ChurnCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, e.g. 'rapport churn train --help'.");
    }
}
