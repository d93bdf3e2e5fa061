package io.rapport.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A bulk import refreshes the planner statistics of the tables it filled (PostgreSQL, where autovacuum may be late or
 * off), so the first reads after it use the indexes; a small import leaves them to autovacuum.
 */
@OnPostgres
class ImportAnalyseOnPostgresTest extends ServerTest {

    @Test
    void should_analyse_the_tables_a_bulk_import_filled_and_leave_a_small_one_to_autovacuum() {
        long before = analyses("customer_identity");
        long profilesBefore = analyses("customer_profile");
        assertThat(importFile("customers", "native", "small.csv", customers("s", 10)).status()).isLessThan(300);
        assertThat(analyses("customer_identity")).as("10 rows: nothing analysed").isEqualTo(before);
        assertThat(analyses("customer_profile")).isEqualTo(profilesBefore);

        int rows = (int) ImportJobs.ANALYSE_AFTER;
        assertThat(importFile("customers", "native", "bulk.csv", customers("b", rows)).status()).isLessThan(300);
        assertThat(analyses("customer_identity")).as("a bulk import analyses the identities").isEqualTo(before + 1);
        assertThat(analyses("customer_profile")).as("and the profiles").isEqualTo(profilesBefore + 1);
    }

    byte[] customers(String prefix, int count) {
        StringBuilder csv = new StringBuilder("customer_id,name,email\n");
        for (int i = 0; i < count; i++) {
            csv.append(prefix).append(i).append(",Analyse ").append(i).append(',').append(prefix).append(i)
                    .append('-').append(source).append("@example.com\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    long analyses(String table) {
        return db.fetchValue("select analyze_count from pg_stat_user_tables where schemaname = current_schema() "
                + "and relname = ?", table) instanceof Number n ? n.longValue() : -1;
    }
}
