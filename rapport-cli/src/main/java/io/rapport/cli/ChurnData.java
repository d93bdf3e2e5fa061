package io.rapport.cli;

import io.rapport.analytics.churn.BehaviourHistory;
import io.rapport.analytics.churn.ChurnFeature;
import io.rapport.analytics.churn.ChurnFeatures;
import io.rapport.analytics.churn.ReasonWording;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Option;

/**
 * The two inputs of {@code rapport churn}: a transactions CSV (behaviour; features and labels from a time-based
 * split) or a labelled table with one row per customer (e.g. the IBM telco sample), whose label column is given with
 * {@code --label-col}.
 */
final class ChurnData {

    private ChurnData() {}

    /** Options of a labelled table. */
    static final class TableOptions {

        @Option(names = "--label-col", paramLabel = "NAME",
                description = "A labelled table with one row per customer: the column saying whether the customer "
                        + "churned (e.g. Churn). Without it FILE is a transactions CSV.")
        String labelColumn;

        @Option(names = "--churned-value", paramLabel = "TEXT", defaultValue = "Yes",
                description = "Value of the label column that means churned (default: ${DEFAULT-VALUE}; 1 and true also count).")
        String churnedValue;

        @Option(names = "--id-col", paramLabel = "NAME",
                description = "An id column of the table, left out of the features (e.g. customerID).")
        String idColumn;

        boolean isTable() {
            return labelColumn != null;
        }
    }

    /** Options of the time split on a transactions CSV: the last observed day and the churn horizon. */
    static final class TimeSplitOptions {

        @Option(names = "--as-of", paramLabel = "DATE",
                description = "For transactions: the last observed day (default: the last transaction day).")
        LocalDate asOf;

        @Option(names = "--horizon", paramLabel = "DAYS", defaultValue = "180",
                description = "For transactions: churned = no purchase in this many days after the cutoff (default: ${DEFAULT-VALUE}).")
        int horizon;

        /** The last observed day: {@code --as-of}, else the data's last day. */
        LocalDate end(LocalDate lastDay) {
            return asOf != null ? asOf : lastDay;
        }

        /** Why the options are unusable, if they are. */
        Optional<String> usageError() {
            return horizon < 1 ? Optional.of("--horizon must be at least 1 day, was " + horizon) : Optional.empty();
        }
    }

    /** A labelled table as features: numbers where every non-blank value is a number, else categories. */
    record Table(ChurnFeatures features, boolean[] churned) {}

    /** Reads a table; with {@code like} (a saved model's columns) the features are built in the model's columns. */
    static Table table(Path file, TableOptions options, char delimiter, Optional<List<ChurnFeature>> like) throws IOException {
        List<CSVRecord> rows;
        List<String> header;
        try (var parser = parser(file, delimiter)) {
            header = parser.getHeaderNames();
            rows = parser.getRecords();
        }
        if (header.isEmpty() || rows.isEmpty()) {
            throw new FailureMessage.CommandFailure(file + " has no rows: expected a header and one row per customer");
        }
        int labelAt = column(file, header, options.labelColumn, "--label-col");
        if (options.idColumn != null) {
            column(file, header, options.idColumn, "--id-col");
        }
        int n = rows.size();
        boolean[] churned = new boolean[n];
        for (int r = 0; r < n; r++) {
            String v = rows.get(r).get(labelAt).trim();
            churned[r] = v.equalsIgnoreCase(options.churnedValue) || v.equals("1") || v.equalsIgnoreCase("true");
        }
        if (like.isPresent()) {
            return new Table(inColumnsOf(file, header, rows, like.get()), churned);
        }
        var b = ChurnFeatures.builder(n);
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c);
            if (c == labelAt || name.equals(options.idColumn)) {
                continue;
            }
            double[] numbers = numbers(rows, c);
            if (numbers != null) {
                b.number(name, numbers, ReasonWording.of(name + " {value}"));
            } else {
                String[] values = new String[n];
                for (int r = 0; r < n; r++) {
                    values[r] = rows.get(r).get(c).trim();
                }
                b.category(name, values, Map.of());
            }
        }
        return new Table(b.build(), churned);
    }

    private static ChurnFeatures inColumnsOf(Path file, List<String> header, List<CSVRecord> rows,
                                             List<ChurnFeature> columns) {
        int n = rows.size();
        int p = columns.size();
        float[] values = new float[n * p];
        for (int j = 0; j < p; j++) {
            var f = columns.get(j);
            int at = header.indexOf(f.group());
            if (at < 0) {
                throw new FailureMessage.CommandFailure(file + " has no column " + f.group() + ", which the model was trained on");
            }
            for (int r = 0; r < n; r++) {
                String text = rows.get(r).get(at).trim();
                float v;
                if (f.level().isPresent()) {
                    v = f.level().get().equals(text) ? 1f : 0f;
                } else if (text.isEmpty()) {
                    v = Float.NaN;
                } else {
                    try {
                        v = (float) Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        throw new FailureMessage.CommandFailure(file + ": row " + (r + 2) + ", column " + f.group()
                                + ": '" + text + "' is not a number");
                    }
                }
                values[r * p + j] = v;
            }
        }
        return new ChurnFeatures(columns, values);
    }

    /** The column as numbers (blank = NaN), or null when a non-blank value is not a number. */
    private static double[] numbers(List<CSVRecord> rows, int c) {
        double[] v = new double[rows.size()];
        for (int r = 0; r < v.length; r++) {
            String text = rows.get(r).get(c).trim();
            if (text.isEmpty()) {
                v[r] = Double.NaN;
                continue;
            }
            try {
                v[r] = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return v;
    }

    /**
     * A transactions CSV as the library's behaviour history: a customer's transactions of one day count as one order
     * (their net positive part a sale, their negative part a return), as purchase days do. No channels or events.
     */
    record Behaviour(BehaviourHistory history, LocalDate lastDay, int customers) {}

    static Behaviour behaviour(TransactionCsvReader.Transactions tx) {
        return new Behaviour(BehaviourHistory.ofTransactions(tx.columns(), tx.customerCount()), tx.lastDay(),
                tx.customerCount());
    }

    private static CSVParser parser(Path file, char delimiter) throws IOException {
        var in = Files.newInputStream(file);
        var stream = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
        var format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setDelimiter(delimiter).setIgnoreEmptyLines(true).get();
        return CSVParser.builder().setReader(new InputStreamReader(stream, StandardCharsets.UTF_8)).setFormat(format).get();
    }

    private static int column(Path file, List<String> header, String name, String option) {
        int at = header.indexOf(name);
        if (at < 0) {
            throw new FailureMessage.CommandFailure(file + " has no column '" + name + "' (" + option + "); its columns are "
                    + String.join(", ", new TreeSet<>(header)));
        }
        return at;
    }
}
