package io.rapport.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Records find their customer by any identifier; a record that links two profiles merges them. */
abstract class IdentityResolutionTests extends ServerTest {

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";
    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    private long customerByEmail(String email) {
        JsonNode hits = admin().get("/api/v1/customers?q=" + email).json().get("hits");
        assertThat(hits).as("customers with " + email).hasSize(1);
        return hits.get(0).get("id").asLong();
    }

    private JsonNode postEvents(Object events) {
        var response = admin().postJson("/api/v1/events", events);
        assertThat(response.status()).as(response.body()).isIn(200, 207);
        return response.json();
    }

    @Test
    void should_recognise_one_person_whatever_way_the_phone_or_email_is_written() {
        String tag = source;
        importFile("customers", "native", "c.csv", (CUSTOMERS
                + "A1,M-" + tag + ",王芳,F,1990-04-01,上海,Wang.Fang." + tag + "@Example.com,138 0000 " + tag.hashCode() % 10000
                + ",2024-01-01T00:00:00Z,Asia/Shanghai\n").getBytes(StandardCharsets.UTF_8));
        long id = customerByEmail("wang.fang." + tag + "@example.com");
        var result = postEvents(Map.of("external_id", "e1-" + tag, "type", "product_view",
                "occurred_at", "2025-05-01T08:00:00Z", "email", "  WANG.FANG." + tag.toUpperCase() + "@EXAMPLE.COM ",
                "properties", Map.of("sku", "WP-100")));
        assertThat(result.get("accepted").asInt()).isEqualTo(1);
        Integer events = db.fetchOne("select event_count from customer_summary where customer_id = ?", id)
                .get(0, Integer.class);
        assertThat(events).isEqualTo(1);
    }

    @Test
    void should_merge_two_customers_when_an_event_links_them_and_move_their_history_to_the_older_profile() {
        String e1 = "first." + source + "@example.com";
        String e2 = "second." + source + "@example.com";
        importFile("orders", "native", "o.csv", (ORDERS
                + "A-" + source + ",1,,"+ e1 + ",,shop,,2025-01-01T10:00:00Z,SKU-1,1,100,0,,CNY,sale,\n"
                + "B-" + source + ",1,," + e2 + ",,app,,2025-02-01T10:00:00Z,SKU-2,2,50,0,,CNY,sale,\n"
                + "C-" + source + ",1,," + e2 + ",,app,,2025-02-01T12:00:00Z,SKU-3,1,30,0,,CNY,sale,\n")
                .getBytes(StandardCharsets.UTF_8));
        long older = customerByEmail(e1);
        long newer = customerByEmail(e2);
        assertThat(older).isLessThan(newer);

        postEvents(List.of(Map.of("external_id", "link-" + source, "type", "account_link",
                "occurred_at", "2025-03-01T00:00:00Z", "email", e2, "member_no", "M" + source),
                Map.of("external_id", "link2-" + source, "type", "account_link",
                        "occurred_at", "2025-03-02T00:00:00Z", "email", e1, "member_no", "M" + source)));

        JsonNode survivor = admin().get("/api/v1/customers/" + older).json();
        assertThat(survivor.get("summary").get("orderCount").asInt()).isEqualTo(3);
        assertThat(survivor.get("summary").get("purchaseDays").asInt()).isEqualTo(2);
        assertThat(survivor.get("summary").get("totalSpend").decimalValue()).isEqualByComparingTo("230");
        assertThat(survivor.get("summary").get("eventCount").asInt()).isEqualTo(2);
        assertThat(survivor.get("merges")).hasSize(1);
        assertThat(survivor.get("merges").get(0).get("mergedId").asLong()).isEqualTo(newer);
        assertThat(survivor.get("merges").get(0).get("reason").asString()).contains("member_no");

        JsonNode merged = admin().get("/api/v1/customers/" + newer).json();
        assertThat(merged.get("profile").get("id").asLong()).as("a merged id leads to the survivor").isEqualTo(older);
        assertThat(db.fetchCount(db.selectFrom("ingest_order").where("customer_id = ?", newer))).isZero();
        assertThat(db.fetchCount(db.selectFrom("customer_identity").where("customer_id = ?", older))).isEqualTo(3);
        assertThat(SummaryRecomputation.stored(db, older)).isEqualTo(SummaryRecomputation.recomputed(db, older));
        assertThat(admin().get("/api/v1/customers/" + older + "/timeline").json().get("total").asLong()).isEqualTo(5);
    }

    @Test
    void should_attach_a_shared_device_without_merging_the_people_who_use_it() {
        String e1 = "dev1." + source + "@example.com";
        String e2 = "dev2." + source + "@example.com";
        importFile("customers", "native", "c.csv", (CUSTOMERS
                + "D1-" + source + ",,,,,," + e1 + ",,,\n"
                + "D2-" + source + ",,,,,," + e2 + ",,,\n").getBytes(StandardCharsets.UTF_8));
        long one = customerByEmail(e1);
        long two = customerByEmail(e2);
        postEvents(List.of(
                Map.of("external_id", "d1-" + source, "type", "app_open", "occurred_at", "2025-03-01T00:00:00Z",
                        "email", e1, "device_id", "dev-" + source),
                Map.of("external_id", "d2-" + source, "type", "app_open", "occurred_at", "2025-03-01T01:00:00Z",
                        "email", e2, "device_id", "dev-" + source)));
        assertThat(admin().get("/api/v1/customers/" + two).json().get("profile").get("id").asLong()).isEqualTo(two);
        assertThat(admin().get("/api/v1/customers/" + one).json().get("merges")).isEmpty();
    }

    @Test
    void should_keep_records_without_any_identifier_as_anonymous_and_never_invent_a_customer() {
        long before = db.fetchCount(db.selectFrom("customer_profile"));
        JsonNode job = importFile("orders", "native", "guest.csv", (ORDERS
                + "G-" + source + ",1,,,,store,SH01,2025-01-01T10:00:00Z,SKU-1,1,100,0,,CNY,sale,\n"
                + "G-" + source + ",2,,,,store,SH01,2025-01-01T10:00:00Z,SKU-2,1,10,0,,CNY,sale,\n")
                .getBytes(StandardCharsets.UTF_8)).json();
        assertThat(job.get("accepted").asLong()).isEqualTo(2);
        assertThat(job.get("anonymous").asLong()).isEqualTo(2);
        assertThat(db.fetchCount(db.selectFrom("customer_profile"))).isEqualTo(before);
        assertThat(db.fetchCount(db.selectFrom("ingest_order").where("source = ? and customer_id is null", source)))
                .isEqualTo(1);
    }
}

@OnH2
class IdentityResolutionOnH2Test extends IdentityResolutionTests {}

@OnPostgres
class IdentityResolutionOnPostgresTest extends IdentityResolutionTests {}
