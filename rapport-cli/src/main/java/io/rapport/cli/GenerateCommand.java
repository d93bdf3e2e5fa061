package io.rapport.cli;

import io.rapport.analytics.synthetic.DemoDataCounts;
import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.analytics.synthetic.DemoDataGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rapport generate}: writes deterministic demo data in Rapport's native import layout. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Generate demo data of a household-appliance brand: stores, products, customers, and "
                    + "some years of their orders, returns, cancellations and events.",
            "",
            "Writes Rapport's native import layout into DIR: stores.csv, products.csv, customers.csv, "
                    + "orders.csv, events.jsonl. The same seed and options always give the same files."
        },
        footer = {"", "Example:", "  rapport generate --customers 20000 --seed 42 --out demo-data"})
final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--customers"}, paramLabel = "N",
            description = "Number of customers, 1 to 99999999 (default: ${DEFAULT-VALUE}).")
    int customers = DemoDataGenerator.DEFAULT_CUSTOMERS;

    @Option(names = {"-s", "--seed"}, paramLabel = "S",
            description = "Seed of the random generator (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Directory to write the files into; created if missing, files of the same names are replaced.")
    Path out;

    @Option(names = "--end", paramLabel = "DATE", converter = EndConverter.class, defaultValue = "2026-11-01",
            description = "End of the data period, exclusive: a date (midnight UTC) or an ISO-8601 instant (default: ${DEFAULT-VALUE}).")
    Instant end;

    @Option(names = "--years", paramLabel = "Y",
            description = "Length of the data period in years, 1 to 20 (default: ${DEFAULT-VALUE}).")
    int years = DemoDataGenerator.DEFAULT_YEARS;

    @Option(names = "--extra-lines", paramLabel = "MEAN", defaultValue = "0",
            description = "Mean extra lines (accessories, consumables) per sale order, 0 to 20 (default: ${DEFAULT-VALUE}); 2.0 gives ~10 order lines per customer.")
    double extraLines;

    @Option(names = "--no-events", description = "Write no behavioural events (events.jsonl is empty); orders are the same as with them.")
    boolean noEvents;

    @Option(names = {"-q", "--quiet"}, description = "Do not show progress on standard error.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (customers < 1 || customers > DemoDataGenerator.MAX_CUSTOMERS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--customers must be between 1 and " + DemoDataGenerator.MAX_CUSTOMERS + ", was " + customers);
        }
        if (years < 1 || years > 20) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--years must be between 1 and 20, was " + years);
        }
        if (!(extraLines >= 0 && extraLines <= 20)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--extra-lines must be between 0 and 20, was " + extraLines);
        }
        out = out.toAbsolutePath().normalize();
        prepare(out);
        var generator = new DemoDataGenerator(seed, customers, end, years).withExtraLinesPerOrder(extraLines);
        if (noEvents) {
            generator = generator.withoutEvents();
        }
        var err = spec.commandLine().getErr();
        var progress = new ProgressMeter(err, !quiet, ProgressMeter.onTerminal());
        long started = System.nanoTime();
        DemoDataCounts counts;
        try {
            counts = DemoDataFiles.write(generator, out, progress);
        } catch (IOException e) {
            progress.finish();
            throw new FailureMessage.CommandFailure("writing demo data to " + out + " failed: " + FailureMessage.of(e, out));
        }
        progress.finish();
        double seconds = (System.nanoTime() - started) / 1e9;
        printSummary(generator, counts, seconds);
        return CommandLine.ExitCode.OK;
    }

    /** Fails early, before any work, when the directory cannot be created or written. */
    private static void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FailureMessage.CommandFailure("cannot create output directory " + dir + ": " + FailureMessage.of(e, dir));
        }
        if (!Files.isWritable(dir)) {
            throw new FailureMessage.CommandFailure("cannot write to output directory " + dir + ": not writable");
        }
    }

    private void printSummary(DemoDataGenerator generator, DemoDataCounts c, double seconds) {
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "Wrote demo data to %s in %.1f s (seed %d, %s to %s)%n",
                out, seconds, generator.seed(), generator.start(), generator.end());
        o.printf(Locale.ROOT, "  stores     %,12d%n", c.stores());
        o.printf(Locale.ROOT, "  products   %,12d%n", c.products());
        o.printf(Locale.ROOT, "  customers  %,12d%n", c.customers());
        o.printf(Locale.ROOT, "  orders     %,12d  (%,d lines: %,d returned, %,d cancelled)%n",
                c.orders(), c.orderLines(), c.returnLines(), c.cancelledLines());
        o.printf(Locale.ROOT, "  events     %,12d%n", c.events());
        o.printf(Locale.ROOT, "  size       %,12.1f MB%n", directorySize() / 1e6);
        o.flush();
    }

    private long directorySize() {
        long bytes = 0;
        for (var name : new String[] {DemoDataFiles.STORES, DemoDataFiles.PRODUCTS, DemoDataFiles.CUSTOMERS,
                DemoDataFiles.ORDERS, DemoDataFiles.EVENTS}) {
            try {
                bytes += Files.size(out.resolve(name));
            } catch (IOException e) {
                // Only for the summary line; the files were just written.
            }
        }
        return bytes;
    }

    /** Accepts {@code 2026-11-01} (midnight UTC) or {@code 2026-11-01T08:00:00Z}. */
    static final class EndConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return value.contains("T")
                        ? Instant.parse(value)
                        : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a date (yyyy-MM-dd) or an ISO-8601 instant (yyyy-MM-ddTHH:mm:ssZ)");
            }
        }
    }
}
