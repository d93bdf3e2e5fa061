package io.rapport.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rapport clv}: customer-lifetime-value models. */
@Command(
        name = "clv",
        mixinStandardHelpOptions = true,
        description = "Customer-lifetime-value models (BG/NBD, Gamma-Gamma).",
        subcommands = {ClvFitCommand.class})
final class ClvCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, e.g. 'rapport clv fit --help'.");
    }
}
