package io.rapport.testing;

import java.util.UUID;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** A private in-memory H2 database per Spring test context. */
public class H2Database implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String name = "rapport_" + UUID.randomUUID().toString().replace("-", "");
        TestPropertyValues.of(
                "spring.datasource.url=jdbc:h2:mem:" + name
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "spring.datasource.username=sa",
                "spring.datasource.password=",
                "spring.jooq.sql-dialect=H2",
                "rapport.test.database=h2").applyTo(context);
    }
}
