package io.rapport.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the command line in-process and keeps what it printed. */
final class CliRun {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int rapport(String... args) {
        var cli = RapportCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** The shared evaluation data (never copied into the repository); surefire sets RAPPORT_SHARED_DATA. */
    static Path sharedData(String relative) {
        return Path.of(System.getenv().getOrDefault("RAPPORT_SHARED_DATA", "../../shared/data")).resolve(relative);
    }
}
