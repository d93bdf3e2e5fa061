package io.rapport.loyalty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Base of loyalty integration tests: the real server with a clock the test can move (return windows, expiry, review
 * dates), customers and orders imported the way a brand imports them, and the programme reset to defaults after each
 * test.
 */
@Import(MutableClock.Config.class)
@TestPropertySource(properties = "rapport.test.context=loyalty")
abstract class LoyaltyTest extends ServerTest {

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";
    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    @Autowired
    MutableClock clock;
    @Autowired
    Programme programme;
    @Autowired
    Points points;

    private int customers;

    @AfterEach
    void resetProgrammeAndClock() {
        clock.reset();
        programme.update(ProgrammeSettings.defaults(), "test");
    }

    String email(String name) {
        return name + "." + source + "@example.com";
    }

    /** Imports a customer (optional birthday yyyy-MM-dd and time zone) and returns the id. */
    long customer(String name, String birthday, String timeZone) {
        customers++;
        String csv = CUSTOMERS + source + "-" + name + ",," + name + ",,"
                + (birthday == null ? "" : birthday) + ",," + email(name) + ",,," + (timeZone == null ? "" : timeZone)
                + "\n";
        JsonNode job = importFile("customers", "native", "c" + customers + ".csv", csv.getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
        JsonNode hits = admin().get("/api/v1/customers?q=" + email(name)).json().get("hits");
        assertThat(hits).hasSize(1);
        return hits.get(0).get("id").asLong();
    }

    long member(String name) {
        long id = customer(name, null, null);
        Http.Response enrolled = admin().postJson("/api/v1/loyalty/members", Map.of("customerId", id));
        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
        return id;
    }

    /** One order line of the customer {@code name}: quantity 1 at {@code price}, sale unless kind says otherwise. */
    String line(String orderId, int lineNo, String name, Instant at, String sku, String price, String coupon,
                String kind, String original) {
        int quantity = "sale".equals(kind) ? 1 : -1;
        return orderId + "," + lineNo + ",," + email(name) + ",,shop,," + at + "," + sku + "," + quantity + "," + price
                + ",0,"
                + (coupon == null ? "" : coupon) + ",CNY," + kind + "," + (original == null ? "" : original) + "\n";
    }

    String sale(String orderId, String name, Instant at, String price) {
        return line(orderId, 1, name, at, "SKU-1", price, null, "sale", null);
    }

    /** A return of one unit of SKU-1 at {@code price} from {@code original}. */
    String refund(String orderId, String name, Instant at, String price, String original) {
        return line(orderId, 1, name, at, "SKU-1", price, null, "return", original);
    }

    void orders(String lines) {
        JsonNode job = importFile("orders", "native", "orders.csv", (ORDERS + lines).getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("done");
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
    }

    JsonNode card(long customerId) {
        Http.Response card = admin().get("/api/v1/loyalty/members/" + customerId);
        assertThat(card.status()).as(card.body()).isEqualTo(200);
        return card.json();
    }

    long balance(long customerId) {
        return card(customerId).get("balance").get("points").asLong();
    }

    /** Cached figures equal the ledger's sums, and the available lots hold exactly the available points. */
    void assertLedgerConsistent(long customerId) {
        Points.Balance cached = points.cached(customerId);
        assertThat(cached).as("cached balance vs ledger sum").isEqualTo(points.ledgerSums(customerId));
        assertThat(points.lotRemaining(customerId)).as("lots remaining vs available").isEqualTo(cached.points());
    }

    static void assertProblem(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("code").asString()).as(response.body()).isEqualTo(code);
    }

    void reward(String code, long cost, Long stock) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "Reward " + code, "kind", "coupon",
                "pointsCost", cost, "couponValidDays", 30));
        if (stock != null) {
            body.put("stock", stock);
        }
        Http.Response saved = admin().putJson("/api/v1/loyalty/rewards/" + code, body);
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    }
}
