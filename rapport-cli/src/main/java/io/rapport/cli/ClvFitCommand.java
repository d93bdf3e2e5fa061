package io.rapport.cli;

import io.rapport.analytics.clv.BetaGeoFitter;
import io.rapport.analytics.clv.BgNbdParameters;
import io.rapport.analytics.clv.GammaGammaFitter;
import io.rapport.analytics.clv.GammaGammaParameters;
import io.rapport.analytics.clv.ModelFitException;
import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.RepeatPurchaseSummarizer;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rapport clv fit}: fits BG/NBD (and Gamma-Gamma when spend is known) and prints the
 * parameters. Reads a per-customer summary (x, t_x, T [, average repeat spend]) as in Fader,
 * Hardie &amp; Lee's CDNOW files, or a transactions CSV, which it summarizes first.
 */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Fit BG/NBD (r, alpha, a, b) and, when spend is known, Gamma-Gamma (p, q, gamma) and print them.",
            "",
            "FILE is either a summary with one row per customer (columns x or frequency, t_x or recency, T, and "
                    + "optionally zbar, m_x or monetary_value) or a transactions CSV (see the column options)."
        },
        footer = {"", "Examples:",
            "  rapport clv fit cdnow_customers_summary.csv",
            "  rapport clv fit orders.csv --period days --json"})
final class ClvFitCommand implements Callable<Integer> {

    private static final List<String> X = List.of("x", "frequency");
    private static final List<String> TX = List.of("t_x", "recency");
    private static final List<String> AGE = List.of("T", "age");
    private static final List<String> MONETARY = List.of("zbar", "m_x", "monetary_value");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Summary CSV or transactions CSV (gzip if .gz).")
    Path input;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    TransactionCsvOptions csv = new TransactionCsvOptions();

    @Option(names = "--period", paramLabel = "UNIT", defaultValue = "weeks", converter = ScoreCommand.PeriodConverter.class,
            description = "For a transactions CSV: unit of t_x and T, days or weeks (default: ${DEFAULT-VALUE}).")
    PeriodUnit period;

    @Option(names = "--observation-end", paramLabel = "DATE",
            description = "For a transactions CSV: last day to use, inclusive (default: the last transaction day).")
    LocalDate observationEnd;

    @Override
    public Integer call() throws IOException {
        csv.usageError().ifPresent(m -> {
            throw new CommandLine.ParameterException(spec.commandLine(), m);
        });
        if (!Files.isReadable(input)) {
            throw new FailureMessage.CommandFailure("cannot read " + input + ": " + (Files.exists(input) ? "permission denied" : "no such file"));
        }
        var data = isSummary() ? readSummary() : summarizeTransactions();
        BgNbdParameters bg;
        Optional<GammaGammaParameters> gg = Optional.empty();
        try {
            bg = new BetaGeoFitter().fit(data.x, data.tx, data.age);
            if (data.monetary != null) {
                double[] x = data.x.clone();
                for (int i = 0; i < x.length; i++) {
                    if (!(data.monetary[i] > 0)) {
                        x[i] = 0; // no spend information: left out of the Gamma-Gamma fit
                    }
                }
                gg = Optional.of(new GammaGammaFitter().fit(x, data.monetary));
            }
        } catch (ModelFitException e) {
            throw new FailureMessage.CommandFailure("cannot fit " + input + ": " + e.getMessage());
        }
        print(data, bg, gg);
        return CommandLine.ExitCode.OK;
    }

    private record Histories(double[] x, double[] tx, double[] age, double[] monetary, String unit) {
        int repeat() {
            int n = 0;
            for (double v : x) {
                n += v > 0 ? 1 : 0;
            }
            return n;
        }

        int ggCustomers() {
            int n = 0;
            for (int i = 0; i < x.length; i++) {
                n += x[i] > 0 && monetary[i] > 0 ? 1 : 0;
            }
            return n;
        }
    }

    private boolean isSummary() throws IOException {
        var header = header();
        return find(header, X).isPresent() && find(header, TX).isPresent() && find(header, AGE).isPresent();
    }

    private List<String> header() throws IOException {
        try (var parser = parser()) {
            return parser.getHeaderNames();
        }
    }

    private CSVParser parser() throws IOException {
        var in = Files.newInputStream(input);
        var stream = input.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
        var format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setDelimiter(csv.delimiter).setIgnoreEmptyLines(true).setTrim(true).get();
        return CSVParser.builder().setReader(new InputStreamReader(stream, StandardCharsets.UTF_8)).setFormat(format).get();
    }

    private static Optional<Integer> find(List<String> header, List<String> names) {
        for (var name : names) {
            int at = header.indexOf(name);
            if (at >= 0) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    private Histories readSummary() throws IOException {
        try (var parser = parser()) {
            var header = parser.getHeaderNames();
            int xAt = find(header, X).orElseThrow(), txAt = find(header, TX).orElseThrow(), ageAt = find(header, AGE).orElseThrow();
            int mAt = find(header, MONETARY).orElse(-1);
            var x = new TransactionCsvReader.DoubleColumn();
            var tx = new TransactionCsvReader.DoubleColumn();
            var age = new TransactionCsvReader.DoubleColumn();
            var m = new TransactionCsvReader.DoubleColumn();
            for (CSVRecord record : parser) {
                long row = record.getRecordNumber() + 1;
                double xv = number(record, row, header, xAt);
                double txv = number(record, row, header, txAt);
                double agev = number(record, row, header, ageAt);
                if (!(xv >= 0 && txv >= 0 && agev >= txv) || (xv == 0 && txv != 0)) {
                    throw new FailureMessage.CommandFailure(input + ": row " + row + ": not a customer history (need x >= 0, "
                            + "0 <= t_x <= T, and t_x = 0 when x = 0): x=" + record.get(xAt) + ", t_x=" + record.get(txAt)
                            + ", T=" + record.get(ageAt));
                }
                x.add(xv);
                tx.add(txv);
                age.add(agev);
                if (mAt >= 0) {
                    m.add(number(record, row, header, mAt));
                }
            }
            if (x.size == 0) {
                throw new FailureMessage.CommandFailure(input + " has no customers");
            }
            return new Histories(x.toArray(), tx.toArray(), age.toArray(), mAt >= 0 ? m.toArray() : null, "as in the file");
        } catch (UncheckedIOException e) {
            throw new FailureMessage.CommandFailure(input + ": " + e.getCause().getMessage());
        }
    }

    private double number(CSVRecord record, long row, List<String> header, int at) {
        String text = at < record.size() ? record.get(at) : "";
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FailureMessage.CommandFailure(input + ": row " + row + ", column " + header.get(at) + ": '" + text + "' is not a number");
    }

    private Histories summarizeTransactions() throws IOException {
        var progress = new ProgressMeter(spec.commandLine().getErr(), !json, ProgressMeter.onTerminal(),
                "reading " + input.getFileName(), true);
        TransactionCsvReader.Transactions tx;
        try {
            tx = TransactionCsvReader.read(input, csv, progress);
        } finally {
            progress.finish();
        }
        var end = observationEnd != null ? observationEnd : tx.lastDay();
        var s = new RepeatPurchaseSummarizer(period).summarize(tx.columns(), tx.customerCount(), end);
        int n = s.purchasingCustomerCount();
        double[] x = new double[n], t = new double[n], age = new double[n], m = new double[n];
        int k = 0;
        for (int i = 0; i < s.customerCount(); i++) {
            if (s.hasPurchased(i)) {
                x[k] = s.frequency()[i];
                t[k] = s.recency()[i];
                age[k] = s.age()[i];
                m[k] = s.monetaryValue()[i];
                k++;
            }
        }
        if (n == 0) {
            throw new FailureMessage.CommandFailure(input + ": no customer bought anything on or before " + end);
        }
        return new Histories(x, t, age, m, period.name().toLowerCase(Locale.ROOT));
    }

    private void print(Histories d, BgNbdParameters bg, Optional<GammaGammaParameters> gg) {
        var o = spec.commandLine().getOut();
        if (json) {
            var sb = new StringBuilder();
            sb.append("{\"customers\":").append(d.x.length).append(",\"repeatCustomers\":").append(d.repeat())
                    .append(",\"periodUnit\":\"").append(d.unit).append('"')
                    .append(",\"bgNbd\":{\"r\":").append(bg.r()).append(",\"alpha\":").append(bg.alpha())
                    .append(",\"a\":").append(bg.a()).append(",\"b\":").append(bg.b())
                    .append(",\"logLikelihood\":").append(bg.logLikelihood()).append('}');
            gg.ifPresent(g -> sb.append(",\"gammaGamma\":{\"customers\":").append(d.ggCustomers())
                    .append(",\"p\":").append(g.p()).append(",\"q\":").append(g.q())
                    .append(",\"gamma\":").append(g.gamma()).append(",\"logLikelihood\":").append(g.logLikelihood()).append('}'));
            sb.append('}');
            o.println(sb);
        } else {
            o.printf(Locale.ROOT, "BG/NBD on %,d customers (%,d repeat), time unit %s%n", d.x.length, d.repeat(), d.unit);
            o.printf(Locale.ROOT, "  r               %12.4f%n", bg.r());
            o.printf(Locale.ROOT, "  alpha           %12.4f%n", bg.alpha());
            o.printf(Locale.ROOT, "  a               %12.4f%n", bg.a());
            o.printf(Locale.ROOT, "  b               %12.4f%n", bg.b());
            o.printf(Locale.ROOT, "  log-likelihood  %12.2f%n", bg.logLikelihood());
            gg.ifPresent(g -> {
                o.printf(Locale.ROOT, "Gamma-Gamma on %,d repeat customers with spend%n", d.ggCustomers());
                o.printf(Locale.ROOT, "  p               %12.4f%n", g.p());
                o.printf(Locale.ROOT, "  q               %12.4f%n", g.q());
                o.printf(Locale.ROOT, "  gamma           %12.4f%n", g.gamma());
                o.printf(Locale.ROOT, "  log-likelihood  %12.2f%n", g.logLikelihood());
            });
        }
        o.flush();
    }
}
