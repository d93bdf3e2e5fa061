package io.rapport.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ContextConfiguration;

/**
 * Runs the annotated test class against the real PostgreSQL at 127.0.0.1:5432 (database {@code test}), in a schema
 * of its own for this test run. Without a reachable PostgreSQL the class is skipped locally and fails in CI
 * ({@code CI=true}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PostgresAvailable.class)
@ContextConfiguration(initializers = PostgresDatabase.class)
public @interface OnPostgres {}
