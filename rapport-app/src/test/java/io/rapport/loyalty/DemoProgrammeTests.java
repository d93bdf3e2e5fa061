package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The demo profile starts with a running programme: members earning from the demo orders, rewards redeemed, tiers. */
@TestPropertySource(properties = {"rapport.test.context=loyalty-demo", "rapport.demo.enabled=true",
        "rapport.demo.customers=400"})
abstract class DemoProgrammeTests extends ServerTest {

    @Autowired
    Points points;
    @Autowired
    Programme programme;

    @Test
    void should_start_the_demo_with_a_running_programme() {
        assertThat(programme.settings().tasks()).extracting(ProgrammeSettings.Task::code).contains("app-streak-7");
        JsonNode liability = admin().get("/api/v1/loyalty/reports/liability").json();
        assertThat(liability.get("members").asLong()).isGreaterThan(100);
        assertThat(liability.get("availablePoints").asLong()).isPositive();
        assertThat(db.fetchCount(table("loyalty_coupon"))).as("members redeemed rewards").isPositive();
        assertThat(db.fetchCount(table("loyalty_ledger"), field("kind", String.class).eq("task")))
                .as("app streaks and reviews completed tasks").isPositive();
        JsonNode tiers = admin().get("/api/v1/loyalty/reports/tiers").json().get("distribution");
        assertThat(tiers.get("gold").asLong() + tiers.get("black").asLong()).as("some members above silver").isPositive();
        List<Long> sample = db.select(field("customer_id", Long.class)).from(table("loyalty_member"))
                .orderBy(field("customer_id")).limit(50).fetch(0, Long.class);
        for (long id : sample) {
            assertThat(points.cached(id)).as("member " + id).isEqualTo(points.ledgerSums(id));
            assertThat(points.lotRemaining(id)).isEqualTo(points.cached(id).points());
        }
    }
}

@OnH2
class DemoProgrammeOnH2Test extends DemoProgrammeTests {}

@OnPostgres
class DemoProgrammeOnPostgresTest extends DemoProgrammeTests {}
