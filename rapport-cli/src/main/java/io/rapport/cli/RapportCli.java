package io.rapport.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rapport} command line. Exit codes: 0 success, 1 the command failed (e.g. a
 * directory cannot be written), 2 bad usage (unknown or invalid options).
 */
@Command(
        name = "rapport",
        mixinStandardHelpOptions = true,
        versionProvider = RapportCli.Version.class,
        description = "Rapport customer-relationship platform: command-line tools.",
        subcommands = {GenerateCommand.class, ScoreCommand.class, ClvCommand.class, ChurnCommand.class, BenchCommand.class,
            LoadEventsCommand.class, ImportCommand.class, CommandLine.HelpCommand.class})
public final class RapportCli implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run it in-process with their own output writers. */
    public static CommandLine commandLine() {
        var cli = new CommandLine(new RapportCli());
        // Failures are reported as one clear line, not a stack trace; usage errors keep picocli's message and usage.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("rapport: " + FailureMessage.of(e));
            commandLine.getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // `rapport` alone: picocli prints this message and the usage, which lists the commands.
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command, e.g. 'rapport generate --help'.");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var version = RapportCli.class.getPackage().getImplementationVersion();
            return new String[] {"rapport " + (version == null ? "(development build)" : version)};
        }
    }
}
