package io.rapport.cli;

import io.rapport.analytics.clv.ClvSettings;
import io.rapport.analytics.clv.ModelFitException;
import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.TransactionColumns;
import io.rapport.analytics.synthetic.DemoDataGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rapport bench}: generates a transactions CSV of N demo customers, scores it step by
 * step (timing each step, watching the heap) and runs the same RFM in DuckDB on the same file.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Benchmark scoring: generate N demo customers (~10 order lines each) as a transactions CSV, then time "
                    + "CSV parse, summaries, RFM, BG/NBD fit, Gamma-Gamma fit, predictions, churn model training, churn "
                    + "scoring and writing the scores, "
                    + "with the peak heap; and the same RFM in DuckDB (in-process) on the same file.",
            "",
            "Run with the heap you want to prove, e.g. JAVA_OPTS=-Xmx2g ./rapport bench."
        },
        footer = {"", "Examples:", "  rapport bench                       # 1,000,000 customers, ~10 M order lines",
            "  rapport bench -n 20000 --out /tmp/b", "  rapport bench --input /tmp/rapport-bench/transactions.csv"})
final class BenchCommand implements Callable<Integer> {

    static final String FILE = "transactions.csv";
    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--customers"}, paramLabel = "N", defaultValue = "1000000",
            description = "Customers to generate, 1 to 9999999 (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Directory for " + FILE + " and scores.csv (default: rapport-bench in the temporary directory).")
    Path out;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Benchmark an existing transactions CSV (columns " + BenchTransactionsFile.HEADER + ") instead of generating one.")
    Path input;

    @Option(names = "--extra-lines", paramLabel = "MEAN", defaultValue = "2.0",
            description = "Mean extra lines per sale order of the generated data (default: ${DEFAULT-VALUE}, ~10 lines per customer).")
    double extraLines;

    @Option(names = "--parser", paramLabel = "KIND", defaultValue = "fast",
            description = "CSV parser of the Rapport run: fast (the bench-layout scanner) or general (Commons CSV, as `rapport score`) "
                    + "(default: ${DEFAULT-VALUE}).")
    String parser;

    @Option(names = "--churn-reasons",
            description = "Also explain every churn risk (SHAP, XGBoost's predictContrib) for its top reason in scores.csv, "
                    + "as `rapport score` does by default; about 30 times the cost of the risk alone.")
    boolean churnReasons;

    @Option(names = "--no-duckdb", description = "Skip the DuckDB comparison.")
    boolean noDuckDb;

    @Option(names = {"-q", "--quiet"}, description = "Do not show progress on standard error.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (customers < 1 || customers > 9_999_999) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--customers must be between 1 and 9999999, was " + customers);
        }
        if (!parser.equals("fast") && !parser.equals("general")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parser must be fast or general, was " + parser);
        }
        if (!(extraLines >= 0 && extraLines <= 20)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--extra-lines must be between 0 and 20, was " + extraLines);
        }
        var o = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Path dir = (out != null ? out : Path.of(System.getProperty("java.io.tmpdir"), "rapport-bench")).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FailureMessage.CommandFailure("cannot create output directory " + dir + ": " + FailureMessage.of(e, dir));
        }
        Path csv;
        if (input != null) {
            csv = input.toAbsolutePath();
            if (!Files.isReadable(csv)) {
                throw new FailureMessage.CommandFailure("cannot read " + csv + ": no such file");
            }
        } else {
            csv = dir.resolve(FILE);
            var generator = new DemoDataGenerator(seed, customers, END, DemoDataGenerator.DEFAULT_YEARS)
                    .withExtraLinesPerOrder(extraLines).withoutEvents();
            var progress = new ProgressMeter(err, !quiet, ProgressMeter.onTerminal(), "generating customers", false);
            long started = System.nanoTime();
            long lines;
            try {
                lines = BenchTransactionsFile.write(generator, csv, progress);
            } catch (IOException e) {
                throw new FailureMessage.CommandFailure("cannot write " + csv + ": " + FailureMessage.of(e, csv));
            } finally {
                progress.finish();
            }
            o.printf(Locale.ROOT, "Generated %,d customers, %,d order lines in %.1f s (seed %d, not timed below)%n",
                    customers, lines, (System.nanoTime() - started) / 1e9, seed);
        }
        o.printf(Locale.ROOT, "Input %s: %,.1f MB; %d cores; max heap %,d MB; %s%n", csv, Files.size(csv) / 1e6,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, Runtime.version());
        o.flush();

        var steps = new LinkedHashMap<String, Long>();
        var cpu = new LinkedHashMap<String, Long>();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (!quiet) {
            err.println("scoring " + csv.getFileName() + " ...");
            err.flush();
        }
        System.gc();
        long rows;
        int customerCount;
        ScoringPipeline.Result result;
        HeapMonitor.Report heap;
        LocalDate asOf;
        try (var monitor = new HeapMonitor()) {
            long started = System.nanoTime();
            long[] lastCpu = {processCpuNanos()};
            ScoringPipeline.Steps timer = (step, nanos) -> {
                long now = processCpuNanos();
                steps.put(step, nanos);
                cpu.put(step, now - lastCpu[0]);
                lastCpu[0] = now;
            };
            TransactionColumns tx;
            IntFunction<String> ids;
            if (parser.equals("fast")) {
                var scanned = FastTransactionScanner.scan(csv, "customer_id", "ordered_at", "amount");
                tx = scanned.columns();
                rows = scanned.rows();
                customerCount = scanned.customerCount();
                long[] keys = scanned.customerKeys();
                ids = i -> FastTransactionScanner.id(keys[i]);
            } else {
                var options = new TransactionCsvOptions();
                options.customerColumn = "customer_id";
                options.dateColumn = "ordered_at";
                options.dateFormat = TransactionDates.ISO;
                options.zone = java.time.ZoneOffset.UTC;
                options.amountColumn = "amount";
                options.delimiter = ',';
                var read = TransactionCsvReader.read(csv, options, new ProgressMeter(err, false, false));
                tx = read.columns();
                rows = read.rows();
                customerCount = read.customerCount();
                ids = read.customerIds()::get;
            }
            asOf = lastDay(tx);
            timer.done("parse CSV (" + parser + ")", System.nanoTime() - started);
            // `rapport score`'s defaults, except that churn risks are explained only with --churn-reasons
            var churn = new ChurnRisk.Settings(ChurnRisk.Settings.DEFAULT_WINDOW_DAYS,
                    ChurnRisk.Settings.DEFAULT_MAX_TRAINING_CUSTOMERS, churnReasons);
            var settings = new ScoringPipeline.Settings(PeriodUnit.WEEKS, asOf, asOf, 52, 30,
                    new ClvSettings(12, 0.01, 1.0, ClvSettings.WEEKS_PER_MONTH), churn);
            try {
                result = ScoringPipeline.run(tx, customerCount, settings, timer);
            } catch (ModelFitException e) {
                throw new FailureMessage.CommandFailure("cannot score " + csv + ": " + e.getMessage());
            }
            long writeStarted = System.nanoTime();
            ScoresCsvWriter.write(dir.resolve("scores.csv"), result, ids);
            timer.done("write scores CSV", System.nanoTime() - writeStarted);
            long cpuTotal = 0;
            for (long c : cpu.values()) {
                cpuTotal += c;
            }
            steps.put("total", System.nanoTime() - started);
            cpu.put("total", cpuTotal);
            heap = monitor.report();
        }
        printRapport(o, steps, cpu, rows, customerCount, result, heap, dir);
        o.printf(Locale.ROOT, "  system load average %.1f before, %.1f after (cpu = CPU time of this process, all threads)%n",
                loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        if (!noDuckDb) {
            if (!quiet) {
                err.println("running the same RFM in DuckDB ...");
                err.flush();
            }
            try {
                long cpuBefore = processCpuNanos();
                var duck = DuckDbRfm.run(csv, "customer_id", "ordered_at", "amount", asOf);
                long duckCpu = processCpuNanos() - cpuBefore;
                if (duck.isEmpty()) {
                    o.println("DuckDB: driver not on the class path, comparison skipped");
                } else {
                    printDuckDb(o, duck.get(), duckCpu, steps, cpu, result);
                }
            } catch (SQLException e) {
                throw new FailureMessage.CommandFailure("DuckDB comparison failed: " + e.getMessage());
            }
        }
        o.flush();
        return CommandLine.ExitCode.OK;
    }

    private static LocalDate lastDay(TransactionColumns tx) {
        long max = Long.MIN_VALUE;
        for (long d : tx.epochDay()) {
            max = Math.max(max, d);
        }
        return LocalDate.ofEpochDay(max);
    }

    static long rfmNanos(Map<String, Long> steps) {
        long n = 0;
        for (var e : steps.entrySet()) {
            if (e.getKey().startsWith("parse") || e.getKey().equals("summaries") || e.getKey().equals("rfm")) {
                n += e.getValue();
            }
        }
        return n;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static void printRapport(PrintWriter o, Map<String, Long> steps, Map<String, Long> cpu, long rows, int customers,
                                     ScoringPipeline.Result r, HeapMonitor.Report heap, Path dir) {
        o.printf(Locale.ROOT, "Rapport, CSV -> scores (%,d rows, %,d customers, %,d with a purchase):%n",
                rows, customers, r.summaries().purchasingCustomerCount());
        for (var e : steps.entrySet()) {
            String note = switch (e.getKey()) {
                case "bg/nbd fit" -> String.format(Locale.ROOT, "r=%.4f alpha=%.4f a=%.4f b=%.4f", r.bgNbd().r(),
                        r.bgNbd().alpha(), r.bgNbd().a(), r.bgNbd().b());
                case "gamma-gamma fit" -> String.format(Locale.ROOT, "p=%.4f q=%.4f gamma=%.4f (%,d customers)",
                        r.gammaGamma().p(), r.gammaGamma().q(), r.gammaGamma().gamma(), r.ggCustomers());
                case "churn train" -> r.churn().model()
                        .map(m -> ScoreCommand.describe(m, ChurnRisk.Settings.DEFAULT_WINDOW_DAYS))
                        .orElse("no model: " + r.churn().unavailable().orElse(""));
                case "churn scoring" -> String.format(Locale.ROOT, "%,d customers, P(churn)%s", r.churn().scored(),
                        r.churn().explained() ? " and top reason (SHAP)" : " only");
                case "write scores CSV" -> dir.resolve("scores.csv").toString();
                default -> "";
            };
            o.printf(Locale.ROOT, "  %-24s %8.2f s  (cpu %6.2f s)  %s%n", e.getKey(), e.getValue() / 1e9,
                    cpu.getOrDefault(e.getKey(), 0L) / 1e9, note);
        }
        o.printf(Locale.ROOT, "  %-24s %8.2f s  (cpu %6.2f s)  parse + summaries + rfm%n", "CSV -> RFM",
                rfmNanos(steps) / 1e9, rfmNanos(cpu) / 1e9);
        o.printf(Locale.ROOT, "  peak heap %,d MB sampled (heap pools' peaks add up to %,d MB), %d GCs taking %.2f s, max heap %,d MB%n",
                heap.sampledPeakBytes() >> 20, heap.poolPeakBytes() >> 20, heap.collections(), heap.gcMillis() / 1e3,
                heap.maxHeapBytes() >> 20);
    }

    private static void printDuckDb(PrintWriter o, DuckDbRfm.Result d, long duckCpu, Map<String, Long> steps,
                                    Map<String, Long> cpu, ScoringPipeline.Result r) {
        var s = r.summaries();
        long days = 0;
        double spend = 0;
        for (int i = 0; i < s.customerCount(); i++) {
            days += s.purchaseDays()[i];
            spend += s.totalSpend()[i];
        }
        boolean same = d.customers() == s.purchasingCustomerCount() && d.purchaseDays() == days
                && Math.abs(d.spend() - spend) <= 1e-6 * Math.max(1, Math.abs(spend));
        o.printf(Locale.ROOT, "DuckDB %s in-process, read_csv + the same RFM with NTILE(5):%n", d.version());
        o.printf(Locale.ROOT, "  %-24s %8.2f s  (cpu %6.2f s, with connecting)  %,d customers, %,d purchase days, spend %,.2f (%s)%n",
                "CSV -> RFM", d.nanos() / 1e9, duckCpu / 1e9, d.customers(), d.purchaseDays(), d.spend(), same ? "same as Rapport" : "DIFFERENT from Rapport");
        o.printf(Locale.ROOT, "  Rapport CSV -> RFM / DuckDB: wall %.2f, cpu %.2f; Rapport CSV -> all scores / DuckDB CSV -> RFM: wall %.2f%n",
                rfmNanos(steps) / (double) d.nanos(), rfmNanos(cpu) / (double) Math.max(1, duckCpu),
                steps.get("total") / (double) d.nanos());
    }

}
