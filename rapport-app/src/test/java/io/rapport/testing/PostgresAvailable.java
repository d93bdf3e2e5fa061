package io.rapport.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips PostgreSQL tests on a machine without PostgreSQL, except in CI where a missing database is a failure. */
public class PostgresAvailable implements ExecutionCondition {

    private static volatile Boolean reachable;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (reachable == null) {
            try (Connection c = DriverManager.getConnection(PostgresDatabase.SERVER, PostgresDatabase.USER, "")) {
                reachable = c.isValid(2);
            } catch (SQLException e) {
                reachable = false;
            }
        }
        if (reachable) {
            return ConditionEvaluationResult.enabled("PostgreSQL is reachable");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI=true: PostgreSQL must be reachable, so let the test fail");
        }
        return ConditionEvaluationResult.disabled("PostgreSQL at " + PostgresDatabase.SERVER + " is not reachable");
    }
}
