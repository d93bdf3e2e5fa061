package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Retention per data kind: the dry run changes nothing, the run deletes old events and erases inactive customers. */
// A retention run touches every customer and event in the database: a database of its own.
@TestPropertySource(properties = "rapport.test.context=retention")
abstract class RetentionTests extends ServerTest {

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";
    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    long customer(String tag, String registered, String ordered, String eventAt) {
        String email = tag + "." + source + "@example.com";
        importFile("customers", "native", "c.csv", (CUSTOMERS + tag + "-" + source + ",,Ren " + tag + ",M,,,"
                + email + ",," + registered + ",\n").getBytes(StandardCharsets.UTF_8));
        importFile("orders", "native", "o.csv", (ORDERS + "O-" + tag + "-" + source + ",1," + tag + "-" + source
                + ",,,shop,," + ordered + ",SKU-1,1,50,0,,CNY,sale,\n").getBytes(StandardCharsets.UTF_8));
        admin().postJson("/api/v1/events", Map.of("external_id", "e-" + tag + "-" + source, "type", "page_view",
                "occurred_at", eventAt, "email", email));
        return admin().get("/api/v1/customers?q=" + email).json().get("hits").get(0).get("id").asLong();
    }

    JsonNode line(JsonNode report, String kind) {
        for (JsonNode line : report.get("lines")) {
            if (line.get("kind").asString().equals(kind)) {
                return line;
            }
        }
        throw new AssertionError("no line for " + kind + " in " + report);
    }

    long events(long customer) {
        return db.fetchCount(DSL.table("ingest_event"), DSL.field("customer_id").eq(customer));
    }

    @Test
    void should_report_in_a_dry_run_and_delete_old_events_and_erase_inactive_customers_in_a_run() {
        long old = customer("old", "2014-03-01T00:00:00Z", "2015-06-01T04:00:00Z", "2015-06-02T10:00:00Z");
        long recent = customer("new", "2024-03-01T00:00:00Z", "2025-06-01T04:00:00Z", "2025-10-02T10:00:00Z");
        BigDecimal revenue = db.select(DSL.sum(DSL.field("net_amount", BigDecimal.class)))
                .from(DSL.table("ingest_order_line")).fetchOne(0, BigDecimal.class);

        JsonNode dry = user(false, "auditor").get("/api/v1/privacy/retention").json();
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(line(dry, "events").get("period").asString()).isEqualTo("P24M");
        assertThat(line(dry, "events").get("items").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(line(dry, "inactive-customers").get("items").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(events(old)).as("a dry run changes nothing").isEqualTo(1);
        assertThat(admin().get("/api/v1/customers/" + old).json().get("profile").get("status").asString())
                .isEqualTo("active");

        Http.Response run = admin().postJson("/api/v1/privacy/retention/run", "");
        assertThat(run.status()).isEqualTo(200);
        assertThat(line(run.json(), "events").get("items").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(events(old)).isZero();
        assertThat(events(recent)).isEqualTo(1);
        JsonNode erased = admin().get("/api/v1/customers/" + old).json();
        assertThat(erased.get("profile").get("status").asString()).isEqualTo("erased");
        assertThat(erased.get("identities").size()).isZero();
        assertThat(admin().get("/api/v1/customers/" + recent).json().get("profile").get("status").asString())
                .isEqualTo("active");
        assertThat(db.select(DSL.sum(DSL.field("net_amount", BigDecimal.class))).from(DSL.table("ingest_order_line"))
                .fetchOne(0, BigDecimal.class)).isEqualByComparingTo(revenue);
        assertThat(db.fetchCount(DSL.table("privacy_audit"), DSL.field("action").eq("retention.run"))).isEqualTo(1);

        JsonNode after = admin().get("/api/v1/privacy/retention").json();
        assertThat(line(after, "inactive-customers").get("items").asLong()).as("nothing left to do").isZero();
        assertThat(user(false, "auditor").postJson("/api/v1/privacy/retention/run", "").status()).isEqualTo(403);
    }
}

@OnH2
class RetentionOnH2Test extends RetentionTests {}

@OnPostgres
class RetentionOnPostgresTest extends RetentionTests {}
