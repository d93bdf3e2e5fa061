package io.rapport.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * A Rapport server in a JVM of its own, so a test can kill it with {@code kill -9} and start it again over a database
 * that outlives it: an H2 file or a PostgreSQL schema ({@link Database}).
 */
public final class ServerProcess {

    private ServerProcess() {}

    /** Starts the command, its output in {@code dir/server-*.log}, and waits until the server answers its health check. */
    public static Process start(List<String> command, Path dir, int port) throws IOException, InterruptedException {
        Path log = dir.resolve("server-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
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
                throw new IllegalStateException("server exited: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("server did not start: " + Files.readString(log));
    }

    /** The database a server process runs on: its command-line arguments, and counting from the test. */
    public interface Database {

        List<String> arguments();

        /** The single number a query such as {@code select count(*) ...} answers. */
        long count(String sql) throws Exception;

        /** Removes what the database left behind (the PostgreSQL schema; an H2 file goes with its folder). */
        default void drop() throws Exception {}

        static Database h2(Path dir) {
            String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
            return new Database() {
                @Override
                public List<String> arguments() {
                    return List.of("--spring.datasource.url=" + url);
                }

                @Override
                public long count(String sql) throws Exception {
                    try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                        return single(c, sql);
                    }
                }
            };
        }

        /** A fresh schema named after the prefix in the local PostgreSQL. */
        static Database postgres(String prefix) {
            String schema = prefix + "_" + System.currentTimeMillis();
            String url = PostgresDatabase.SERVER + "?currentSchema=" + schema;
            return new Database() {
                @Override
                public List<String> arguments() {
                    execute("create schema if not exists " + schema);
                    return List.of("--spring.profiles.active=postgres", "--spring.datasource.url=" + url,
                            "--spring.flyway.schemas=" + schema);
                }

                @Override
                public long count(String sql) throws Exception {
                    try (Connection c = DriverManager.getConnection(url, PostgresDatabase.USER, "")) {
                        return single(c, sql);
                    }
                }

                @Override
                public void drop() {
                    execute("drop schema if exists " + schema + " cascade");
                }
            };
        }

        private static void execute(String sql) {
            try (Connection c = DriverManager.getConnection(PostgresDatabase.SERVER, PostgresDatabase.USER, "");
                 Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static long single(Connection connection, String sql) throws Exception {
            try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
