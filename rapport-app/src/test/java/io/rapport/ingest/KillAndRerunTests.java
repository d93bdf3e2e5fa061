package io.rapport.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.PostgresAvailable;
import io.rapport.testing.PostgresDatabase;
import io.rapport.testing.SharedData;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real server process is killed with SIGKILL in the middle of importing the first six months of UCI Online Retail
 * (209,029 rows, 10,783 invoices, 2,767 customers); the restarted server resumes the job by itself, and in the end
 * every row is stored exactly once.
 */
abstract class KillAndRerunTests {

    static final String PASSWORD = "kill-test-password";

    @TempDir
    Path dir;

    /** JDBC settings of the database the server processes share. */
    abstract List<String> databaseArguments();

    /** Runs SQL against that database (after the server has stopped). */
    abstract long count(String sql) throws Exception;

    @Test
    void should_lose_no_accepted_row_and_count_none_twice_when_the_server_is_killed_mid_import() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process server = start(port);
        long job;
        try {
            Http admin = Http.basic(port, "admin", PASSWORD);
            byte[] file = Files.readAllBytes(SharedData.file("online_retail_2010-12_to_2011-05.csv"));
            var submitted = admin.postFile("/api/v1/imports", "retail.csv", file,
                    Map.of("kind", "orders", "preset", "uci-online-retail", "source", "uci"));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            job = submitted.json().get("id").asLong();
            JsonNode progress = admin.get("/api/v1/imports/" + job).json();
            for (int i = 0; i < 3000 && progress.get("rowsRead").asLong() < 20_000; i++) {
                Thread.sleep(100);
                progress = admin.get("/api/v1/imports/" + job).json();
            }
            assertThat(progress.get("status").asString()).as("killed while running").isEqualTo("running");
        } finally {
            server.destroyForcibly().waitFor();
        }

        Process restarted = start(port);
        try {
            Http admin = Http.basic(port, "admin", PASSWORD);
            JsonNode result = admin.get("/api/v1/imports/" + job).json();
            for (int i = 0; i < 6000 && !List.of("done", "failed", "incomplete").contains(result.get("status").asString()); i++) {
                Thread.sleep(100);
                result = admin.get("/api/v1/imports/" + job).json();
            }
            assertThat(result.get("status").asString()).isEqualTo("done");
            assertThat(result.get("accepted").asLong() + result.get("duplicates").asLong()).isEqualTo(209_029);
            assertThat(result.get("duplicates").asLong()).as("rows committed before the kill").isPositive();
        } finally {
            restarted.destroy();
            restarted.waitFor();
        }
        assertThat(count("select count(*) from ingest_order_line where source = 'uci'")).isEqualTo(209_029);
        assertThat(count("select count(*) from ingest_order where source = 'uci'")).isEqualTo(10_783);
        assertThat(count("select count(*) from customer_profile where status = 'active'")).isEqualTo(2_767);
        assertThat(count("select sum(order_count) from customer_summary"))
                .isEqualTo(count("select count(*) from ingest_order where kind = 'sale' and customer_id is not null"));
    }

    private Process start(int port) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.rapport.RapportApplication",
                "--server.port=" + port, "--rapport.currency=GBP", "--rapport.admin.password=" + PASSWORD,
                "--rapport.upload-dir=" + dir.resolve("uploads"), "--logging.level.root=warn"));
        command.addAll(databaseArguments());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server-" + System.nanoTime() + ".log").toFile()).start();
        Http anonymous = Http.anonymous(port);
        for (int i = 0; i < 1200; i++) {
            try {
                if (anonymous.get("/actuator/health").status() == 200) {
                    return process;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(latestLog()));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server did not start");
    }

    private Path latestLog() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("server-")).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    static long single(Connection connection, String sql) throws Exception {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}

class KillAndRerunOnH2Test extends KillAndRerunTests {

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    @Override
    List<String> databaseArguments() {
        return List.of("--spring.datasource.url=" + url());
    }

    @Override
    long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "sa", "")) {
            return single(c, sql);
        }
    }
}

@ExtendWith(PostgresAvailable.class)
class KillAndRerunOnPostgresTest extends KillAndRerunTests {

    private final String schema = "rapport_kill_" + System.currentTimeMillis();

    @Override
    List<String> databaseArguments() {
        try (Connection c = DriverManager.getConnection(PostgresDatabase.SERVER, PostgresDatabase.USER, "");
             Statement s = c.createStatement()) {
            s.execute("create schema if not exists " + schema);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return List.of("--spring.profiles.active=postgres",
                "--spring.datasource.url=" + PostgresDatabase.SERVER + "?currentSchema=" + schema,
                "--spring.flyway.schemas=" + schema);
    }

    @Override
    long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresDatabase.SERVER + "?currentSchema=" + schema,
                PostgresDatabase.USER, "")) {
            long n = single(c, sql);
            return n;
        }
    }

    @org.junit.jupiter.api.AfterEach
    void drop() throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresDatabase.SERVER, PostgresDatabase.USER, "");
             Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        }
    }
}
