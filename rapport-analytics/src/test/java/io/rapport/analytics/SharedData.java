package io.rapport.analytics;

import io.rapport.analytics.summary.TransactionColumns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Test access to the shared evaluation data (never copied into the repository): surefire sets
 * RAPPORT_SHARED_DATA; from the module directory the default relative path also works.
 */
public final class SharedData {

    /** The 39-week calibration end and the 78-week observation end used by Fader, Hardie &amp; Lee (2005). */
    public static final LocalDate CDNOW_CALIBRATION_END = LocalDate.of(1997, 9, 30);
    public static final LocalDate CDNOW_OBSERVATION_END = LocalDate.of(1998, 6, 30);

    private SharedData() {
    }

    public static Path dir() {
        return Path.of(System.getenv().getOrDefault("RAPPORT_SHARED_DATA", "../../shared/data"));
    }

    public static List<String> lines(String relative) {
        try {
            return Files.readAllLines(dir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shared data file " + dir().resolve(relative), e);
        }
    }

    /** The CDNOW 1/10 sample: customer index = sample id - 1 (2,357 customers). */
    public static TransactionColumns cdnowSampleTransactions() {
        List<String> rows = lines("cdnow/CDNOW_sample.txt").stream().filter(l -> !l.isBlank()).toList();
        int n = rows.size();
        int[] customer = new int[n];
        long[] day = new long[n];
        double[] amount = new double[n];
        var format = DateTimeFormatter.BASIC_ISO_DATE;
        for (int i = 0; i < n; i++) {
            String[] f = rows.get(i).trim().split("\\s+");
            customer[i] = Integer.parseInt(f[1]) - 1;
            day[i] = LocalDate.parse(f[2], format).toEpochDay();
            amount[i] = Double.parseDouble(f[4]);
        }
        return new TransactionColumns(customer, day, amount);
    }

    /** cdnow_customers_summary_with_transactions.csv as columns x, t_x, T, zbar (index = ID - 1). */
    public static CdnowSummary cdnowSummary() {
        List<String> rows = lines("cdnow/cdnow_customers_summary_with_transactions.csv").stream()
                .skip(1).filter(l -> !l.isBlank()).toList();
        int n = rows.size();
        var s = new CdnowSummary(new double[n], new double[n], new double[n], new double[n]);
        for (String row : rows) {
            String[] f = row.trim().split(",");
            int i = Integer.parseInt(f[0]) - 1;
            s.x()[i] = Double.parseDouble(f[1]);
            s.tx()[i] = Double.parseDouble(f[2]);
            s.T()[i] = Double.parseDouble(f[3]);
            s.zbar()[i] = Double.parseDouble(f[4]);
        }
        return s;
    }

    public record CdnowSummary(double[] x, double[] tx, double[] T, double[] zbar) {
        public int size() {
            return x.length;
        }
    }
}
