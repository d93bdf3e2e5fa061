package io.rapport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.ServerTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `rapport import` uploads a file to a real running server, follows the job and reports its counts. */
abstract class CliImportTests extends ServerTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run rapport(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = RapportCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void should_import_a_file_into_the_server_and_report_the_counts() throws Exception {
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, "order_id,line_no,customer_id,ordered_at,sku,quantity,unit_price,currency\n"
                + "X1,1,C1,2025-01-01T00:00:00Z,SKU-1,1,10,CNY\n"
                + "X1,2,C1,2025-01-01T00:00:00Z,SKU-2,2,5,CNY\n"
                + "X2,1,C2,not-a-date,SKU-1,1,10,CNY\n");
        Run run = rapport("import", "--url", "http://localhost:" + port, "--user", "admin", "--password",
                ADMIN_PASSWORD, "--kind", "orders", "--source", source, "-q", file.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("done: read 3, accepted 2 (0 anonymous), duplicates 0, rejected 1")
                .contains("/errors.csv");
        assertThat(db.fetchCount(db.selectFrom("ingest_order_line").where("source = ?", source))).isEqualTo(2);

        Run again = rapport("import", "--url", "http://localhost:" + port, "--user", "admin", "--password",
                ADMIN_PASSWORD, "--kind", "orders", "--source", source, "-q", file.toString());
        assertThat(again.out()).contains("accepted 0 (0 anonymous), duplicates 2, rejected 1");
    }

    @Test
    void should_say_clearly_when_the_server_refuses_or_cannot_be_reached() throws Exception {
        Path file = dir.resolve("c.csv");
        Files.writeString(file, "customer_id\nA\n");
        Run refused = rapport("import", "--url", "http://localhost:" + port, "--user", "admin", "--password",
                "wrong-password", "--kind", "customers", file.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("401");
        Run badKind = rapport("import", "--url", "http://localhost:" + port, "--user", "admin", "--password",
                ADMIN_PASSWORD, "--kind", "invoices", file.toString());
        assertThat(badKind.exit()).isEqualTo(1);
        assertThat(badKind.err()).contains("No import format for kind 'invoices'");
        Run noSignIn = rapport("import", "--url", "http://localhost:" + port, "--kind", "customers", file.toString());
        assertThat(noSignIn.exit()).isEqualTo(2);
        assertThat(noSignIn.err()).contains("--api-key");
    }
}

@OnH2
class CliImportOnH2Test extends CliImportTests {}
