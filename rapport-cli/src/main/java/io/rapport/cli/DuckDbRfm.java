package io.rapport.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The reference `rapport bench` compares with: DuckDB in-process (JDBC), reading the same CSV
 * with read_csv and computing the same RFM as {@code RfmScorer} on a summary — purchase days
 * (returns netted on their day, a return-only day is no purchase, a day is worth at least 0),
 * recency in days to the as-of day, frequency = purchase days, monetary = total spend — with
 * NTILE(5) scores. NTILE splits ties by position where Rapport keeps equal values together, so
 * the scores may differ at the cut points; the per-customer R, F and M must agree.
 */
final class DuckDbRfm {

    /**
     * @param customers      customers with a purchase
     * @param purchaseDays   Σ frequency, to check against Rapport
     * @param spend          Σ monetary
     */
    record Result(String version, long customers, long purchaseDays, double spend, long nanos) {}

    private DuckDbRfm() {}

    /** Empty when the DuckDB driver is not on the class path. */
    static Optional<Result> run(Path csv, String customerColumn, String dateColumn, String amountColumn, LocalDate asOf)
            throws SQLException {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); var s = c.createStatement()) {
            String version;
            try (var r = s.executeQuery("SELECT version()")) {
                r.next();
                version = r.getString(1);
            }
            String file = csv.toAbsolutePath().toString().replace("'", "''");
            String sql = """
                    CREATE TABLE rfm AS
                    WITH t AS (
                        SELECT "%2$s" AS customer_id, CAST("%3$s" AS DATE) AS day, "%4$s" AS amount
                        FROM read_csv('%1$s', header = true,
                                      types = {'%2$s': 'VARCHAR', '%3$s': 'TIMESTAMP', '%4$s': 'DOUBLE'})),
                    days AS (
                        SELECT customer_id, day, greatest(sum(amount), 0) AS value, bool_or(amount >= 0) AS bought
                        FROM t WHERE day <= DATE '%5$s' GROUP BY customer_id, day),
                    c AS (
                        SELECT customer_id, date_diff('day', max(day), DATE '%5$s') AS recency_days,
                               count(*) AS frequency, sum(value) AS monetary
                        FROM days WHERE bought GROUP BY customer_id)
                    SELECT *, ntile(5) OVER (ORDER BY recency_days DESC) AS r_score,
                              ntile(5) OVER (ORDER BY frequency) AS f_score,
                              ntile(5) OVER (ORDER BY monetary) AS m_score
                    FROM c
                    """.formatted(file, customerColumn, dateColumn, amountColumn, asOf);
            long started = System.nanoTime();
            s.execute(sql);
            long nanos = System.nanoTime() - started;
            try (var r = s.executeQuery("SELECT count(*), sum(frequency), sum(monetary) FROM rfm")) {
                r.next();
                return Optional.of(new Result(version, r.getLong(1), r.getLong(2), r.getDouble(3), nanos));
            }
        }
    }
}
