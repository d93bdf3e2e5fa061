package io.rapport.cli;

import io.rapport.analytics.summary.TransactionColumns;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a transactions CSV of any layout (RFC 4180 via Commons CSV; gzip when the name ends in
 * {@code .gz}) into columns: customer ids become dense indexes in order of first appearance.
 * Every problem is reported with its row (1 = the header), column and value.
 */
final class TransactionCsvReader {

    /**
     * @param columns         the transactions, customer = index into {@code customerIds}
     * @param customerIds     the ids as written in the file (a float id like 17850.0 without its .0)
     * @param rows            data rows read
     * @param skippedBlankCustomer rows skipped because the customer id was blank (guest purchases)
     */
    record Transactions(TransactionColumns columns, List<String> customerIds, long rows, long skippedBlankCustomer) {

        int customerCount() {
            return customerIds.size();
        }

        LocalDate lastDay() {
            long max = Long.MIN_VALUE;
            for (long d : columns.epochDay()) {
                max = Math.max(max, d);
            }
            return LocalDate.ofEpochDay(max);
        }
    }

    private TransactionCsvReader() {}

    static Transactions read(Path file, TransactionCsvOptions options, ProgressMeter progress) throws IOException {
        long size = Files.size(file);
        var dates = TransactionDates.of(options.dateFormat, options.zone);
        var format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setDelimiter(options.delimiter).setIgnoreEmptyLines(true).setTrim(true).get();
        try (var counting = new CountingStream(Files.newInputStream(file));
             var in = file.getFileName().toString().endsWith(".gz")
                     ? new GZIPInputStream(new BufferedInputStream(counting, 1 << 16), 1 << 16)
                     : new BufferedInputStream(counting, 1 << 16);
             var parser = CSVParser.builder().setReader(new InputStreamReader(in, StandardCharsets.UTF_8)).setFormat(format).get()) {
            var header = parser.getHeaderNames();
            if (header.isEmpty()) {
                throw new FailureMessage.CommandFailure(file + " is empty: expected a header row and transactions");
            }
            int customerAt = column(file, header, options.customerColumn, "--customer-col");
            int dateAt = column(file, header, options.dateColumn, "--date-col");
            var amountName = options.amountColumn();
            int amountAt = amountName.map(n -> column(file, header, n, "--amount-col")).orElse(-1);
            int quantityAt = amountName.isPresent() ? -1 : column(file, header, options.quantityColumn, "--quantity-col");
            int priceAt = amountName.isPresent() ? -1 : column(file, header, options.priceColumn, "--price-col");

            var ids = new HashMap<String, Integer>();
            var idList = new ArrayList<String>();
            var customer = new IntColumn();
            var day = new LongColumn();
            var amount = new DoubleColumn();
            long skipped = 0;
            long rows = 0;
            for (CSVRecord record : parser) {
                rows++;
                long row = record.getRecordNumber() + 1;
                if (record.size() < header.size() && !record.isConsistent()) {
                    throw new FailureMessage.CommandFailure(file + ": row " + row + " has " + record.size()
                            + " fields, the header has " + header.size());
                }
                String id = record.get(customerAt);
                if (id.isEmpty()) {
                    skipped++;
                    continue;
                }
                id = withoutZeroFraction(id);
                Integer index = ids.get(id);
                if (index == null) {
                    index = idList.size();
                    ids.put(id, index);
                    idList.add(id);
                }
                customer.add(index);
                String dateText = record.get(dateAt);
                try {
                    day.add(dates.epochDay(dateText));
                } catch (DateTimeParseException e) {
                    throw new FailureMessage.CommandFailure(file + ": row " + row + ", column " + header.get(dateAt)
                            + ": '" + dateText + "' is not " + dates.description() + " (see --date-format)");
                }
                double value = amountAt >= 0
                        ? number(file, row, header.get(amountAt), record.get(amountAt))
                        : number(file, row, header.get(quantityAt), record.get(quantityAt))
                                * number(file, row, header.get(priceAt), record.get(priceAt));
                amount.add(value);
                if ((rows & 0xFFFF) == 0) {
                    progress.update(counting.count, size);
                }
            }
            progress.update(size, size);
            if (customer.size == 0) {
                throw new FailureMessage.CommandFailure(file + " has no transactions"
                        + (skipped > 0 ? " with a customer id (" + skipped + " rows have a blank " + header.get(customerAt) + ")" : ""));
            }
            var columns = new TransactionColumns(customer.toArray(), day.toArray(), amount.toArray());
            return new Transactions(columns, List.copyOf(idList), rows, skipped);
        } catch (UncheckedIOException e) {
            // Commons CSV reports malformed quoting as an unchecked exception naming the position.
            throw new FailureMessage.CommandFailure(file + ": " + e.getCause().getMessage());
        } catch (NoSuchFileException e) {
            throw new FailureMessage.CommandFailure("cannot read " + file + ": no such file");
        }
    }

    private static int column(Path file, List<String> header, String name, String option) {
        int at = header.indexOf(name);
        if (at < 0) {
            throw new FailureMessage.CommandFailure(file + ": no column '" + name + "' (" + option + "); the header has: "
                    + String.join(", ", header));
        }
        return at;
    }

    private static double number(Path file, long row, String column, String text) {
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FailureMessage.CommandFailure(file + ": row " + row + ", column " + column + ": '" + text + "' is not a number");
    }

    /** Spreadsheets and Spark write integer ids as floats (17850.0); the id is 17850. */
    static String withoutZeroFraction(String id) {
        int dot = id.indexOf('.');
        if (dot <= 0) {
            return id;
        }
        for (int i = 0; i < dot; i++) {
            if (!Character.isDigit(id.charAt(i))) {
                return id;
            }
        }
        for (int i = dot + 1; i < id.length(); i++) {
            if (id.charAt(i) != '0') {
                return id;
            }
        }
        return id.length() == dot + 1 ? id : id.substring(0, dot);
    }

    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    static final class IntColumn {
        int[] data = new int[1 << 12];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    static final class LongColumn {
        long[] data = new long[1 << 12];
        int size;

        void add(long v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    static final class DoubleColumn {
        double[] data = new double[1 << 12];
        int size;

        void add(double v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
