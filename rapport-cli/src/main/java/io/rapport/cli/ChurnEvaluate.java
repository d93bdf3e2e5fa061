package io.rapport.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;

/** Reading and checks shared by {@code churn train} and {@code churn evaluate}. */
final class ChurnEvaluate {

    private ChurnEvaluate() {}

    static ChurnData.Behaviour readBehaviour(CommandLine.Model.CommandSpec spec, Path input, TransactionCsvOptions csv,
                                             boolean json) throws IOException {
        var progress = new ProgressMeter(spec.commandLine().getErr(), !json, ProgressMeter.onTerminal(),
                "reading " + input.getFileName(), true);
        TransactionCsvReader.Transactions tx;
        try {
            tx = TransactionCsvReader.read(input, csv, progress);
        } finally {
            progress.finish();
        }
        if (tx.customerCount() == 0) {
            throw new FailureMessage.CommandFailure(input + " has no transactions with a customer");
        }
        return ChurnData.behaviour(tx);
    }

    static void requireBothOutcomes(Path input, boolean[] churned) {
        int positives = 0;
        for (boolean c : churned) {
            positives += c ? 1 : 0;
        }
        if (positives == 0 || positives == churned.length) {
            throw new FailureMessage.CommandFailure(input + ": " + positives + " of " + churned.length
                    + " customers churned; training and evaluation need both churned and retained customers");
        }
    }
}
