package io.rapport.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** A fresh schema in the local PostgreSQL per Spring test context, dropped when the test JVM exits. */
public class PostgresDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String schema = "rapport_test_" + System.currentTimeMillis() + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        try (Connection c = DriverManager.getConnection(SERVER, USER, "");
             Statement s = c.createStatement()) {
            s.execute("create schema " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + SERVER + " is not reachable: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(schema)));
        TestPropertyValues.of(
                "spring.datasource.url=" + SERVER + "?currentSchema=" + schema + "&reWriteBatchedInserts=true",
                "spring.datasource.username=" + USER,
                "spring.datasource.password=",
                "spring.flyway.schemas=" + schema,
                "spring.jooq.sql-dialect=POSTGRES",
                "rapport.test.database=postgres").applyTo(context);
    }

    private static void drop(String schema) {
        try (Connection c = DriverManager.getConnection(SERVER, USER, "");
             Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException ignored) {
            // the server went away first; the schema name is unique, so nothing else reuses it
        }
    }
}
